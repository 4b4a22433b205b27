"""The center console: the candidate confirmation queue, and cameras with ingest health.

``/console/`` is the operator's queue: each candidate's snapshot beside the wanted
vehicle's description and the match explanation, confirmed or rejected with a reason
from the keyboard (J/K to move, C or R to decide, Enter to send). ``/console/health``
shows the camera registry on a map and the ingest figures: reads per second,
rejected reads by reason, outbox depth, link status and the hotlist version in force.
Both pages call the center's ``/api/v1`` with the operator's token.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI

from safenet.web.mount import ConsoleState, mount_console
from safenet.web.settings import WebSettings

if TYPE_CHECKING:
    from safenet.center.service import CenterService

CENTER_PAGES = {"": "center-queue.html", "health": "center-health.html"}


def mount_center_console(
    app: FastAPI,
    service: CenterService,
    *,
    web: WebSettings | None = None,
    data_dir: Path | None = None,
    prefix: str = "/console",
) -> ConsoleState:
    """Serve the center console under ``prefix`` of the center app.

    Without ``web``/``data_dir`` the defaults apply until :func:`configure_console`
    gives the installation's settings.
    """

    def camera_places() -> list[tuple[float, float]]:
        return [(c.lat, c.lon) for c in service.registry.all()]

    return mount_console(
        app,
        side="center",
        site=service.site,
        pages=CENTER_PAGES,
        points=camera_places,
        web=web,
        data_dir=data_dir,
        prefix=prefix,
    )
