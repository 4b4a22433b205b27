"""Finding the road nodes and edges near a point: a camera site, a vehicle's position.

Two small in-memory indexes over a :class:`LocalGrid`, with no dependency
beyond numpy: a flat array scan for the nearest node (a few thousand nodes
scan in microseconds) and a uniform grid of edge segments for "which roads
pass within r metres of this camera". Both are built once per network on
first use.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from safenet.roads.geo import LocalGrid
from safenet.roads.types import EdgeKey, LatLon, NearEdge, NodeId

DEFAULT_CELL_M = 100.0

FloatArray = npt.NDArray[np.float64]


class NodeIndex:
    """The nodes of a network as arrays, for nearest-node queries."""

    def __init__(self, grid: LocalGrid, nodes: Sequence[tuple[NodeId, float, float]]) -> None:
        if not nodes:
            raise ValueError("nodes: a node index needs at least one node")
        self._grid = grid
        self._ids = [node for node, _, _ in nodes]
        xy = [grid.to_xy(lat, lon) for _, lat, lon in nodes]
        self._x: FloatArray = np.array([p[0] for p in xy], dtype=np.float64)
        self._y: FloatArray = np.array([p[1] for p in xy], dtype=np.float64)

    def nearest(self, lat: float, lon: float) -> tuple[NodeId, float]:
        """The closest node and its distance in metres."""
        x, y = self._grid.to_xy(lat, lon)
        d2 = (self._x - x) ** 2 + (self._y - y) ** 2
        i = int(np.argmin(d2))
        return self._ids[i], math.sqrt(float(d2[i]))


class EdgeGrid:
    """Every edge's polyline cut into segments and filed under the grid cells it crosses."""

    def __init__(
        self,
        grid: LocalGrid,
        edges: Iterable[tuple[NodeId, NodeId, EdgeKey, Sequence[LatLon]]],
        cell_m: float = DEFAULT_CELL_M,
    ) -> None:
        if cell_m <= 0:
            raise ValueError(f"cell_m must be positive, got {cell_m}")
        self._grid = grid
        self._cell = cell_m
        self._edges: list[tuple[NodeId, NodeId, EdgeKey]] = []
        ax: list[float] = []
        ay: list[float] = []
        bx: list[float] = []
        by: list[float] = []
        owner: list[int] = []
        cells: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
        for u, v, key, geometry in edges:
            edge_index = len(self._edges)
            self._edges.append((u, v, key))
            points = [grid.to_xy(lat, lon) for lat, lon in geometry]
            if len(points) == 1:
                points = points * 2
            for (x1, y1), (x2, y2) in itertools.pairwise(points):
                seg = len(owner)
                ax.append(x1)
                ay.append(y1)
                bx.append(x2)
                by.append(y2)
                owner.append(edge_index)
                for cell in self._cells_of_box(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)):
                    cells[cell].append(seg)
        self._ax: FloatArray = np.array(ax, dtype=np.float64)
        self._ay: FloatArray = np.array(ay, dtype=np.float64)
        self._bx: FloatArray = np.array(bx, dtype=np.float64)
        self._by: FloatArray = np.array(by, dtype=np.float64)
        self._owner = np.array(owner, dtype=np.int64)
        self._cells = dict(cells)

    def _cells_of_box(
        self, x0: float, y0: float, x1: float, y1: float
    ) -> Iterable[tuple[int, int]]:
        c = self._cell
        for cx in range(math.floor(x0 / c), math.floor(x1 / c) + 1):
            for cy in range(math.floor(y0 / c), math.floor(y1 / c) + 1):
                yield cx, cy

    def near(self, lat: float, lon: float, radius_m: float) -> list[NearEdge]:
        """Edges with any part within ``radius_m`` of the point, nearest first."""
        if radius_m < 0:
            raise ValueError(f"radius_m must not be negative, got {radius_m}")
        x, y = self._grid.to_xy(lat, lon)
        found: list[int] = []
        for cell in self._cells_of_box(x - radius_m, y - radius_m, x + radius_m, y + radius_m):
            found.extend(self._cells.get(cell, ()))
        if not found:
            return []
        segs = np.unique(np.array(found, dtype=np.int64))
        dist = _point_segment_distance(
            x, y, self._ax[segs], self._ay[segs], self._bx[segs], self._by[segs]
        )
        best: dict[int, float] = {}
        for edge_index, d in zip(self._owner[segs].tolist(), dist.tolist(), strict=True):
            if d <= radius_m and d < best.get(edge_index, math.inf):
                best[edge_index] = d
        hits = [NearEdge(*self._edges[i], distance_m=d) for i, d in best.items()]
        hits.sort(key=lambda hit: hit.distance_m)
        return hits


def _point_segment_distance(
    px: float, py: float, ax: FloatArray, ay: FloatArray, bx: FloatArray, by: FloatArray
) -> FloatArray:
    dx = bx - ax
    dy = by - ay
    length2 = dx * dx + dy * dy
    # Degenerate segments (two equal points) project onto their start.
    t = np.where(length2 > 0, ((px - ax) * dx + (py - ay) * dy) / np.maximum(length2, 1e-12), 0)
    t = np.clip(t, 0.0, 1.0)
    cx = ax + t * dx
    cy = ay + t * dy
    result: FloatArray = np.hypot(px - cx, py - cy)
    return result
