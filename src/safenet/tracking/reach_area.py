"""The reach area on the map: where the vehicle can be within a horizon, as a GeoJSON polygon.

Along roads, the area is the reachable stretch of every road, widened by about
one cell: the roads are sampled into square cells of ``cell_m`` metres (each
cell keeps the earliest time the vehicle can be in it), the cells within a
horizon are grown by their eight neighbours, and the outline of that set of
squares is traced into rings. The outline follows the street pattern (a river
with no bridge stays out), which a convex hull of the reached junctions would
not. Without road data, the area is a circle around the hit.

Everything is on a flat local grid in metres around the hit: over the few
kilometres a horizon covers, that is well within the width of a street.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

from safenet.tracking.geo import EARTH_RADIUS_M, destination_point
from safenet.tracking.types import GeoPoint

Cell = tuple[int, int]
_Vertex = tuple[int, int]
_Edge = tuple[_Vertex, _Vertex]


class LocalFrame:
    """Flat metres east (x) and north (y) of an origin, and back to WGS84."""

    def __init__(self, origin: GeoPoint) -> None:
        self.origin = origin
        self._my = math.radians(1.0) * EARTH_RADIUS_M
        self._mx = self._my * math.cos(math.radians(origin.lat))

    def xy(self, point: GeoPoint) -> tuple[float, float]:
        """Metres east and north of the origin."""
        return (point.lon - self.origin.lon) * self._mx, (point.lat - self.origin.lat) * self._my

    def lonlat(self, x: float, y: float) -> list[float]:
        """A GeoJSON position [lon, lat] for metres east and north of the origin."""
        return [round(self.origin.lon + x / self._mx, 6), round(self.origin.lat + y / self._my, 6)]


class TimedCells:
    """Grid cells the vehicle can be in, each with the earliest time it can get there."""

    def __init__(self, frame: LocalFrame, cell_m: float) -> None:
        if not math.isfinite(cell_m) or cell_m <= 0:
            raise ValueError(f"cell_m must be a finite number of metres > 0, got {cell_m!r}")
        self.frame = frame
        self.cell_m = cell_m
        self.times: dict[Cell, float] = {}

    def mark(self, x: float, y: float, t: float) -> None:
        """The vehicle can be at (x, y) metres after ``t`` seconds."""
        cell = (math.floor(x / self.cell_m), math.floor(y / self.cell_m))
        if t < self.times.get(cell, math.inf):
            self.times[cell] = t

    def mark_polyline(
        self, shape: Sequence[GeoPoint], t0: float, seconds: float, share: float
    ) -> None:
        """The first ``share`` of a road driven in ``seconds``, entered at time ``t0``."""
        xy = [self.frame.xy(p) for p in shape]
        steps = [math.dist(a, b) for a, b in itertools.pairwise(xy)]
        total = sum(steps)
        if total <= 0:
            self.mark(*xy[0], t0)
            return
        limit = share * total
        step_m = self.cell_m / 2.0
        done = 0.0
        for (a, b), length in zip(itertools.pairwise(xy), steps, strict=True):
            if done > limit:
                break
            pieces = max(1, math.ceil(length / step_m))
            for k in range(pieces + 1):
                along = done + length * k / pieces
                if along > limit:
                    break
                f = k / pieces
                self.mark(
                    a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, t0 + seconds * along / total
                )
            done += length

    def within(self, seconds: float) -> set[Cell]:
        """The cells reachable within ``seconds``."""
        return {cell for cell, t in self.times.items() if t <= seconds}


def grown(cells: Iterable[Cell]) -> set[Cell]:
    """The cells and their eight neighbours: the roads widened by about a cell."""
    out: set[Cell] = set()
    for i, j in cells:
        out.update((i + di, j + dj) for di in (-1, 0, 1) for dj in (-1, 0, 1))
    return out


def _boundary(cells: set[Cell]) -> list[_Edge]:
    # Each side of a filled cell facing an empty one, directed with the filled cell on its
    # left, so outer rings run anticlockwise and holes clockwise (the GeoJSON rule).
    edges: list[_Edge] = []
    for i, j in cells:
        if (i, j - 1) not in cells:
            edges.append(((i, j), (i + 1, j)))
        if (i + 1, j) not in cells:
            edges.append(((i + 1, j), (i + 1, j + 1)))
        if (i, j + 1) not in cells:
            edges.append(((i + 1, j + 1), (i, j + 1)))
        if (i - 1, j) not in cells:
            edges.append(((i, j + 1), (i, j)))
    return edges


def _rings(cells: set[Cell]) -> list[list[_Vertex]]:
    edges = _boundary(cells)
    leaving: dict[_Vertex, list[_Edge]] = {}
    for edge in edges:
        leaving.setdefault(edge[0], []).append(edge)

    def successor(edge: _Edge) -> _Edge:
        (ax, ay), (bx, by) = edge
        options = leaving[(bx, by)]
        if len(options) == 1:
            return options[0]
        # Two cells touching only at a corner: turn left, so each keeps its own ring and
        # no ring crosses itself.
        dx, dy = bx - ax, by - ay
        left = (-dy, dx)
        for option in options:
            (_, _), (cx, cy) = option
            if (cx - bx, cy - by) == left:
                return option
        return options[0]

    seen: set[_Edge] = set()
    rings: list[list[_Vertex]] = []
    for first in edges:
        if first in seen:
            continue
        ring: list[_Vertex] = []
        edge = first
        while edge not in seen:
            seen.add(edge)
            ring.append(edge[0])
            edge = successor(edge)
        rings.append(_drop_straight(ring))
    return rings


def _drop_straight(ring: list[_Vertex]) -> list[_Vertex]:
    kept = []
    n = len(ring)
    for k, (x, y) in enumerate(ring):
        (px, py), (nx, ny) = ring[k - 1], ring[(k + 1) % n]
        if (x - px) * (ny - y) - (y - py) * (nx - x) != 0:
            kept.append((x, y))
    return kept


def _signed_area(ring: Sequence[_Vertex]) -> float:
    return (
        sum(
            ax * by - bx * ay for (ax, ay), (bx, by) in zip(ring, [*ring[1:], ring[0]], strict=True)
        )
        / 2
    )


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _inside(x: float, y: float, ring: Sequence[_Vertex]) -> bool:
    inside = False
    for (ax, ay), (bx, by) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def outline(cells: set[Cell], frame: LocalFrame, cell_m: float) -> dict[str, Any]:
    """The outline of a set of grid cells as a GeoJSON MultiPolygon (holes kept)."""
    outers: list[list[_Vertex]] = []
    holes: list[list[_Vertex]] = []
    for ring in _rings(cells):
        if len(ring) < 3:
            continue
        (outers if _signed_area(ring) > 0 else holes).append(ring)
    polygons: list[list[list[_Vertex]]] = [[ring] for ring in outers]
    for hole in holes:
        # A point just inside the hole: the middle of the empty cell right of its first side
        # (sides are axis-aligned, and a hole has the filled cells on its left).
        (ax, ay), (bx, by) = hole[0], hole[1]
        dx, dy = _sign(bx - ax), _sign(by - ay)
        px, py = ax + 0.5 * dx + 0.5 * dy, ay + 0.5 * dy - 0.5 * dx
        owners = [polygon for polygon in polygons if _inside(px, py, polygon[0])]
        if owners:
            min(owners, key=lambda polygon: abs(_signed_area(polygon[0]))).append(hole)

    def ring_coords(ring: list[_Vertex]) -> list[list[float]]:
        coords = [frame.lonlat(x * cell_m, y * cell_m) for x, y in ring]
        return [*coords, coords[0]]

    return {
        "type": "MultiPolygon",
        "coordinates": [[ring_coords(r) for r in polygon] for polygon in polygons],
    }


def circle(centre: GeoPoint, radius_m: float, sides: int = 48) -> dict[str, Any]:
    """A circle around a point as a GeoJSON Polygon (anticlockwise, closed)."""
    if not math.isfinite(radius_m) or radius_m <= 0:
        raise ValueError(f"radius_m must be a finite number of metres > 0, got {radius_m!r}")
    ring = []
    for k in range(sides):
        p = destination_point(centre, radius_m, -360.0 * k / sides)
        ring.append([round(p.lon, 6), round(p.lat, 6)])
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
