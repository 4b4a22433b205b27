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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
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
PRUNE_SLACK_M = 50.0
_REACH_CACHE_SIZE = 128  # each holds every junction within the horizon
_WEIGHT = {"time": "t", "length": "d"}


@dataclass(frozen=True, slots=True)
class _Piece:
    """A stretch of a drive: its shape in driving order, length, time at the road's speed."""

    points: list[LatLon]
    length_m: float
    time_s: float
    name: str | None


_Plan = tuple[float, RoadPosition, RoadPosition, Callable[[], list[_Piece]]]
# (cost to leave the start's road, start, leaving forward?, cost onto the end's road, end,
# joining at its start?)
_Option = tuple[float, RoadPosition, bool, float, RoadPosition, bool]


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


# Share of a road below which two positions on it are one spot (sub-millimetre).
_SAME_SPOT = 1e-9


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
        self._top_speed_ms = max(
            (float(d["speed_kmh"]) / 3.6 for _, _, d in self.network.graph.edges(data=True)),
            default=1.0,
        )
        # Every street both ways, at its shortest, for the distance an impossible-journey
        # flag needs: a fleeing car may drive against a one-way street.
        any_way = nx.Graph()
        for u, v, data in graph.edges(data=True):
            known = any_way.get_edge_data(u, v)
            if known is None or data["d"] < known["d"]:
                any_way.add_edge(u, v, d=data["d"], u=u, v=v, key=data["dkey"])
        self._any_way = any_way
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
        """The fastest drive (``by="time"``, on the roads' directions and speeds) or the
        shortest (``"length"``, ignoring one-way rules: a fleeing car may drive against
        them) from any start position to any end position."""
        direct: list[_Plan] = []
        options: list[_Option] = []
        for s, e in itertools.product(starts, ends):
            if by == "time":
                # Two reads projected onto one spot can differ in the last bits of
                # their fractions; a hair "behind" is the same spot, not a loop round.
                if (s.u, s.v) == (e.u, e.v) and e.fraction >= s.fraction - _SAME_SPOT:
                    to = max(e.fraction, s.fraction)
                    cost = (to - s.fraction) * s.time_s
                    direct.append((cost, s, e, partial(self._direct, s, to)))
                    continue
                options.append((s.time_to_end_s, s, True, e.time_from_start_s, e, True))
                continue
            if {s.u, s.v} == {e.u, e.v}:
                # The same street, either direction: along it, however the car faced.
                at = e.fraction if (e.u, e.v) == (s.u, s.v) else 1.0 - e.fraction
                cost = abs(at - s.fraction) * s.length_m
                direct.append((cost, s, e, partial(self._direct, s, at)))
            for forward, at_u in itertools.product((True, False), (True, False)):
                out = (1.0 - s.fraction if forward else s.fraction) * s.length_m
                into = (e.fraction if at_u else 1.0 - e.fraction) * e.length_m
                options.append((out, s, forward, into, e, at_u))
        best = min(direct, key=lambda plan: plan[0], default=None)
        best = self._best_drive(options, by, best)
        if best is None:
            return None
        _, start, end, pieces = best
        return self._assemble(start, end, pieces(), by)

    def _best_drive(self, options: list[_Option], by: RouteBy, best: _Plan | None) -> _Plan | None:
        """The cheapest way through junctions, trying the likeliest first.

        Each option leaves the start's road at one end and joins the end's road at one
        end; the straight line between those two junctions (at the network's top speed,
        for time) bounds its cost from below, so options that cannot beat the best so
        far are never searched. A camera at a junction reads several roads, so there
        can be dozens of options and most are pruned.
        """
        top_speed = self._top_speed_ms if by == "time" else 1.0
        bounded = []
        for out, s, forward, into, e, at_u in options:
            a = s.v if forward else s.u
            b = e.u if at_u else e.v
            bound = out + into + self._crow_m(a, b) / top_speed
            bounded.append((bound, out, s, forward, a, into, e, at_u, b))
        bounded.sort(key=lambda o: o[0])
        for bound, out, s, forward, a, into, e, at_u, b in bounded:
            if best is not None and bound >= best[0]:
                break
            drive = self._drive(a, b, by)
            if drive is None:
                continue
            cost = out + drive[0] + into
            if best is None or cost < best[0]:
                pieces = partial(self._via, s, forward, drive[1], e, at_u, by == "length")
                best = (cost, s, e, pieces)
        return best

    def _crow_m(self, a: NodeId, b: NodeId) -> float:
        # Kept under the true drive: SUMO lanes stop short of the junction centres the
        # nodes stand at, so a drive can be a little shorter than the line between them.
        (alat, alon), (blat, blon) = self.network.latlon(a), self.network.latlon(b)
        return max(0.0, haversine_m(alat, alon, blat, blon) * 0.9 - PRUNE_SLACK_M)

    def _direct(self, start: RoadPosition, to: float) -> list[_Piece]:
        """Along the start's own road to share ``to`` of it (either way)."""
        shape = self._shape(start)
        low, high = sorted((start.fraction, to))
        points = _cut(shape, low, high)
        if to < start.fraction:
            points.reverse()
        share = high - low
        return [_Piece(points, share * start.length_m, share * start.time_s, start.name)]

    def _via(
        self,
        start: RoadPosition,
        leave_forward: bool,
        nodes: list[NodeId],
        end: RoadPosition,
        enter_at_u: bool,
        any_way: bool,
    ) -> list[_Piece]:
        """Off the start's road, through junctions ``nodes``, onto the end's road."""
        shape = self._shape(start)
        if leave_forward:
            out = _cut(shape, start.fraction, 1.0)
            share = 1.0 - start.fraction
        else:
            out = list(reversed(_cut(shape, 0.0, start.fraction)))
            share = start.fraction
        pieces = [_Piece(out, share * start.length_m, share * start.time_s, start.name)]
        for a, b in itertools.pairwise(nodes):
            if any_way:
                link = self._any_way.edges[a, b]
                u, v, key = link["u"], link["v"], link["key"]
            else:
                u, v, key = a, b, self._graph.edges[a, b]["tkey"]
            data = self.network.graph.edges[u, v, key]
            geometry = list(data["geometry"])
            if (u, v) != (a, b):
                geometry.reverse()
            pieces.append(
                _Piece(
                    geometry,
                    float(data["length_m"]),
                    float(data["travel_time_s"]),
                    data.get("name"),
                )
            )
        shape = self._shape(end)
        if enter_at_u:
            into = _cut(shape, 0.0, end.fraction)
            share = end.fraction
        else:
            into = list(reversed(_cut(shape, end.fraction, 1.0)))
            share = 1.0 - end.fraction
        pieces.append(_Piece(into, share * end.length_m, share * end.time_s, end.name))
        return pieces

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
            graph = self._graph if by == "time" else self._any_way
            try:
                cost, nodes = nx.bidirectional_dijkstra(graph, a, b, weight=_WEIGHT[by])
                found = (float(cost), list(nodes))
            except nx.NetworkXNoPath:
                found = None
        return self._drives.remember(key, found)  # type: ignore[no-any-return]

    def _assemble(
        self, start: RoadPosition, end: RoadPosition, pieces: list[_Piece], by: RouteBy
    ) -> RoadRoute:
        names: list[str] = []
        points: list[LatLon] = []
        for piece in pieces:
            if piece.name and (not names or names[-1] != piece.name):
                names.append(piece.name)
            for point in piece.points:
                if not points or points[-1] != point:
                    points.append(point)
        # The drive starts and ends exactly at the two positions, whatever the cut rounded.
        inner = points[1:-1] if len(points) > 2 else []
        ends = [(start.point.lat, start.point.lon), *inner, (end.point.lat, end.point.lon)]
        return RoadRoute(
            start=start,
            end=end,
            length_m=sum(p.length_m for p in pieces),
            time_s=sum(p.time_s for p in pieces),
            points=tuple(GeoPoint(lat, lon) for lat, lon in ends),
            names=tuple(names),
            by=by,
        )

    def _shape(self, position: RoadPosition) -> list[LatLon]:
        data = self._graph.edges[position.u, position.v]
        shape: list[LatLon] = self.network.graph.edges[position.u, position.v, data["tkey"]][
            "geometry"
        ]
        return shape
