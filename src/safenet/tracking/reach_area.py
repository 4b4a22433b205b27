"""The reach area on the map: where the vehicle can be within a horizon, as a GeoJSON polygon.

Along roads, the area is the reachable stretch of every road, widened by about
one cell: the roads are sampled into square cells of ``cell_m`` metres (each
cell keeps the earliest time the vehicle can be in it), the cells within a
horizon are grown by their eight neighbours, and the outline of that set of
squares is traced into rings. The outline follows the street pattern (a river
with no bridge stays out), which a convex hull of the reached junctions would
not. Without road data, the area is a circle around the hit.

Everything is on a flat local grid in metres around the hit: over the few
kilometres a horizon covers, that is well within the width of a street. The
sampling runs on numpy arrays: a ten-minute reach over central Seoul is tens of
thousands of road samples per hit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from safenet.tracking.geo import EARTH_RADIUS_M, destination_point, distance_m
from safenet.tracking.roadgraph import EdgeTable, Reached, RoadGraph, RoadPosition
from safenet.tracking.route_types import ReachArea, RoutePolicy
from safenet.tracking.types import GeoPoint

Cell = tuple[int, int]
_Vertex = tuple[int, int]
_Edge = tuple[_Vertex, _Vertex]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


class LocalFrame:
    """Flat metres east (x) and north (y) of an origin, and back to WGS84."""

    def __init__(self, origin: GeoPoint) -> None:
        self.origin = origin
        self._my = math.radians(1.0) * EARTH_RADIUS_M
        self._mx = self._my * math.cos(math.radians(origin.lat))

    def xy(self, point: GeoPoint) -> tuple[float, float]:
        """Metres east and north of the origin."""
        return (point.lon - self.origin.lon) * self._mx, (point.lat - self.origin.lat) * self._my

    def xy_arrays(self, lats: Floats, lons: Floats) -> tuple[Floats, Floats]:
        """Metres east and north of the origin for arrays of latitudes and longitudes."""
        return (lons - self.origin.lon) * self._mx, (lats - self.origin.lat) * self._my

    def lonlat(self, x: float, y: float) -> list[float]:
        """A GeoJSON position [lon, lat] for metres east and north of the origin."""
        return [round(self.origin.lon + x / self._mx, 6), round(self.origin.lat + y / self._my, 6)]


class CellGrid:
    """Grid cells the vehicle can be in, each with the earliest time it can get there.

    Roads are added as shapes with the time the vehicle enters them, how long they
    take and the share of them it can drive; :meth:`times` samples them all at once.
    """

    def __init__(self, frame: LocalFrame, cell_m: float) -> None:
        if not math.isfinite(cell_m) or cell_m <= 0:
            raise ValueError(f"cell_m must be a finite number of metres > 0, got {cell_m!r}")
        self.frame = frame
        self.cell_m = cell_m
        self._roads = 0
        # Chunks of (latitudes, longitudes, road of each vertex) and per road (t0, seconds, share).
        self._vertices: list[tuple[Floats, Floats, Ints]] = []
        self._per_road: list[tuple[Floats, Floats, Floats]] = []

    def add_road(
        self,
        lats: Sequence[float],
        lons: Sequence[float],
        t0: float,
        seconds: float,
        share: float,
    ) -> None:
        """The first ``share`` of a road (its shape's latitudes and longitudes) driven in
        ``seconds``, entered at time ``t0``."""
        owner = np.full(len(lats), self._roads, dtype=np.int64)
        self._vertices.append((np.asarray(lats, dtype=np.float64), np.asarray(lons), owner))
        self._per_road.append((np.array([t0]), np.array([seconds]), np.array([share])))
        self._roads += 1

    def add_point(self, point: GeoPoint, t: float) -> None:
        """The vehicle can be at ``point`` after ``t`` seconds."""
        self.add_road((point.lat,), (point.lon,), t, 0.0, 1.0)

    def add_table(self, table: EdgeTable, node_times: Floats, budget_s: float) -> None:
        """Every road of ``table`` leaving a junction reached within ``budget_s`` (``node_times``
        holds the seconds to each junction by table index, inf where unreached), as far
        along it as the rest of the budget goes."""
        t0 = node_times[table.u]
        chosen = np.nonzero(t0 <= budget_s)[0]
        if not len(chosen):
            return
        t0 = t0[chosen]
        seconds = table.time_s[chosen]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(seconds > 0, np.minimum(1.0, (budget_s - t0) / seconds), 1.0)
        starts, stops = table.first[chosen], table.first[chosen + 1]
        counts = stops - starts
        vertex = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
        owner = np.repeat(np.arange(len(chosen), dtype=np.int64) + self._roads, counts)
        self._vertices.append((table.lats[vertex], table.lons[vertex], owner))
        self._per_road.append((t0, seconds, share))
        self._roads += len(chosen)

    def times(self) -> tuple[int, int, Floats]:
        """(first column, first row, earliest seconds per cell; inf where the car cannot be).

        The grid leaves two empty cells around everything, room to grow and outline.
        """
        if not self._roads:
            return 0, 0, np.full((1, 1), np.inf)
        lats = np.concatenate([v[0] for v in self._vertices])
        lons = np.concatenate([v[1] for v in self._vertices])
        owner = np.concatenate([v[2] for v in self._vertices])
        t0 = np.concatenate([r[0] for r in self._per_road])
        seconds = np.concatenate([r[1] for r in self._per_road])
        share = np.concatenate([r[2] for r in self._per_road])
        x, y = self.frame.xy_arrays(lats, lons)
        # Segments join consecutive vertices of one road.
        same = owner[1:] == owner[:-1]
        ax, ay, bx, by = x[:-1][same], y[:-1][same], x[1:][same], y[1:][same]
        seg_owner = owner[:-1][same]
        length = np.hypot(bx - ax, by - ay)
        total = np.bincount(seg_owner, weights=length, minlength=len(t0))
        before = np.cumsum(length) - length
        # Roads were added in order, so each road's first segment is found by bisection.
        along_start = before - before[np.searchsorted(seg_owner, seg_owner)]
        pieces = np.maximum(1, np.ceil(length / (self.cell_m / 2.0))).astype(np.int64)
        counts = pieces + 1
        seg = np.repeat(np.arange(len(length)), counts)
        step = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        f = step / pieces[seg]
        along = along_start[seg] + f * length[seg]
        road = seg_owner[seg]
        road_total = total[road]
        keep = along <= share[road] * road_total + 1e-6
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(road_total > 0, along / road_total, 0.0)
        px = (ax[seg] + f * (bx[seg] - ax[seg]))[keep]
        py = (ay[seg] + f * (by[seg] - ay[seg]))[keep]
        pt = (t0[road] + seconds[road] * ratio)[keep]
        # Every road's first vertex too: a road of one point or no length still counts.
        firsts = np.r_[0, np.nonzero(owner[1:] != owner[:-1])[0] + 1]
        px = np.r_[px, x[firsts]]
        py = np.r_[py, y[firsts]]
        pt = np.r_[pt, t0[owner[firsts]]]
        ci = np.floor(px / self.cell_m).astype(np.int64)
        cj = np.floor(py / self.cell_m).astype(np.int64)
        i0, j0 = int(ci.min()) - 2, int(cj.min()) - 2
        width, height = int(ci.max()) - i0 + 3, int(cj.max()) - j0 + 3
        grid = np.full(width * height, np.inf)
        np.minimum.at(grid, (ci - i0) * height + (cj - j0), pt)
        return i0, j0, grid.reshape(width, height)


def grow(mask: Mask) -> Mask:
    """The cells and their eight neighbours: the roads widened by about a cell."""
    width, height = mask.shape
    padded = np.pad(mask, 1)
    out = np.zeros_like(mask)
    for di in range(3):
        for dj in range(3):
            out |= padded[di : di + width, dj : dj + height]
    return out


def _boundary(mask: Mask, i0: int, j0: int) -> list[_Edge]:
    # Each side of a filled cell facing an empty one, directed with the filled cell on its
    # left, so outer rings run anticlockwise and holes clockwise (the GeoJSON rule).
    padded = np.pad(mask, 1)
    core = padded[1:-1, 1:-1]
    edges: list[_Edge] = []
    for empty, start, end in (
        (padded[1:-1, :-2], (0, 0), (1, 0)),  # below
        (padded[2:, 1:-1], (1, 0), (1, 1)),  # right
        (padded[1:-1, 2:], (1, 1), (0, 1)),  # above
        (padded[:-2, 1:-1], (0, 1), (0, 0)),  # left
    ):
        ii, jj = np.nonzero(core & ~empty)
        for i, j in zip((ii + i0).tolist(), (jj + j0).tolist(), strict=True):
            edges.append(((i + start[0], j + start[1]), (i + end[0], j + end[1])))
    return edges


def _rings(mask: Mask, i0: int, j0: int) -> list[list[_Vertex]]:
    edges = _boundary(mask, i0, j0)
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
        left = (ay - by, bx - ax)
        for option in options:
            cx, cy = option[1]
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
    pairs = zip(ring, [*ring[1:], ring[0]], strict=True)
    return sum(ax * by - bx * ay for (ax, ay), (bx, by) in pairs) / 2


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _inside(x: float, y: float, ring: Sequence[_Vertex]) -> bool:
    inside = False
    for (ax, ay), (bx, by) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def outline_mask(mask: Mask, i0: int, j0: int, frame: LocalFrame, cell_m: float) -> dict[str, Any]:
    """The outline of the filled cells of a grid (cell ``[a, b]`` is column ``i0 + a``,
    row ``j0 + b``) as a GeoJSON MultiPolygon, holes kept."""
    outers: list[list[_Vertex]] = []
    holes: list[list[_Vertex]] = []
    for ring in _rings(mask, i0, j0):
        if len(ring) < 3:
            continue
        (outers if _signed_area(ring) > 0 else holes).append(ring)
    polygons: list[list[list[_Vertex]]] = [[ring] for ring in outers]
    sizes = [_signed_area(ring) for ring in outers]
    for hole in holes:
        # A point just inside the hole: the middle of the empty cell right of its first side
        # (sides are axis-aligned, and a hole has the filled cells on its left).
        (ax, ay), (bx, by) = hole[0], hole[1]
        dx, dy = _sign(bx - ax), _sign(by - ay)
        px, py = ax + 0.5 * dx + 0.5 * dy, ay + 0.5 * dy - 0.5 * dx
        owners = [k for k, polygon in enumerate(polygons) if _inside(px, py, polygon[0])]
        if owners:
            polygons[min(owners, key=lambda k: sizes[k])].append(hole)

    def ring_coords(ring: list[_Vertex]) -> list[list[float]]:
        coords = [frame.lonlat(x * cell_m, y * cell_m) for x, y in ring]
        return [*coords, coords[0]]

    return {
        "type": "MultiPolygon",
        "coordinates": [[ring_coords(r) for r in polygon] for polygon in polygons],
    }


def outline(cells: Iterable[Cell], frame: LocalFrame, cell_m: float) -> dict[str, Any]:
    """The outline of a set of grid cells (column, row) as a GeoJSON MultiPolygon."""
    chosen = list(cells)
    if not chosen:
        return {"type": "MultiPolygon", "coordinates": []}
    i0 = min(i for i, _ in chosen)
    j0 = min(j for _, j in chosen)
    mask = np.zeros(
        (max(i for i, _ in chosen) - i0 + 1, max(j for _, j in chosen) - j0 + 1), dtype=np.bool_
    )
    for i, j in chosen:
        mask[i - i0, j - j0] = True
    return outline_mask(mask, i0, j0, frame, cell_m)


def road_areas(
    origin: GeoPoint,
    roads: RoadGraph,
    starts: Sequence[RoadPosition],
    reached: Reached,
    pace: float,
    policy: RoutePolicy,
) -> tuple[ReachArea, ...]:
    """The reach area of each horizon: the roads reached, as far as the time goes."""
    cells = CellGrid(LocalFrame(origin), policy.area_cell_m)
    cells.add_point(origin, 0.0)
    budget = policy.horizon_s * pace
    for s in starts:  # the rest of the road the vehicle is on, from where it was seen
        edge = next((e for e in roads.out_edges(s.u) if e.v == s.v), None)
        if edge is None:
            continue
        seconds = s.time_to_end_s
        share = min(1.0, budget / seconds) if seconds > 0 else 1.0
        rest = _tail(edge.shape, s.fraction)
        cells.add_road([p.lat for p in rest], [p.lon for p in rest], 0.0, seconds, share)
    table = roads.edge_table()
    node_times = np.full(len(table.nodes), np.inf)
    for node, t in reached.times.items():
        at = table.index.get(node)
        if at is not None:
            node_times[at] = t
    cells.add_table(table, node_times, budget)
    i0, j0, times = cells.times()
    areas = []
    for horizon in policy.horizons_min:
        mask = grow(times <= horizon * 60.0 * pace)
        geometry = outline_mask(mask, i0, j0, cells.frame, policy.area_cell_m)
        areas.append(ReachArea(horizon, geometry, "road"))
    return tuple(areas)


def _tail(shape: Sequence[GeoPoint], fraction: float) -> list[GeoPoint]:
    """The part of a shape after ``fraction`` of its length."""
    lengths = [distance_m(a, b) for a, b in itertools.pairwise(shape)]
    total = sum(lengths)
    cut = fraction * total
    done = 0.0
    for k, length in enumerate(lengths):
        if done + length >= cut:
            f = (cut - done) / length if length > 0 else 0.0
            a, b = shape[k], shape[k + 1]
            first = GeoPoint(a.lat + (b.lat - a.lat) * f, a.lon + (b.lon - a.lon) * f)
            return [first, *shape[k + 1 :]]
        done += length
    return [shape[-1], shape[-1]]


def circle(centre: GeoPoint, radius_m: float, sides: int = 48) -> dict[str, Any]:
    """A circle around a point as a GeoJSON Polygon (anticlockwise, closed)."""
    if not math.isfinite(radius_m) or radius_m <= 0:
        raise ValueError(f"radius_m must be a finite number of metres > 0, got {radius_m!r}")
    ring = []
    for k in range(sides):
        p = destination_point(centre, radius_m, -360.0 * k / sides)
        ring.append([round(p.lon, 6), round(p.lat, 6)])
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
