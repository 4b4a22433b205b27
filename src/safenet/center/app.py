"""The center's HTTP API: the shared service base plus ingest, hits and status routes.

OpenAPI at ``/docs``; ``/healthz`` and ``/metrics`` come from
:func:`safenet.service.create_base_app`. Every ``/api/v1`` route needs a bearer token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from safenet import __version__
from safenet.center.api.hits import hits_router
from safenet.center.api.status import status_router
from safenet.center.ingest.http import reads_router
from safenet.service import create_base_app

if TYPE_CHECKING:
    from safenet.center.service import CenterService

DESCRIPTION = """\
A smart-city center of safenet: cameras post plate reads here; each read is matched
against the police's emergency hotlist inside the center, hits are reported to the
police over the link, and reads that hit nothing never leave the center and are
deleted after the retention period.
"""


def build_app(service: CenterService, token_secret: bytes) -> FastAPI:
    """The FastAPI app of one center."""
    app = create_base_app(
        title=f"safenet center {service.site}",
        version=__version__,
        description=DESCRIPTION,
        registry=service.metrics.registry,
        health=service.health,
        token_secret=token_secret,
    )
    app.include_router(reads_router(service))
    app.include_router(hits_router(service))
    app.include_router(status_router(service))
    from safenet.web import mount_center_console

    mount_center_console(app, service)
    return app
