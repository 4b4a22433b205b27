"""Sightings for the tracking tests: a few real Seoul places and a fixed Korean clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from safenet.tracking import GeoPoint, Sighting

KST = timezone(timedelta(hours=9), "KST")
T0 = datetime(2024, 5, 1, 14, 0, tzinfo=KST)

CITY_HALL = GeoPoint(37.5663, 126.9779)  # 서울시청
GANGNAM = GeoPoint(37.4979, 127.0276)  # 강남역
BUSAN = GeoPoint(35.1796, 129.0756)  # 부산시청


def sighting(
    hit_id: str,
    point: GeoPoint,
    at_s: float = 0.0,
    *,
    entry_id: str = "E1",
    camera_id: str | None = None,
    heading: float | None = None,
    site: str = "seoul",
) -> Sighting:
    """A hit on ``entry_id`` at ``point``, ``at_s`` seconds after T0."""
    return Sighting(
        hit_id=hit_id,
        entry_id=entry_id,
        camera_id=camera_id or f"cam-{hit_id}",
        site=site,
        ts=T0 + timedelta(seconds=at_s),
        point=point,
        heading=heading,
    )
