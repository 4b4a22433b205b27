"""Driving on a real road network for the tracking side: snapping cameras, routes, reach.

:class:`RoadRouter` is the :class:`safenet.tracking.RoadGraph` over a
:class:`RoadNetwork`. It routes on the part of the network where every junction
reaches every other (extracts are cut at their box, leaving one-way stubs), on
a plain ``networkx.DiGraph`` that keeps, for each pair of junctions, the fastest
and the shortest of the parallel roads between them, and it remembers recent
snaps and junction-to-junction drives: a track re-asks the same ones.
"""

from __future__ import annotations

import itertools
import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np

from safenet.roads.geo import haversine_m
from safenet.roads.network import RoadNetwork
from safenet.roads.projection import project
from safenet.roads.types import LatLon, NodeId
from safenet.tracking import GeoPoint
from safenet.tracking.roadgraph import (
    EdgeTable,
    Reached,
    RoadEdge,
    RoadPosition,
    RoadRoute,
    RouteBy,
)

_CACHE_SIZE = 4096
_REACH_CACHE_SIZE = 128  # each holds every junction within the horizon
_WEIGHT = {"time": "t", "length": "d"}


class _Lru(OrderedDict[Any, Any]):
    def __init__(self, size: int = _CACHE_SIZE) -> None:
        super().__init__()
        self.size = size

    def remember(self, key: Any, value: Any) -> Any:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)
        return value


def _cut(shape: Sequence[LatLon], start: float, end: float) -> list[LatLon]:
    """The part of a polyline between two shares (0..1) of its length, in order."""
    steps = [haversine_m(*a, *b) for a, b in itertools.pairwise(shape)]
    total = sum(steps)
    if total <= 0:
        return [shape[0], shape[-1]]
    lo, hi = start * total, end * total
    out: list[LatLon] = []
    done = 0.0
    for (a, b), step in zip(itertools.pairwise(shape), steps, strict=True):
        seg_lo, seg_hi = done, done + step
        done = seg_hi
        if seg_hi < lo or seg_lo > hi or step == 0:
            continue
        for at in (max(lo, seg_lo), min(hi, seg_hi)):
            share = (at - seg_lo) / step
            point = (a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)
            if not out or out[-1] != point:
                out.append(point)
    return out or [shape[0], shape[-1]]


