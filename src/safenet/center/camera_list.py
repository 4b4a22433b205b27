"""The center's cameras as the consoles list them: a GeoJSON FeatureCollection, a page at a time."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from safenet.center.tables import cameras, installations
from safenet.store import Database


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
