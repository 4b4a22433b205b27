"""The FastAPI base every safenet service starts from."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from safenet.audit.origin import OriginMiddleware
from safenet.service.direct import DirectRoutes, service_error_response
from safenet.service.direct import install as install_direct
from safenet.service.errors import ServiceError
from safenet.service.limits import BodySizeLimit

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[dict[str, Any]]]


def create_base_app(
    *,
    title: str,
    version: str,
    description: str,
    registry: CollectorRegistry,
    health: HealthCheck,
    max_body_bytes: int | None = None,
    direct: DirectRoutes | None = None,
) -> FastAPI:
    """An app with the error handlers, ``/healthz`` and ``/metrics`` installed.

    ``health`` returns the service's own status fields; a falsy ``"ok"`` makes
    ``/healthz`` answer 503 so that load balancers and the demo notice. With
    ``max_body_bytes``, a larger request body is refused with 413 naming the limit
    (:class:`~safenet.service.limits.BodySizeLimit`). Who may call what is the
    service's :mod:`safenet.auth` context, installed by its composition root. ``direct``:
    hot routes served past the framework's routing (:mod:`safenet.service.direct`).
    """
    app = FastAPI(title=title, version=version, description=description)
    if direct is not None:
        install_direct(app, direct)  # innermost: the body limit and the origin still apply
    if max_body_bytes is not None:
        app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(OriginMiddleware)  # "from where" on every audit record a request makes

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        if exc.status >= 500:
            log.error("service error: %s", exc.message)
        return service_error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # The router's own answers (no such path, method not allowed) in the one error shape.
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        key = {404: "request.not_found", 405: "request.method_not_allowed"}.get(
            exc.status_code, "request.invalid" if exc.status_code < 500 else "request.internal"
        )
        return JSONResponse(
            {
                "error": code,
                "code": key,
                "params": {},
                "message": str(exc.detail),
                "detail": str(exc.detail),
                "field": None,
                "details": {},
            },
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(err) for err in exc.errors()]
        first = problems[0] if problems else _problem({})
        return JSONResponse(
            {
                "error": "invalid",
                "code": first["code"],
                "params": first["params"],
                "message": f"{first['field']}: {first['reason']}",
                "detail": f"{first['field']}: {first['reason']}",
                "field": first["field"],
                "details": {"problems": problems},
            },
            status_code=422,
        )

    @app.get("/healthz", tags=["operations"], summary="Liveness and dependency status")
    async def healthz() -> JSONResponse:
        status = await health()
        return JSONResponse(status, status_code=200 if status.get("ok") else 503)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics")
    async def metrics() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app


def _problem(err: Mapping[str, Any]) -> dict[str, Any]:
    """One field the request schema refused, with its message code (docs/api.md)."""
    field = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
    kind = str(err.get("type", ""))
    params: dict[str, Any] = {"field": field}
    if kind == "missing":
        code = "field.required"
    elif kind in ("string_too_long", "too_long"):
        code = "field.too_long"
        limit = (err.get("ctx") or {}).get("max_length")
        if limit is not None:
            params["max"] = limit
    else:
        code = "field.invalid"
    return {"field": field, "reason": err.get("msg", "invalid"), "code": code, "params": params}
