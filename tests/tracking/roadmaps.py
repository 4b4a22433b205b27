"""Small hand-made road maps whose right paths, directions and reach are known by hand.

Places are given in metres east (x) and north (y) of a point in 서초구; every road
drives at 36 km/h (10 m/s) unless told otherwise, so 1 km takes 100 s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx

from safenet.roads import RoadNetwork, RoadRouter
from safenet.roads.network import add_road_edge
from safenet.tracking import GeoPoint

LAT0, LON0 = 37.48, 127.02
_M_PER_DEG = 111_195.0


def at(x: float, y: float) -> GeoPoint:
    """The place ``x`` metres east and ``y`` metres north of the maps' origin."""
    return GeoPoint(LAT0 + y / _M_PER_DEG, LON0 + x / (_M_PER_DEG * math.cos(math.radians(LAT0))))


Road = tuple[str, str] | tuple[str, str, float] | tuple[str, str, float, str]


def build(
    nodes: dict[str, tuple[float, float]],
    roads: Iterable[Road],
    *,
    one_way: Iterable[tuple[str, str]] = (),
    name: str = "hand-made",
    synthetic: bool = False,
) -> RoadRouter:
    """A router over junctions at (x, y) metres and straight two-way roads between them.

    A road is (u, v), (u, v, km/h) or (u, v, km/h, street name); the pairs in
    ``one_way`` are driven only from u to v.
    """
    graph = nx.MultiDiGraph()
    for node, (x, y) in nodes.items():
        point = at(x, y)
        graph.add_node(node, lat=point.lat, lon=point.lon)
    singles = set(one_way)
    for road in roads:
        u, v = road[0], road[1]
        kmh = float(road[2]) if len(road) > 2 else 36.0  # type: ignore[misc]
        street = str(road[3]) if len(road) > 3 else None  # type: ignore[misc]
        ends = [(u, v)] if (u, v) in singles else [(u, v), (v, u)]
        for a, b in ends:
            (ax, ay), (bx, by) = nodes[a], nodes[b]
            pa, pb = at(ax, ay), at(bx, by)
            add_road_edge(
                graph,
                a,
                b,
                length_m=math.hypot(bx - ax, by - ay),
                speed_kmh=kmh,
                speed_from="default",
                highway="residential" if kmh < 50 else "primary",
                geometry=[(pa.lat, pa.lon), (pb.lat, pb.lon)],
                name=street,
            )
    network = RoadNetwork(
        graph=graph,
        name=name,
        kind="synthetic" if synthetic else "osm",
        source=None,
        licence=None,
        synthetic=synthetic,
        notice="hand-made stand-in" if synthetic else None,
    )
    return RoadRouter(network)


def river() -> RoadRouter:
    """Two east-west banks 1 km apart, joined only by a bridge 1.2 km east of the cameras.

    South bank: s0 (0, 0) — s1 (1200, 0); north bank: n0 (0, 1000) — n1 (1200, 1000);
    the bridge s1 — n1. Straight from (0, 0) to (0, 1000) is 1 km; the drive is 3.4 km.
    """
    return build(
        {"s0": (-500, 0), "s1": (1200, 0), "n0": (-500, 1000), "n1": (1200, 1000)},
        [
            ("s0", "s1", 36.0, "남쪽 강변로"),
            ("n0", "n1", 36.0, "북쪽 강변로"),
            ("s1", "n1", 36.0, "다리"),
        ],
    )


def corner() -> RoadRouter:
    """A road north from a (0, -1000) to a corner c (0, 0), then east to b (1500, 0).

    The straight line from a point on the first stretch to one on the second points
    north-east; the car arrives at the second going east.
    """
    return build(
        {"a": (0, -1000), "c": (0, 0), "b": (1500, 0)},
        [("a", "c", 36.0, "남북로"), ("c", "b", 36.0, "동서로")],
    )
