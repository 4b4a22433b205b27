"""The police console: the live map with alerts, and the wanted registry pages.

``/console/`` is the dispatcher's screen: the districts, every active wanted vehicle's
track (numbered hits with times, the line between them, direction arrows, the
impossible-journey mark) and the alert list pushed over Server-Sent Events.
``/console/wanted`` registers, approves, renews and lifts wanted entries, and shows
which hotlist version each center runs. Both pages call the police ``/api/v1`` with
the officer's own token; the server enforces every rule (two-person approval, the
lawful-basis gate, roles), the pages only show its answers.

Camera sites on the police map are those of the hits: the police learn a camera's
place from the centers' reports and hold no credential for a center's own API
(the networks are separate); a center's full camera registry is on its console.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from fastapi import FastAPI

from safenet.web.mount import ConsoleState, mount_console
from safenet.web.settings import WebSettings

if TYPE_CHECKING:
    from safenet.police.service import PoliceService

POLICE_PAGES = {"": "police-live.html", "wanted": "police-wanted.html"}

MAX_POINTS = 5000


def mount_police_console(
    app: FastAPI,
    service: PoliceService,
    *,
    web: WebSettings | None = None,
    data_dir: Path | None = None,
    prefix: str = "/console",
) -> ConsoleState:
    """Serve the police console under ``prefix`` of the police app.

    Without ``web``/``data_dir`` the defaults apply until :func:`configure_console`
    gives the installation's settings.
    """

    def hit_places() -> list[tuple[float, float]]:
        from safenet.police.tables import hits

        query = sa.select(hits.c.lat, hits.c.lon).distinct().limit(MAX_POINTS)
        with service.db.read() as conn:
            return [(float(r.lat), float(r.lon)) for r in conn.execute(query)]

    return mount_console(
        app,
        side="police",
        site=None,
        pages=POLICE_PAGES,
        points=hit_places,
        web=web,
        data_dir=data_dir,
        prefix=prefix,
    )
