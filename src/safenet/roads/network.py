"""A drivable road network the simulator routes vehicles on and places cameras beside.

Every loader (SUMO, raw OSM XML, OSMnx GraphML, the synthetic builder) returns a
:class:`RoadNetwork`: one ``networkx.MultiDiGraph`` in the same shape plus where
it came from. A multigraph because real networks have parallel roads between
the same two junctions (a slip road beside a main road), and both must be kept
for cameras to sit beside the right one.

Node attributes: ``lat``, ``lon`` (WGS84 degrees).

Edge attributes (one edge per direction of travel):

- ``length_m``: driving length in metres
- ``speed_kmh``: driving speed; ``speed_from`` says whether it is the posted limit
  (``"maxspeed"``), a class default (``"default"``), the SUMO lane speed
  (``"sumo"``) or the synthetic builder's choice (``"synthetic"``)
- ``travel_time_s``: ``length_m`` at ``speed_kmh``; routes minimise it
- ``name``: street name when known, else ``None``
- ``highway``: road class (OSM ``highway`` value, SUMO edge type, ``"synthetic"``)
- ``geometry``: the edge's shape as (lat, lon) points from ``u`` to ``v``, always
  at least the two end nodes
- ``source_id``: the edge in the source (SUMO edge id, OSM way id(s)), or ``None``
- ``lanes``: lane count when known, else ``None``
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx

from safenet.roads.errors import RouteError
from safenet.roads.geo import LocalGrid, polyline_length_m
from safenet.roads.spatial import EdgeGrid, NodeIndex
from safenet.roads.speeds import SpeedFrom
from safenet.roads.types import (
    BBox,
    EdgeKey,
    LatLon,
    NearEdge,
    NetworkKind,
    NodeId,
    RoutePoint,
)

OSM_LICENCE = "© OpenStreetMap contributors, ODbL 1.0"

UNSTATED = "unstated"
"""The licence code of road data whose source states no licence (its text begins so)."""


def licence_code(licence: str | None) -> str | None:
    """The licence as a code the consoles word: ``"unstated"`` when the source states none.

    None for no licence text at all (a synthetic stand-in) and for a stated licence,
    whose name (ODbL, © OpenStreetMap contributors) the consoles show as it is.
    """
    if licence is None:
        return None
    return UNSTATED if licence.strip().lower().startswith(UNSTATED) else None


def add_road_edge(
    graph: Any,
    u: NodeId,
    v: NodeId,
    *,
    length_m: float,
    speed_kmh: float,
    speed_from: SpeedFrom,
    highway: str,
    geometry: Sequence[LatLon],
    name: str | None = None,
    source_id: str | None = None,
    lanes: int | None = None,
    key: EdgeKey | None = None,
) -> None:
    """Add one directed road edge with every attribute the simulator relies on."""
    if not length_m >= 0:
        raise ValueError(f"length_m of edge {u}->{v} must be >= 0, got {length_m}")
    if not speed_kmh > 0:
        raise ValueError(f"speed_kmh of edge {u}->{v} must be > 0, got {speed_kmh}")
    if len(geometry) < 2:
        raise ValueError(f"geometry of edge {u}->{v} needs at least two points")
    graph.add_edge(
        u,
        v,
        key=key,
        length_m=float(length_m),
        speed_kmh=float(speed_kmh),
        speed_from=speed_from,
        travel_time_s=float(length_m) / (float(speed_kmh) / 3.6),
        name=name or None,
        highway=highway,
        geometry=list(geometry),
        source_id=source_id,
        lanes=lanes,
    )


@dataclass(eq=False)
class RoadNetwork:
    """A road network with its provenance: which file, which licence, real or synthetic.

    ``synthetic`` is true only for graphs built from camera sites where no road
    data exists; ``notice`` then says so in words the demo prints. ``source`` is
    the file it was read from (``None`` for synthetic graphs).
    """

    graph: Any  # networkx.MultiDiGraph; networkx ships no type information
    name: str
    kind: NetworkKind
    source: Path | None
    licence: str | None
    synthetic: bool = False
    notice: str | None = None
    _nodes: NodeIndex | None = field(default=None, init=False, repr=False)
    _edges: EdgeGrid | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.graph, nx.MultiDiGraph):
            raise TypeError(f"graph must be a networkx.MultiDiGraph, got {type(self.graph)}")
        if self.graph.number_of_nodes() == 0:
            raise ValueError(f"road network {self.name!r} has no nodes")

    @property
    def node_count(self) -> int:
        """Number of nodes (junctions, dead ends, camera sites)."""
        return int(self.graph.number_of_nodes())

    @property
    def edge_count(self) -> int:
        """Number of directed edges."""
        return int(self.graph.number_of_edges())

    @cached_property
    def bbox(self) -> BBox:
        """The box around every node."""
        lats = [lat for _, lat in self.graph.nodes(data="lat")]
        lons = [lon for _, lon in self.graph.nodes(data="lon")]
        return BBox(min(lats), min(lons), max(lats), max(lons))

    @cached_property
    def _grid(self) -> LocalGrid:
        b = self.bbox
        return LocalGrid((b.south + b.north) / 2, (b.west + b.east) / 2)

    def latlon(self, node: NodeId) -> LatLon:
        """A node's (lat, lon)."""
        try:
            attrs = self.graph.nodes[node]
        except KeyError:
            raise RouteError(f"node {node!r} is not in road network {self.name!r}") from None
        return float(attrs["lat"]), float(attrs["lon"])

    def nearest_node(self, lat: float, lon: float) -> NodeId:
        """The node closest to a point (straight-line distance)."""
        if self._nodes is None:
            self._nodes = NodeIndex(
                self._grid, [(n, d["lat"], d["lon"]) for n, d in self.graph.nodes(data=True)]
            )
        node, _ = self._nodes.nearest(lat, lon)
        return node

    def edges_near(self, lat: float, lon: float, radius_m: float) -> list[NearEdge]:
        """Directed edges passing within ``radius_m`` metres of a point, nearest first.

        Distance is to the edge's geometry, so a camera beside a curved road finds it.
        """
        if self._edges is None:
            self._edges = EdgeGrid(
                self._grid,
                ((u, v, k, d["geometry"]) for u, v, k, d in self.graph.edges(keys=True, data=True)),
            )
        return self._edges.near(lat, lon, radius_m)

    def shortest_path(self, a: NodeId, b: NodeId) -> list[NodeId]:
        """The fastest route from node ``a`` to node ``b`` as its list of nodes."""
        for node in (a, b):
            if node not in self.graph:
                raise RouteError(f"node {node!r} is not in road network {self.name!r}")
        try:
            path = nx.shortest_path(self.graph, a, b, weight="travel_time_s")
        except nx.NetworkXNoPath:
            raise RouteError(
                f"no drivable route from {a!r} to {b!r} in road network {self.name!r}; "
                "pick both ends from largest_strongly_connected()"
            ) from None
        return list(path)

    def best_edge(self, u: NodeId, v: NodeId) -> tuple[EdgeKey, dict[str, Any]]:
        """The fastest of the parallel edges from ``u`` to ``v`` (key, attributes)."""
        edges = self.graph.get_edge_data(u, v)
        if not edges:
            raise RouteError(f"no edge from {u!r} to {v!r} in road network {self.name!r}")
        key = min(edges, key=lambda k: edges[k]["travel_time_s"])
        return key, edges[key]

    def travel_time_s(self, path: Sequence[NodeId]) -> float:
        """Seconds to drive a route at the edges' speeds."""
        return sum(
            float(self.best_edge(u, v)[1]["travel_time_s"]) for u, v in itertools.pairwise(path)
        )

    def route_points(self, path: Sequence[NodeId]) -> list[RoutePoint]:
        """The route's shape with the time a vehicle reaches each point.

        Time runs along each edge's geometry in proportion to distance, so that a
        vehicle reaches the edge's end after its ``travel_time_s`` even where the
        geometry is shorter or longer than ``length_m`` (SUMO lane shapes, the
        synthetic graph's detour factor).
        """
        if not path:
            raise RouteError("route_points: the path is empty")
        lat0, lon0 = self.latlon(path[0])
        points = [RoutePoint(lat0, lon0, 0.0)]
        t = 0.0
        for u, v in itertools.pairwise(path):
            _, data = self.best_edge(u, v)
            geometry: list[LatLon] = data["geometry"]
            edge_time = float(data["travel_time_s"])
            steps = [polyline_length_m([a, b]) for a, b in itertools.pairwise(geometry)]
            total = sum(steps)
            done = 0.0
            for (lat, lon), step in zip(geometry[1:], steps, strict=True):
                done += step
                share = done / total if total > 0 else 1.0
                points.append(RoutePoint(lat, lon, t + edge_time * share))
            t += edge_time
        return points

    def largest_strongly_connected(self) -> RoadNetwork:
        """The part of the network where every node can reach every other by road.

        Routes should start and end here: real extracts are cut at their bounding
        box, leaving one-way stubs a vehicle can enter but never leave.
        """
        biggest = max(nx.strongly_connected_components(self.graph), key=len)
        sub = self.graph.subgraph(biggest).copy()
        return RoadNetwork(
            graph=sub,
            name=self.name,
            kind=self.kind,
            source=self.source,
            licence=self.licence,
            synthetic=self.synthetic,
            notice=self.notice,
        )

    def describe(self) -> str:
        """One line for a person: what the network is, how big, under which licence."""
        origin = "synthetic" if self.synthetic else self.kind
        text = (
            f"{self.name} ({origin}): {self.node_count} nodes, {self.edge_count} edges"
            f"{'' if self.licence is None else f'; {self.licence}'}"
        )
        return f"{text}. {self.notice}" if self.notice else text
