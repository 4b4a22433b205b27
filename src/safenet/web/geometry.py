"""Plane geometry the district map needs: line simplification and point-in-district tests.

Coordinates are GeoJSON ``[lon, lat]`` pairs in degrees. Distances are planar in
degrees, with longitude scaled by the cosine of the latitude so that a tolerance in
metres means the same thing east-west and north-south (good enough at district scale).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Ring = list[list[float]]
Polygon = list[Ring]

METRES_PER_DEGREE = 111_320.0


def _segment_distance(
    p: Sequence[float], a: Sequence[float], b: Sequence[float], kx: float
) -> float:
    ax, ay = a[0] * kx, a[1]
    bx, by = b[0] * kx, b[1]
    px, py = p[0] * kx, p[1]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify_line(points: Sequence[Sequence[float]], tolerance_m: float) -> list[list[float]]:
    """The line with every point dropped that lies within ``tolerance_m`` of its neighbours.

    Douglas-Peucker, iterative (district outlines have thousands of points).
    """
    n = len(points)
    if n < 3 or tolerance_m <= 0:
        return [[float(p[0]), float(p[1])] for p in points]
    tolerance = tolerance_m / METRES_PER_DEGREE
    kx = math.cos(math.radians(sum(p[1] for p in points) / n))
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _segment_distance(points[i], points[first], points[last], kx)
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [[float(p[0]), float(p[1])] for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Sequence[Sequence[float]], tolerance_m: float) -> Ring | None:
    """A closed ring simplified; None when it collapses below a triangle."""
    if len(ring) < 4:
        return None
    # A closed ring's first and last points coincide, so split it at its far point: a
    # line whose two ends are the same point would keep nothing between them.
    start = ring[0]
    far = max(
        range(len(ring)), key=lambda i: (ring[i][0] - start[0]) ** 2 + (ring[i][1] - start[1]) ** 2
    )
    head = simplify_line(ring[: far + 1], tolerance_m)
    tail = simplify_line(ring[far:], tolerance_m)
    out = head + tail[1:]
    if len(out) < 4:
        return None
    out[-1] = list(out[0])
    return out


def polygons_of(geometry: dict[str, object]) -> list[Polygon]:
    """The polygons of a Polygon or MultiPolygon geometry (anything else: none)."""
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon" and isinstance(coordinates, list):
        return [coordinates]
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        return list(coordinates)
    return []


def ring_contains(ring: Ring, lon: float, lat: float) -> bool:
    """Whether the point is inside the ring (even-odd rule)."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def polygon_contains(polygon: Polygon, lon: float, lat: float) -> bool:
    """Whether the point is inside the outer ring and outside every hole."""
    if not polygon or not ring_contains(polygon[0], lon, lat):
        return False
    return not any(ring_contains(hole, lon, lat) for hole in polygon[1:])


def bbox_of(polygons: Sequence[Polygon]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the outer rings."""
    xs = [p[0] for poly in polygons for p in poly[0]] if polygons else [0.0]
    ys = [p[1] for poly in polygons for p in poly[0]] if polygons else [0.0]
    return min(xs), min(ys), max(xs), max(ys)
