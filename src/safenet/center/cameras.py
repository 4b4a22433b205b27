"""The center's cameras as it uses them: the pipeline's view, and the pages the consoles list.

Camera files come in through :func:`safenet.center.registry.import_camera_file`.
:class:`CameraRegistry` holds, in memory, what a read's camera needs for a hit
(position, heading, address, 보관일수); :class:`CameraList` pages the registry as a
GeoJSON FeatureCollection for ``GET /api/v1/cameras``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from safenet.center.tables import cameras, installations
from safenet.center.types import CameraInfo
from safenet.store import Database


class CameraRegistry:
    """The cameras a center's reads may name, held in memory for the pipeline."""

    def __init__(self, db: Database, *, refresh_interval_s: float = 5.0) -> None:
        self.db = db
        self.refresh_interval_s = refresh_interval_s
        self._cameras: dict[str, CameraInfo] = {}
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._cameras)

    def load(self) -> int:
        """Read every camera in service from the database (a worker-thread call)."""
        address = sa.func.coalesce(
            cameras.c.address,
            installations.c.road_address,
            installations.c.lot_address,
            installations.c.agency,
        )
        query = (
            sa.select(
                cameras.c.camera_id,
                cameras.c.lat,
                cameras.c.lon,
                cameras.c.heading,
                address.label("address"),
                cameras.c.retention_days,
            )
            .select_from(
                cameras.outerjoin(
                    installations, installations.c.installation_id == cameras.c.installation_id
                )
            )
            .where(cameras.c.retired_at.is_(None))
        )
        with self.db.read() as conn:
            found = {
                r.camera_id: CameraInfo(
                    camera_id=r.camera_id,
                    lat=float(r.lat),
                    lon=float(r.lon),
                    heading=None if r.heading is None else float(r.heading),
                    address=(r.address or r.camera_id)[:200],
                    retention_days=r.retention_days,
                )
                for r in conn.execute(query)
            }
        with self._lock:
            self._cameras = found
            self._loaded_at = time.monotonic()
        return len(found)

    def get(self, camera_id: str) -> CameraInfo | None:
        return self._cameras.get(camera_id)

    def refresh_if_stale(self) -> bool:
        """Reload when the last load is older than the refresh interval (a new import)."""
        if time.monotonic() - self._loaded_at < self.refresh_interval_s:
            return False
        self.load()
        return True

    def all(self) -> Iterable[CameraInfo]:
        return list(self._cameras.values())

    def places(self) -> list[tuple[float, float]]:
        """Where the cameras stand (latitude, longitude), for the console's map."""
        return [(c.lat, c.lon) for c in self._cameras.values()]


class CameraList:
    """Pages of the camera registry (retired cameras left out), for ``GET /api/v1/cameras``."""

    def __init__(self, db: Database, site: str) -> None:
        self.db = db
        self.site = site

    async def page(self, limit: int, offset: int) -> dict[str, Any]:
        return await asyncio.to_thread(self._page, limit, offset)

    def _page(self, limit: int, offset: int) -> dict[str, Any]:
        query = (
            sa.select(
                cameras,
                installations.c.agency,
                installations.c.road_address,
                installations.c.lot_address,
            )
            .select_from(
                cameras.outerjoin(
                    installations, installations.c.installation_id == cameras.c.installation_id
                )
            )
            .where(cameras.c.retired_at.is_(None))
            .order_by(cameras.c.camera_id)
            .limit(limit)
            .offset(offset)
        )
        with self.db.read() as conn:
            rows = conn.execute(query).all()
            total = conn.execute(
                sa.select(sa.func.count())
                .select_from(cameras)
                .where(cameras.c.retired_at.is_(None))
            ).scalar_one()
        return {
            "type": "FeatureCollection",
            "site": self.site,
            "total": int(total),
            "offset": offset,
            "features": [_feature(r) for r in rows],
        }


def _feature(r: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": r.camera_id,
        "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
        "properties": {
            "camera_id": r.camera_id,
            "kind": r.kind,
            "installation_id": r.installation_id,
            "heading": r.heading,
            "purpose": r.purpose,
            "view_direction": r.view_direction,
            "retention_days": r.retention_days,
            "name": r.name,
            "address": r.address or r.road_address or r.lot_address,
            "agency": r.agency,
            "group": r.camera_group,
        },
    }
