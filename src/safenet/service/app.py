"""The FastAPI base every safenet service starts from."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from safenet.audit.origin import OriginMiddleware
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
) -> FastAPI:
    """An app with the error handlers, ``/healthz`` and ``/metrics`` installed.

    ``health`` returns the service's own status fields; a falsy ``"ok"`` makes
    ``/healthz`` answer 503 so that load balancers and the demo notice. With
    ``max_body_bytes``, a larger request body is refused with 413 naming the limit
    (:class:`~safenet.service.limits.BodySizeLimit`). Who may call what is the
    service's :mod:`safenet.auth` context, installed by its composition root.
    """
    app = FastAPI(title=title, version=version, description=description)
    if max_body_bytes is not None:
        app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(OriginMiddleware)  # "from where" on every audit record a request makes

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        if exc.status >= 500:
            log.error("service error: %s", exc.message)
        headers: dict[str, str] | None = getattr(exc, "headers", None)
        return JSONResponse(exc.as_body(), status_code=exc.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # The router's own answers (no such path, method not allowed) in the one error shape.
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            {"error": code, "message": str(exc.detail), "field": None, "details": {}},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

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