class RoadRouter:
    """A road network ready for tracking questions (implements ``safenet.tracking.RoadGraph``)."""

    def __init__(self, network: RoadNetwork, *, strongly_connected: bool = True) -> None:
        self.network = network.largest_strongly_connected() if strongly_connected else network
        graph = nx.DiGraph()
        for u, v, key, data in self.network.graph.edges(keys=True, data=True):
            t, d = float(data["travel_time_s"]), float(data["length_m"])
            known = graph.get_edge_data(u, v)
            if known is None:
                graph.add_edge(u, v, t=t, d=d, tkey=key, dkey=key)
                continue
            if t < known["t"]:
                known["t"], known["tkey"] = t, key
            if d < known["d"]:
                known["d"], known["dkey"] = d, key
        self._graph = graph
        self._snaps = _Lru()
        self._drives = _Lru()
        self._reaches = _Lru(_REACH_CACHE_SIZE)
        self._out: dict[NodeId, tuple[RoadEdge, ...]] = {}
        self._table: EdgeTable | None = None

    # -- what tracking asks --------------------------------------------------------------

    @property
    def name(self) -> str:
        """The network's name (its file name without extension)."""
        return self.network.name

    @property
    def synthetic(self) -> bool:
        """True for a stand-in between camera sites: tracking never treats it as road data."""
        return self.network.synthetic

    @property
    def licence(self) -> str | None:
        """The road data's licence, to show wherever a route drawn from it is shown."""
        return self.network.licence

    def positions_near(self, point: GeoPoint, radius_m: float) -> Sequence[RoadPosition]:
        """Directed roads within ``radius_m`` of a point, nearest first (both ways of a street)."""
        key = (point.lat, point.lon, radius_m)
        if key in self._snaps:
            return self._snaps[key]  # type: ignore[no-any-return]
        best: dict[tuple[NodeId, NodeId], RoadPosition] = {}
        for near in self.network.edges_near(point.lat, point.lon, radius_m):
            if (near.u, near.v) in best:
                continue  # a parallel road between the same junctions, farther off
            # Placed on the parallel road that routes use, so shares along it agree.
            data = self.network.graph.edges[
                near.u, near.v, self._graph.edges[near.u, near.v]["tkey"]
            ]
            proj = project(data["geometry"], point.lat, point.lon)
            best[near.u, near.v] = RoadPosition(
                u=near.u,
                v=near.v,
                fraction=proj.along,
                point=GeoPoint(proj.lat, proj.lon),
                offset_m=proj.distance_m,
                bearing_deg=proj.bearing_deg,
                time_s=float(data["travel_time_s"]),
                length_m=float(data["length_m"]),
                name=data.get("name"),
                road_class=str(data.get("highway") or "unknown"),
            )
        found = tuple(sorted(best.values(), key=lambda p: p.offset_m))
        return self._snaps.remember(key, found)  # type: ignore[no-any-return]

    def route(
        self, starts: Sequence[RoadPosition], ends: Sequence[RoadPosition], by: RouteBy
    ) -> RoadRoute | None:
        """The fastest or shortest drive from any start position to any end position."""
        cost_of = "time_s" if by == "time" else "length_m"
        best: tuple[float, RoadPosition, RoadPosition, list[NodeId] | None] | None = None
        for start, end in itertools.product(starts, ends):
            own = getattr(start, cost_of)
            if (start.u, start.v) == (end.u, end.v) and end.fraction >= start.fraction:
                cost = (end.fraction - start.fraction) * own
                if best is None or cost < best[0]:
                    best = (cost, start, end, None)
                continue
            drive = self._drive(start.v, end.u, by)
            if drive is None:
                continue
            middle, nodes = drive
            cost = (1.0 - start.fraction) * own + middle + end.fraction * getattr(end, cost_of)
            if best is None or cost < best[0]:
                best = (cost, start, end, nodes)
        if best is None:
            return None
        _, first, last, via = best
        return self._assemble(first, last, via, by)

    def reach(self, starts: Sequence[RoadPosition], budget_s: float) -> Reached:
        """Junctions reachable within ``budget_s`` seconds, the time to each and the one before."""
        key = (tuple(starts), budget_s)
        if key in self._reaches:
            return self._reaches[key]  # type: ignore[no-any-return]
        times: dict[NodeId, float] = {}
        previous: dict[NodeId, NodeId | None] = {}
        for start in starts:
            offset = start.time_to_end_s
            if offset > budget_s:
                continue
            preds, dist = nx.dijkstra_predecessor_and_distance(
                self._graph, start.v, cutoff=budget_s - offset, weight="t"
            )
            for node, seconds in dist.items():
                total = offset + float(seconds)
                if total < times.get(node, math.inf):
                    times[node] = total
                    before = preds.get(node)
                    previous[node] = before[0] if before else None
        return self._reaches.remember(key, Reached(times=times, previous=previous))  # type: ignore[no-any-return]

    def out_edges(self, node: int | str) -> Sequence[RoadEdge]:
        """The directed roads leaving a junction (the fastest of any parallel ones)."""
        cached = self._out.get(node)
        if cached is None:
            edges = []
            for _, v, data in self._graph.out_edges(node, data=True):
                road = self.network.graph.edges[node, v, data["tkey"]]
                edges.append(
                    RoadEdge(
                        u=node,
                        v=v,
                        time_s=float(data["t"]),
                        length_m=float(road["length_m"]),
                        lats=tuple(float(lat) for lat, _ in road["geometry"]),
                        lons=tuple(float(lon) for _, lon in road["geometry"]),
                    )
                )
            cached = self._out[node] = tuple(edges)
        return cached

    def node_point(self, node: int | str) -> GeoPoint:
        """Where a junction is."""
        lat, lon = self.network.latlon(node)
        return GeoPoint(lat, lon)

    def edge_table(self) -> EdgeTable:
        """Every directed road (the fastest of parallel ones) as arrays, built on first use."""
        if self._table is None:
            nodes = tuple(self._graph.nodes)
            index = {node: i for i, node in enumerate(nodes)}
            u: list[int] = []
            times: list[float] = []
            first: list[int] = []
            lats: list[float] = []
            lons: list[float] = []
            for a, b, data in self._graph.edges(data=True):
                geometry = self.network.graph.edges[a, b, data["tkey"]]["geometry"]
                u.append(index[a])
                times.append(float(data["t"]))
                first.append(len(lats))
                lats.extend(float(lat) for lat, _ in geometry)
                lons.extend(float(lon) for _, lon in geometry)
            first.append(len(lats))
            self._table = EdgeTable(
                nodes=nodes,
                index=index,
                u=np.array(u, dtype=np.int64),
                time_s=np.array(times, dtype=np.float64),
                first=np.array(first, dtype=np.int64),
                lats=np.array(lats, dtype=np.float64),
                lons=np.array(lons, dtype=np.float64),
            )
        return self._table

    def forget(self) -> None:
        """Drop the remembered snaps, drives and reaches (to time a cold start).

        The roads leaving each junction stay: they are the graph, not an answer.
        """
        self._snaps.clear()
        self._drives.clear()
        self._reaches.clear()

    # -- inside ----------------------------------------------------------------------------

    def _drive(self, a: NodeId, b: NodeId, by: RouteBy) -> tuple[float, list[NodeId]] | None:
        key = (a, b, by)
        if key in self._drives:
            return self._drives[key]  # type: ignore[no-any-return]
        if a == b:
            found: tuple[float, list[NodeId]] | None = (0.0, [a])
        else:
            try:
                cost, nodes = nx.bidirectional_dijkstra(self._graph, a, b, weight=_WEIGHT[by])
                found = (float(cost), list(nodes))
            except nx.NetworkXNoPath:
                found = None
        return self._drives.remember(key, found)  # type: ignore[no-any-return]

    def _assemble(
        self, start: RoadPosition, end: RoadPosition, nodes: list[NodeId] | None, by: RouteBy
    ) -> RoadRoute:
        graph = self.network.graph
        key_of = "tkey" if by == "time" else "dkey"
        start_shape = self._shape(start)
        end_shape = self._shape(end)
        names: list[str] = []

        def named(name: str | None) -> None:
            if name and (not names or names[-1] != name):
                names.append(name)

        named(start.name)
        if nodes is None:  # both on one road, the end ahead of the start
            points = _cut(start_shape, start.fraction, end.fraction)
            length = (end.fraction - start.fraction) * start.length_m
            time = (end.fraction - start.fraction) * start.time_s
        else:
            points = _cut(start_shape, start.fraction, 1.0)
            length = (1.0 - start.fraction) * start.length_m
            time = (1.0 - start.fraction) * start.time_s
            for u, v in itertools.pairwise(nodes):
                data = graph.edges[u, v, self._graph.edges[u, v][key_of]]
                points.extend(data["geometry"][1:])
                length += float(data["length_m"])
                time += float(data["travel_time_s"])
                named(data.get("name"))
            points.extend(_cut(end_shape, 0.0, end.fraction)[1:])
            length += end.fraction * end.length_m
            time += end.fraction * end.time_s
            named(end.name)
        # The drive starts and ends exactly at the two positions, whatever the cut rounded.
        points = [(start.point.lat, start.point.lon), *points[1:-1], (end.point.lat, end.point.lon)]
        return RoadRoute(
            start=start,
            end=end,
            length_m=length,
            time_s=time,
            points=tuple(GeoPoint(lat, lon) for lat, lon in points),
            names=tuple(names),
            by=by,
        )

    def _shape(self, position: RoadPosition) -> list[LatLon]:
        data = self._graph.edges[position.u, position.v]
        shape: list[LatLon] = self.network.graph.edges[position.u, position.v, data["tkey"]][
            "geometry"
        ]
        return shape
