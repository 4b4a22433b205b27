"""The center's HTTP API and console, built from the parts each router uses.

The composition root (``safenet center serve``, ``safenet demo``, a test) builds the
:class:`~safenet.center.service.CenterService` first, then its app::

    service = CenterService(settings, db=db, transport=transport)
    app = build_app(service, token_secret=secret, web=settings.web, data_dir=data_dir)

OpenAPI at ``/docs``; ``/healthz`` and ``/metrics`` come from
:func:`safenet.service.create_base_app`. Every ``/api/v1`` route is guarded by a
field of :class:`~safenet.center.api.access.CenterAccess`: the permission declared for
the route in :data:`safenet.auth.permissions.CENTER_ROUTES`, for this center's site, is
checked on every request, and an undeclared route makes building the app fail. The
sign-in routes (``/auth/…``) come from :func:`safenet.auth.routes.signin_router`. A new
router is a function of the parts it uses, included here (and declared in the table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI

from safenet import __version__
from safenet.auth.context import AuthContext, install
from safenet.auth.declared import assert_declared
from safenet.auth.permissions import CENTER_ROUTES
from safenet.auth.routes import signin_router
from safenet.center.api.access import CenterAccess
from safenet.center.api.evidence import evidence_router
from safenet.center.api.headsup import headsup_router
from safenet.center.api.hits import hits_router
from safenet.center.api.status import status_router
from safenet.center.ingest.http import reads_router
from safenet.center.service import CenterService
from safenet.link.site_names import default_names
from safenet.service import create_base_app
from safenet.service.direct import DirectRoutes
from safenet.service.responses import API_ERRORS
from safenet.web import WebSettings, mount_console

DESCRIPTION = """\
A smart-city center of safenet: cameras post plate reads here; each read is matched
against the police's emergency hotlist inside the center, hits are reported to the
police over the link, and reads that hit nothing never leave the center and are
deleted after the retention period.

Sites are named by id (`gangnam`) in the API; the console's `/console/config.json`
lists their display names as `sites: [{id, name_ko, name_en}]` (this center's from
`center.display_name` / `display_name_en`, the others' from the default table:
서초구 / Seocho-gu …).
"""


def build_app(
    center: CenterService,
    *,
    token_secret: bytes,
    web: WebSettings | None = None,
    data_dir: Path | None = None,
    access: CenterAccess | None = None,
    auth: AuthContext | None = None,
) -> FastAPI:
    """The FastAPI app of one center, with its operator console under ``/console``.

    ``auth`` defaults to the center's accounts, sessions and camera keys in its own
    database, its tokens signed with ``token_secret`` (or ``center.auth.signing_secret``).
    """
    access = access or CenterAccess()
    settings = center.settings.auth
    direct = DirectRoutes() if center.settings.ingest_direct else None
    app = create_base_app(
        title=f"safenet center {center.site}",
        version=__version__,
        description=DESCRIPTION,
        registry=center.metrics.registry,
        health=center.status.health,
        max_body_bytes=max(settings.max_body_bytes, center.settings.max_body_bytes),
        direct=direct,
    )
    install(
        app,
        auth
        or AuthContext.build(
            center.db, site=center.site, side="center", settings=settings, token_secret=token_secret
        ),
    )
    guarded: dict[str, Any] = {
        "dependencies": [Depends(access.every_route)],
        "responses": API_ERRORS,
    }
    app.include_router(signin_router())
    app.include_router(
        reads_router(center.settings, center.runner, center.metrics, access, direct),
        **guarded,
    )
    app.include_router(hits_router(center.candidates, access), **guarded)
    app.include_router(evidence_router(center.evidence, access), **guarded)
    app.include_router(headsup_router(center.headsup, access), **guarded)
    app.include_router(
        status_router(center.status, center.cameras, access),
        **guarded,
    )
    assert_declared(app, CENTER_ROUTES)
    mount_console(
        app,
        side="center",
        site=center.site,
        points=center.registry.places,
        web=web,
        data_dir=data_dir,
        sites=lambda: center.names.listing([center.site, *default_names()]),
    )
    return app
