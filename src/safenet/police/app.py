"""The police service's HTTP API (FastAPI on :func:`safenet.service.create_base_app`).

Every ``/api/v1`` endpoint needs a bearer token (``safenet police token``); the roles
it needs are in each route's summary. OpenAPI is at ``/docs``; ``/healthz`` and
``/metrics`` come from the base app. docs/police.md lists the endpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request

from safenet import __version__
from safenet.auth import Role
from safenet.service import create_base_app

if TYPE_CHECKING:
    from safenet.police.service import PoliceService

POLICE_ROLES = (Role.REGISTRAR, Role.APPROVER, Role.DISPATCHER, Role.FIELD_OFFICER, Role.AUDITOR)
"""Everyone on the police side who may read the registry, tracks and centers."""

ALERT_ROLES = (Role.DISPATCHER, Role.FIELD_OFFICER, Role.REGISTRAR, Role.APPROVER, Role.AUDITOR)
"""Who may read alerts."""

RESPONDERS = (Role.DISPATCHER, Role.FIELD_OFFICER)
"""Who acknowledges alerts and marks dispatch."""


def service_of(request: Request) -> PoliceService:
    """The service behind the app (a dependency for the routers)."""
    service: PoliceService = request.app.state.police
    return service


def build_app(service: PoliceService) -> FastAPI:
    """The police API for ``service``."""
    from safenet.police.routes_alerts import router as alerts_router
    from safenet.police.routes_live import router as live_router
    from safenet.police.routes_wanted import router as wanted_router

    app = create_base_app(
        title="safenet police (WASS side)",
        version=__version__,
        description=(
            "The police end of the safety net: the emergency wanted registry with its "
            "lawful-basis gate and two-person rule, hotlist distribution to the centers, "
            "hits and tracks, and live alerts (Server-Sent Events)."
        ),
        registry=service.metrics.registry,
        health=service.health,
        token_secret=service.token_secret,
    )
    app.state.police = service
    app.include_router(wanted_router, prefix="/api/v1")
    app.include_router(alerts_router, prefix="/api/v1")
    app.include_router(live_router, prefix="/api/v1")
    from safenet.web import mount_police_console

    mount_police_console(app, service)
    return app
