"""``GET /api/v1/heads-up``: the police's heads-ups in force at this center."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends

from safenet.auth import Principal
from safenet.center.api.access import CenterAccess
from safenet.center.headsup import HeadsUpBoard


def headsup_router(board: HeadsUpBoard, access: CenterAccess) -> APIRouter:
    """The heads-ups for the operators: which cameras to watch for which wanted vehicle."""
    router = APIRouter(tags=["heads-up"])

    @router.get(
        "/api/v1/heads-up",
        summary="Heads-ups from the police still in force: the wanted vehicle, where it was "
        "last seen, and this center's cameras it may pass next with their arrival windows",
    )
    async def heads_up(_: Principal = Depends(access.view_hits)) -> dict[str, Any]:
        return {"heads_up": await asyncio.to_thread(board.active)}

    return router
