"""Where on a road a point lies: the closest point of an edge's shape to a camera site.

Camera coordinates in the national data are the geocoded address of the pole,
often tens of metres off the carriageway; the simulator snaps each camera to the
nearest road and reads vehicles that pass that point. Flat local metres are
plenty at these distances (see :class:`safenet.roads.geo.LocalGrid`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from safenet.roads.geo import LocalGrid


@dataclass(frozen=True, slots=True)
class Projection:
    """The closest point of a polyline to a given point.

    ``along`` is the share (0..1) of the polyline's length before that point, so a
    vehicle driving the edge passes it at ``along`` of the edge's travel time.
    ``bearing_deg`` is the direction of the polyline there (degrees from north).
    """

    lat: float
    lon: float
    distance_m: float
    along: float
    bearing_deg: float


def project(geometry: Sequence[tuple[float, float]], lat: float, lon: float) -> Projection:
    """The closest point to (lat, lon) on a polyline of (lat, lon) points."""
    if len(geometry) < 2:
        raise ValueError("project: a polyline needs at least two points")
    grid = LocalGrid(lat, lon)
    mx, my = grid.metres_per_degree
    xy = [grid.to_xy(a, b) for a, b in geometry]
    lengths = [math.dist(p, q) for p, q in itertools.pairwise(xy)]
    total = sum(lengths)
    best: tuple[float, float, float, float, float] | None = None  # d2, x, y, done, bearing
    done = 0.0
    for (x1, y1), (x2, y2), seg in zip(xy, xy[1:], lengths, strict=False):
        dx, dy = x2 - x1, y2 - y1
        t = 0.0 if seg == 0 else max(0.0, min(1.0, -(x1 * dx + y1 * dy) / (seg * seg)))
        px, py = x1 + t * dx, y1 + t * dy
        d2 = px * px + py * py
        if best is None or d2 < best[0]:
            bearing = math.degrees(math.atan2(dx, dy)) % 360.0 if seg > 0 else 0.0
            best = (d2, px, py, done + t * seg, bearing)
        done += seg
    assert best is not None
    d2, px, py, at, bearing = best
    return Projection(
        lat=lat + py / my,
        lon=lon + px / mx,
        distance_m=math.sqrt(d2),
        along=at / total if total > 0 else 0.0,
        bearing_deg=bearing,
    )
