"""The center at a glance, and its cameras, for the consoles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from safenet.auth import Principal
from safenet.center.api.access import CenterAccess
from safenet.center.cameras import CameraList
from safenet.center.status import CenterStatus
from safenet.service.responses import MAX_DB_INT


def status_router(status: CenterStatus, cameras: CameraList, access: CenterAccess) -> APIRouter:
    """``GET /api/v1/status`` and ``GET /api/v1/cameras``."""
    router = APIRouter(tags=["status"])

    @router.get("/api/v1/status", summary="The center's state: hotlist, ingest, link")
    async def get_status(_: Principal = Depends(access.status)) -> dict[str, Any]:
        return await status.status()

    @router.get(
        "/api/v1/cameras",
        summary="The center's cameras as a GeoJSON FeatureCollection",
    )
    async def list_cameras(
        limit: int = Query(10_000, ge=1, le=200_000),
        offset: int = Query(0, ge=0, le=MAX_DB_INT),
        _: Principal = Depends(access.status),
    ) -> dict[str, Any]:
        return await cameras.page(limit, offset)

    return router
