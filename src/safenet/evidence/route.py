"""The escape route as a provided file: the vehicle's later hits, the path, where it may go.

``route.json`` lists the wanted vehicle's hits at this center from the asked hit on, in
time order, with camera, place and time (camera clock). The path between them and the
cameras it may reach next come from the escape-route part where a center has one; where
it has not, the document says which are missing and why instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec

from safenet.evidence.manifest import safe_segment, utc
from safenet.evidence.package import EvidenceFile, item_folder
from safenet.evidence.request import RouteQuery

ROUTE_FORMAT = "safenet-route/1"
NO_ROUTE_MODEL = "this center has no escape-route model yet"


class RoutePoint(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One hit on the route."""

    hit_id: str
    camera_id: str
    seen_at: datetime
    lat: float
    lon: float
    address: str = ""
    level: str = "exact"


class RouteDocument(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The content of ``route.json``."""

    format: str = ROUTE_FORMAT
    site: str
    entry_id: str
    from_hit: str
    hits: list[RoutePoint]
    path: list[tuple[float, float]] | None = None
    reachable_cameras: list[str] | None = None
    missing: list[str] = msgspec.field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RouteHit:
    """A hit as the center's store gives it, for the route."""

    hit_id: str
    camera_id: str
    read_at: datetime
    lat: float
    lon: float
    address: str = ""
    level: str = "exact"


def route_file(
    query: RouteQuery,
    *,
    site: str,
    hits: Sequence[RouteHit],
    path: Sequence[tuple[float, float]] | None = None,
    reachable_cameras: Sequence[str] | None = None,
    missing_reason: str = NO_ROUTE_MODEL,
) -> EvidenceFile:
    """The route file for one item: the hits from the asked one on, and what is missing."""
    later = sorted(
        (h for h in hits if h.read_at >= query.since), key=lambda h: (h.read_at, h.hit_id)
    )
    points = [
        RoutePoint(
            hit_id=h.hit_id,
            camera_id=h.camera_id,
            seen_at=utc(h.read_at),
            lat=h.lat,
            lon=h.lon,
            address=h.address,
            level=h.level,
        )
        for h in later
    ]
    missing = []
    if path is None:
        missing.append(f"path: {missing_reason}")
    if reachable_cameras is None:
        missing.append(f"reachable_cameras: {missing_reason}")
    doc = RouteDocument(
        site=site,
        entry_id=query.entry_id,
        from_hit=query.hit_id,
        hits=points,
        path=None if path is None else [(lat, lon) for lat, lon in path],
        reachable_cameras=None if reachable_cameras is None else list(reachable_cameras),
        missing=missing,
    )
    cameras = tuple(dict.fromkeys(p.camera_id for p in points))
    return EvidenceFile(
        name=f"{item_folder(query.item, 'route')}/{safe_segment(query.hit_id)}.json",
        data=msgspec.json.encode(doc),
        media_type="application/json",
        form="route",
        item=query.item,
        camera_ids=cameras,
        time_from=points[0].seen_at if points else None,
        time_to=points[-1].seen_at if points else None,
    )
