"""The FastAPI base every safenet service starts from."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from safenet.audit.origin import OriginMiddleware
from safenet.auth import AuthError, Principal, Role, verify_token
from safenet.service.errors import Forbidden, ServiceError, Unauthorized

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[dict[str, Any]]]


def create_base_app(
    *,
    title: str,
    version: str,
    description: str,
    registry: CollectorRegistry,
    health: HealthCheck,
    token_secret: bytes,
) -> FastAPI:
    """An app with the error handlers, ``/healthz`` and ``/metrics`` installed.

    ``health`` returns the service's own status fields; a falsy ``"ok"`` makes
    ``/healthz`` answer 503 so that load balancers and the demo notice.
    """
    app = FastAPI(title=title, version=version, description=description)
    app.add_middleware(OriginMiddleware)  # "from where" on every audit record a request makes
    app.state.token_secret = token_secret

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        if exc.status >= 500:
            log.error("service error: %s", exc.message)
        headers: dict[str, str] | None = getattr(exc, "headers", None)
        return JSONResponse(exc.as_body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "reason": err.get("msg", "invalid"),
            }
            for err in exc.errors()
        ]
        first = problems[0] if problems else {"field": "", "reason": "invalid"}
        return JSONResponse(
            {
                "error": "invalid",
                "message": f"{first['field']}: {first['reason']}",
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


_bearer = HTTPBearer(auto_error=False)


async def principal_dependency(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Principal:
    """The authenticated caller, from the ``Authorization: Bearer`` header."""
    if credentials is None:
        raise Unauthorized("an Authorization: Bearer token is required")
    try:
        return verify_token(credentials.credentials, request.app.state.token_secret)
    except AuthError as exc:
        raise Unauthorized(exc.reason) from exc


def require_role(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits a caller holding any of ``roles`` (admins always)."""

    async def dependency(principal: Principal = Depends(principal_dependency)) -> Principal:
        if not any(principal.has(r) for r in roles):
            needed = " or ".join(r.value for r in roles)
            raise Forbidden(f"this action needs the role {needed}")
        return principal

    return dependency
