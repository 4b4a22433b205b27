"""``/api/v1/tracks/{entry_id}/route``: the escape route of an entry's track."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends

from safenet.auth import Principal
from safenet.police.api.access import PoliceAccess
from safenet.police.escape import EscapeRoutes
from safenet.police.registry import Registry


def route_router(escape: EscapeRoutes, registry: Registry, access: PoliceAccess) -> APIRouter:
    """The escape route: legs along roads, direction and its source, reachable cameras, reach."""
    router = APIRouter(tags=["live picture"])

    @router.get(
        "/tracks/{entry_id}/route",
        summary="An entry's escape route: the drive between its hits, the direction of travel "
        "and where it came from, the cameras reachable within each horizon (ranked) and the "
        "reach areas (GeoJSON)",
    )
    async def route(entry_id: str, principal: Principal = Depends(access.read)) -> dict[str, Any]:
        await asyncio.to_thread(registry.get, entry_id)  # 404 for an unknown entry
        return await escape.view_async(entry_id, principal.may_see_site)

    return router
