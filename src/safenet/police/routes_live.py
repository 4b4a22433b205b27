"""``/api/v1/tracks``, ``/api/v1/centers`` and ``/api/v1/hotlist``: the live picture."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query

from safenet.auth import Principal
from safenet.police import distribution
from safenet.police.app import POLICE_ROLES, service_of
from safenet.police.service import PoliceService
from safenet.police.tables import hits
from safenet.police.track_view import track_view
from safenet.service import require_role

router = APIRouter(tags=["live picture"])

_police = require_role(*POLICE_ROLES)


@router.get(
    "/tracks/{entry_id}",
    summary="An entry's track: hits in time order, direction, legs with speed and "
    "impossible-journey flags (GeoJSON inside)",
)
async def track(
    entry_id: str,
    _: Principal = Depends(_police),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        entry = service.registry.get(entry_id)
        with service.db.read() as conn:
            rows = conn.execute(
                sa.select(hits).where(hits.c.entry_id == entry_id).order_by(hits.c.read_at)
            ).all()
        sightings, legs, brief = service.tracks.snapshot(entry_id)
        return track_view(entry, sightings, legs, brief, rows)

    return await asyncio.to_thread(work)


@router.get(
    "/centers",
    summary="Each center's acknowledged hotlist version and when, against the current one",
)
async def centers(
    _: Principal = Depends(_police),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        with service.db.read() as conn:
            return distribution.center_status(conn)

    return await asyncio.to_thread(work)


@router.get("/hotlist", summary="The current hotlist as the centers receive it")
async def hotlist(
    _: Principal = Depends(_police),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        now = service.clock()
        with service.db.read() as conn:
            version = distribution.current_version(conn)
            entries = distribution.active_entries(conn, now)
        linked = [distribution.to_link_entry(e, service.policies[e.category]) for e in entries]
        return {"version": version, "entries": msgspec.to_builtins(linked)}

    return await asyncio.to_thread(work)


@router.get("/hotlist/versions", summary="The newest hotlist versions and what changed")
async def hotlist_versions(
    limit: int = Query(50, ge=1, le=1000),
    _: Principal = Depends(_police),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    def work() -> list[dict[str, Any]]:
        with service.db.read() as conn:
            return distribution.versions(conn, limit)

    return {"versions": await asyncio.to_thread(work)}
