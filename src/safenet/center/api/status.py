"""The center at a glance, and its cameras, for the consoles."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query

from safenet.auth import Principal
from safenet.center.tables import cameras, installations
from safenet.service import principal_dependency

if TYPE_CHECKING:
    from safenet.center.service import CenterService


def status_router(service: CenterService) -> APIRouter:
    router = APIRouter(tags=["status"])

    @router.get("/api/v1/status", summary="The center's state: hotlist, ingest, link")
    async def status(_: Principal = Depends(principal_dependency)) -> dict[str, Any]:
        return await service.status()

    @router.get(
        "/api/v1/cameras",
        summary="The center's cameras as a GeoJSON FeatureCollection",
    )
    async def list_cameras(
        limit: int = Query(10_000, ge=1, le=200_000),
        offset: int = Query(0, ge=0),
        _: Principal = Depends(principal_dependency),
    ) -> dict[str, Any]:
        return await asyncio.to_thread(_cameras, service, limit, offset)

    return router


def _cameras(service: CenterService, limit: int, offset: int) -> dict[str, Any]:
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
    with service.db.read() as conn:
        rows = conn.execute(query).all()
        total = conn.execute(
            sa.select(sa.func.count()).select_from(cameras).where(cameras.c.retired_at.is_(None))
        ).scalar_one()
    features = [
        {
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
        for r in rows
    ]
    return {
        "type": "FeatureCollection",
        "site": service.site,
        "total": int(total),
        "offset": offset,
        "features": features,
    }
