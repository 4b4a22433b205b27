"""The center's HTTP API and console, built from the parts each router uses.

The composition root (``safenet center serve``, ``safenet demo``, a test) builds the
:class:`~safenet.center.service.CenterService` first, then its app::

    service = CenterService(settings, db=db, transport=transport)
    app = build_app(service, token_secret=secret, web=settings.web, data_dir=data_dir)

OpenAPI at ``/docs``; ``/healthz`` and ``/metrics`` come from
:func:`safenet.service.create_base_app`. Every ``/api/v1`` route is guarded by a
field of :class:`~safenet.center.api.access.CenterAccess`. A new router is a function
of the parts it uses, included here.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from safenet import __version__
from safenet.center.api.access import CenterAccess
from safenet.center.api.evidence import evidence_router
from safenet.center.api.headsup import headsup_router
from safenet.center.api.hits import hits_router
from safenet.center.api.status import status_router
from safenet.center.ingest.http import reads_router
from safenet.center.service import CenterService
from safenet.service import create_base_app
from safenet.web import WebSettings, mount_console

DESCRIPTION = """\
A smart-city center of safenet: cameras post plate reads here; each read is matched
against the police's emergency hotlist inside the center, hits are reported to the
police over the link, and reads that hit nothing never leave the center and are
deleted after the retention period.
"""


def build_app(
    center: CenterService,
    *,
    token_secret: bytes,
    web: WebSettings | None = None,
    data_dir: Path | None = None,
    access: CenterAccess | None = None,
) -> FastAPI:
    """The FastAPI app of one center, with its operator console under ``/console``."""
    access = access or CenterAccess()
    app = create_base_app(
        title=f"safenet center {center.site}",
        version=__version__,
        description=DESCRIPTION,
        registry=center.metrics.registry,
        health=center.status.health,
        token_secret=token_secret,
    )
    app.include_router(reads_router(center.settings, center.runner, center.metrics, access))
    app.include_router(hits_router(center.candidates, access))
    app.include_router(evidence_router(center.evidence, access))
    app.include_router(status_router(center.status, center.cameras, access))
    app.include_router(headsup_router(center.headsup, access))
    mount_console(
        app,
        side="center",
        site=center.site,
        points=center.registry.places,
        web=web,
        data_dir=data_dir,
    )
    return app
