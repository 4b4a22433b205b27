"""The police's HTTP API and console, built from the parts each router uses.

The composition root (``safenet police serve``, ``safenet demo``, a test) builds the
:class:`~safenet.police.service.PoliceService` first, then its app::

    service = PoliceService(settings, db=db, transport=transport)
    app = build_app(service, token_secret=secret, web=settings.web, data_dir=data_dir)

Every ``/api/v1`` endpoint needs a signed-in officer (session cookie, or a bearer
token: ``safenet police token``, an identity provider's token) and is guarded by
:class:`~safenet.police.api.access.PoliceAccess`: the permission declared for the route
in :data:`safenet.auth.permissions.POLICE_ROUTES` is checked on every request, and an
undeclared route makes building the app fail. Sign-in is under ``/auth``. OpenAPI is at
``/docs``; ``/healthz`` and ``/metrics`` come from the base app. docs/police.md lists
the endpoints. A new router is a function of the parts it uses, included here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI

from safenet import __version__
from safenet.auth.context import AuthContext, install
from safenet.auth.declared import assert_declared
from safenet.auth.permissions import POLICE_ROUTES
from safenet.auth.routes import signin_router
from safenet.police.api.access import PoliceAccess
from safenet.police.api.alerts import alerts_router
from safenet.police.api.evidence import evidence_router
from safenet.police.api.live import live_router
from safenet.police.api.route import route_router
from safenet.police.api.wanted import wanted_router
from safenet.police.service import PoliceService
from safenet.service import create_base_app
from safenet.service.responses import API_ERRORS
from safenet.web import WebSettings, mount_console

POLICE_SITE = "police"
"""The police's site id: the audience of its tokens, and ``--site police`` of ``safenet users``."""

DESCRIPTION = (
    "The police end of the safety net: the emergency wanted registry with its "
    "lawful-basis gate and two-person rule, hotlist distribution to the centers, "
    "hits and tracks, and live alerts (Server-Sent Events). Sites are named by id "
    "(`gangnam`) in the API; the console's `/console/config.json` lists each center's "
    "display names as `sites: [{id, name_ko, name_en}]` (settings `police.center_names`, "
    "else the center's heartbeats, else the default table: 강남구 / Gangnam-gu …)."
)


def build_app(
    police: PoliceService,
    *,
    token_secret: bytes,
    web: WebSettings | None = None,
    data_dir: Path | None = None,
    access: PoliceAccess | None = None,
    var_dir: Path | None = None,
    auth: AuthContext | None = None,
) -> FastAPI:
    """The police API, with the dispatchers' console under ``/console``.

    Camera sites on the police map are those of the hits: the police learn a camera's
    place from the centers' reports and hold no credential for a center's own API (the
    networks are separate); a center's full camera registry is on its own console.
    """
    access = access or PoliceAccess()
    settings = police.settings.auth
    app = create_base_app(
        title="safenet police (WASS side)",
        version=__version__,
        description=DESCRIPTION,
        registry=police.metrics.registry,
        health=police.health,
        max_body_bytes=settings.max_body_bytes,
    )
    install(
        app,
        auth
        or AuthContext.build(
            police.db, site=POLICE_SITE, side="police", settings=settings, token_secret=token_secret
        ),
    )
    guarded: dict[str, Any] = {
        "dependencies": [Depends(access.every_route)],
        "responses": API_ERRORS,
    }
    app.include_router(signin_router())
    app.include_router(
        wanted_router(police.actions, police.registry, police.policies, access),
        prefix="/api/v1",
        **guarded,
    )
    app.include_router(
        alerts_router(police.hub, police.alerts, police.metrics, police.settings, access),
        prefix="/api/v1",
        **guarded,
    )
    app.include_router(
        live_router(police.picture, access),
        prefix="/api/v1",
        **guarded,
    )
    app.include_router(evidence_router(police.evidence, access), prefix="/api/v1", **guarded)
    app.include_router(
        route_router(police.escape, police.registry, access), prefix="/api/v1", **guarded
    )
    assert_declared(app, POLICE_ROUTES)
    mount_console(
        app,
        side="police",
        site=None,
        points=police.picture.hit_places,
        web=web,
        data_dir=data_dir,
        var_dir=var_dir,
        sites=lambda: police.names.listing([*police.settings.centers, *police.names.known()]),
    )
    return app
