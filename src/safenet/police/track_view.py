"""A wanted entry's track as the live map draws it (GeoJSON-friendly).

Points are the hits on the track in time order, with time, camera, heading and
match level; legs join consecutive points with distance, time, speed, bearing and
the impossible-journey flag ("likely misread or cloned plate"). The same data comes
twice: as plain ``points``/``legs`` lists and as a GeoJSON ``FeatureCollection``
(coordinates are ``[lon, lat]``, as GeoJSON wants them). Hits the center's operator
rejected are listed apart and are not on the track. A leg measured along roads is
drawn along them (camera, onto the road, along it, to the next camera).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safenet.police.alert_log import entry_brief
from safenet.police.hit_log import hit_view
from safenet.police.tracks import leg_view
from safenet.police.types import WantedEntry
from safenet.tracking import Leg, Sighting, compass_label


def track_view(
    entry: WantedEntry,
    sightings: Iterable[Sighting],
    legs: Iterable[Leg],
    brief: dict[str, Any],
    hit_rows: Iterable[Any],
) -> dict[str, Any]:
    """The map's view of one entry's track."""
    by_key = {f"{r.site}:{r.hit_id}": r for r in hit_rows}
    points: list[dict[str, Any]] = []
    on_track: set[str] = set()
    for s in sightings:
        on_track.add(s.hit_id)
        row = by_key.get(s.hit_id)
        detail = hit_view(row) if row is not None else {"hit_key": s.hit_id}
        label = compass_label(s.heading, "ko") if s.heading is not None else None
        points.append({**detail, "heading_label_ko": label})
    leg_list = [leg_view(leg) for leg in legs]
    rejected = [hit_view(r) for key, r in by_key.items() if key not in on_track]
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {k: v for k, v in p.items() if k not in {"lat", "lon"}}
            | {"feature": "hit"},
        }
        for p in points
        if "lat" in p
    ]
    features += [
        {
            "type": "Feature",
            "geometry": _leg_line(leg),
            "properties": {k: v for k, v in leg.items() if k not in {"from", "to", "route"}}
            | {"feature": "leg", "along_roads": leg.get("route") is not None},
        }
        for leg in leg_list
    ]
    return {
        "entry": entry_brief(entry, entry.entry_id),
        "summary": brief,
        "points": points,
        "legs": leg_list,
        "impossible_legs": sum(1 for leg in leg_list if leg["impossible"]),
        "rejected": rejected,
        "geojson": {"type": "FeatureCollection", "features": features},
    }


def _leg_line(leg: dict[str, Any]) -> dict[str, Any]:
    """The drive along roads between the two hits where there is one, else the straight line."""
    route = leg.get("route")
    if route is not None:
        coords = [[leg["from"]["lon"], leg["from"]["lat"]], *route["geometry"]["coordinates"]]
        coords.append([leg["to"]["lon"], leg["to"]["lat"]])
        return {"type": "LineString", "coordinates": coords}
    return {
        "type": "LineString",
        "coordinates": [
            [leg["from"]["lon"], leg["from"]["lat"]],
            [leg["to"]["lon"], leg["to"]["lat"]],
        ],
    }
