"""Direct routes: a hot route served past the framework's routing and dependency solving.

A camera that posts each read on its own makes one small request per read, and for
such a request FastAPI's own work (matching every route in turn, solving the
dependency tree, validating and serialising through the response model) costs more
than safenet's. :class:`DirectRoutes` is an ASGI middleware, the innermost of the
base app's (inside the body limit and the audit origin, so both still apply), that
sends a request whose method and exact path were registered straight to its handler.

A direct route is always also an ordinary route of the app, declared in the
permission table and published in OpenAPI: :meth:`DirectRoutes.add` takes that route
and puts it in the request's scope, as the framework does, so the route's declared
guard admits or refuses the request exactly as it does on the framework's path. The
handler is the route's own; a :class:`ServiceError` it raises is answered in the one
error shape (:func:`service_error_response`), and anything else propagates to the
server-error middleware, as on the framework's path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from safenet.service.errors import ServiceError

Handler = Callable[[Request], Awaitable[Response]]


def service_error_response(exc: ServiceError) -> JSONResponse:
    """The answer to a :class:`ServiceError`: its body, its status, its headers."""
    headers: dict[str, str] | None = getattr(exc, "headers", None)
    return JSONResponse(exc.as_body(), status_code=exc.status, headers=headers)


class DirectRoutes:
    """The registry of direct routes: (method, exact path) -> the route's handler."""

    def __init__(self) -> None:
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._routes: dict[tuple[str, str], BaseRoute] = {}
        self.served = 0
        """Requests served directly (a test reads it to know which path a request took)."""

    def add(self, method: str, path: str, handler: Handler, route: BaseRoute) -> None:
        """Serve ``method path`` with ``handler``; ``route`` is its ordinary route, the one
        the framework puts in the scope (the route its router declared), so the route's
        declared guard sees the same request on both paths."""
        if getattr(route, "path", None) != path or method.upper() not in (
            getattr(route, "methods", None) or ()
        ):
            raise ValueError(f"direct route {method} {path}: {route!r} is another route")
        self._handlers[(method.upper(), path)] = handler
        self._routes[(method.upper(), path)] = route

    def lookup(self, scope: Scope) -> tuple[Handler, BaseRoute] | None:
        if scope["type"] != "http":
            return None
        key = (scope["method"], scope["path"])
        handler = self._handlers.get(key)
        if handler is None:
            return None
        self.served += 1
        return handler, self._routes[key]


class DirectRoutesMiddleware:
    """ASGI middleware sending registered requests to their handler (module docstring)."""

    def __init__(self, app: ASGIApp, routes: DirectRoutes) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.routes.lookup(scope)
        if found is None:
            await self.app(scope, receive, send)
            return
        handler, route = found
        scope["route"] = route
        request = Request(scope, receive, send)
        try:
            response = await handler(request)
        except ServiceError as exc:
            response = service_error_response(exc)
        await response(scope, receive, send)


def install(app: Any, routes: DirectRoutes) -> None:
    """Hang ``routes`` on ``app``: call before any other middleware, so it is innermost."""
    app.add_middleware(DirectRoutesMiddleware, routes=routes)
    app.state.direct_routes = routes
