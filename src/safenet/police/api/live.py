"""``/api/v1/tracks``, ``/api/v1/centers`` and ``/api/v1/hotlist``: the live picture."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from safenet.auth import Principal
from safenet.auth.guard import visible_sites
from safenet.police.api.access import PoliceAccess
from safenet.police.picture import LivePicture


def live_router(picture: LivePicture, access: PoliceAccess) -> APIRouter:
    """Tracks, centers and the hotlist, read from the live picture."""
    router = APIRouter(tags=["live picture"])

    @router.get(
        "/tracks/{entry_id}",
        summary="An entry's track in the caller's scope: hits in time order, direction, "
        "legs with speed and impossible-journey flags (GeoJSON inside)",
    )
    async def track(
        request: Request, entry_id: str, officer: Principal = Depends(access.read)
    ) -> dict[str, Any]:
        return await picture.track(entry_id, visible_sites(request, officer))

    @router.get(
        "/centers",
        summary="Each center's acknowledged hotlist version and when, against the current one",
    )
    async def centers(_: Principal = Depends(access.read)) -> dict[str, Any]:
        return await picture.centers()

    @router.get("/hotlist", summary="The current hotlist as the centers receive it")
    async def hotlist(_: Principal = Depends(access.read)) -> dict[str, Any]:
        return await picture.hotlist()

    @router.get("/hotlist/versions", summary="The newest hotlist versions and what changed")
    async def hotlist_versions(
        limit: int = Query(50, ge=1, le=1000),
        _: Principal = Depends(access.read),
    ) -> dict[str, Any]:
        return {"versions": await picture.versions(limit)}

    return router
