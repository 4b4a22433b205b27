"""The escape route as JSON for the consoles and the police API: plain dicts, finite numbers.

One place decides how a direction, a drive between hits and a reach forecast look
on the wire, so the card, the map and an evidence package show the same thing.
Positions are GeoJSON ``[lon, lat]``; times are ISO 8601 with their offset;
seconds and metres are rounded to what a dispatcher can use; an infinite speed
(two cameras at one instant) becomes None with ``instant: true``.
"""

from __future__ import annotations

import math
from typing import Any

from safenet.tracking.direction import compass_label
from safenet.tracking.roadgraph import RoadRoute
from safenet.tracking.route_types import DirectionOfTravel, Reach
from safenet.tracking.types import Leg


def _number(value: float | None, digits: int = 1) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def direction_json(direction: DirectionOfTravel | None) -> dict[str, Any] | None:
    """The direction of travel for the card: bearing, compass words, where it came from."""
    if direction is None:
        return None
    return {
        "bearing_deg": round(direction.bearing_deg, 1),
        "label_ko": compass_label(direction.bearing_deg, "ko"),
        "label_en": compass_label(direction.bearing_deg, "en"),
        "source": direction.source,
        "from_hit": direction.from_hit_id,
        "plate_side": direction.plate_side,
        "reason": direction.reason,
        "reason_ko": direction.reason_ko,
        "reason_word": None if direction.reason_word is None else direction.reason_word.json(),
    }


def route_json(route: RoadRoute | None) -> dict[str, Any] | None:
    """A drive along roads as a GeoJSON LineString with its length, time and streets."""
    if route is None:
        return None
    return {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [[round(p.lon, 6), round(p.lat, 6)] for p in route.points],
        },
        "properties": {
            "length_m": round(route.length_m),
            "time_s": round(route.time_s),
            "streets": list(route.names),
            "by": route.by,
        },
    }


def leg_json(leg: Leg) -> dict[str, Any]:
    """A leg of a track with how it was measured, its pace and the drive to draw."""
    return {
        "from_hit": leg.from_hit.hit_id,
        "to_hit": leg.to_hit.hit_id,
        "distance_m": round(leg.distance_m),
        "road_distance_m": None if leg.road_distance_m is None else round(leg.road_distance_m),
        "elapsed_s": round(leg.elapsed_s, 1),
        "expected_s": _number(leg.expected_s),
        "speed_kmh": _number(leg.speed_kmh),
        "instant": math.isinf(leg.speed_kmh),
        "basis": leg.basis,
        "basis_note": leg.basis_note,
        "basis_note_ko": leg.basis_note_ko,
        "pace": leg.pace,
        "impossible": leg.impossible,
        "reason": leg.reason,
        "reason_ko": leg.reason_ko,
        "note": leg.note,
        "note_ko": leg.note_ko,
        "route": route_json(leg.route),
        "reason_words": [w.json() for w in leg.reason_words],
        "note_words": [w.json() for w in leg.note_words],
        "basis_note_word": None if leg.basis_note_word is None else leg.basis_note_word.json(),
    }


def reach_json(reach: Reach) -> dict[str, Any]:
    """The forecast: ranked cameras with arrival windows, and the reach areas per horizon."""
    return {
        "at": reach.at.isoformat(),
        "origin": [round(reach.origin.lon, 6), round(reach.origin.lat, 6)],
        "basis": reach.basis,
        "model": reach.model,
        "pace": round(reach.pace, 2),
        "notice": reach.notice,
        "notice_ko": reach.notice_ko,
        "notice_word": None if reach.notice_word is None else reach.notice_word.json(),
        "cameras": [
            {
                "camera_id": c.camera_id,
                "rank": c.rank,
                "score": round(c.score, 4),
                "position": [round(c.point.lon, 6), round(c.point.lat, 6)],
                "arrival_s": _number(c.arrival_s),
                "earliest": None if c.earliest is None else c.earliest.isoformat(),
                "latest": None if c.latest is None else c.latest.isoformat(),
                "horizon_min": c.horizon_min,
                "distance_m": round(c.distance_m),
                "ahead": c.ahead,
                "behind": c.behind,
                "transitions": c.transitions,
                "reason": c.reason,
                "reason_ko": c.reason_ko,
                "reason_words": [word.json() for word in c.reason_words],
            }
            for c in reach.cameras
        ],
        "areas": reach.geojson(),
    }
