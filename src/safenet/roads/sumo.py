"""Reading a SUMO network (``.net.xml``) as a road network on WGS84 coordinates.

What is kept: ordinary edges (no ``function`` or ``function="normal"``) with at
least one lane a passenger car may use, and the non-internal junctions they
join. Internal edges and junctions (the lanes inside an intersection), walking
areas, crossings and TAZ connectors are skipped. Positions are SUMO's metres,
which are the UTM grid minus ``netOffset``; :mod:`safenet.roads.utm` turns
them back into latitude/longitude.

Edge length and speed come from the lanes (mean lane length, fastest lane's
speed); geometry from the edge's own ``shape`` when it has one, else its middle
lane, running from the ``from`` junction to the ``to`` junction. ``highway`` is
the edge ``type`` without its ``highway.`` prefix, ``"unknown"`` when untyped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from safenet.roads.errors import RoadDataError
from safenet.roads.network import RoadNetwork, add_road_edge
from safenet.roads.types import LatLon
from safenet.roads.utm import parse_utm_proj, utm_to_latlon
from safenet.roads.xmlread import iter_elements

SUMO_LICENCE = (
    "unstated: the source repository has no licence and does not say where the "
    "network came from (its ids match 표준노드링크)"
)
SUMO_SUFFIX = ".net.xml"

_SKIPPED_FUNCTIONS = {"internal", "crossing", "walkingarea", "connector"}
_XY = tuple[float, float]


@dataclass(frozen=True, slots=True)
class _Lane:
    speed_ms: float
    length_m: float
    shape: list[_XY]


@dataclass(frozen=True, slots=True)
class _Edge:
    edge_id: str
    from_id: str
    to_id: str
    name: str | None
    edge_type: str | None
    shape: list[_XY] | None
    lanes: list[_Lane]


def read_sumo_net(path: Path, licence: str = SUMO_LICENCE) -> RoadNetwork:
    """The drivable road network of a SUMO ``.net.xml`` file, in WGS84."""
    location: dict[str, str] | None = None
    edges: list[_Edge] = []
    junctions: dict[str, tuple[_XY, str]] = {}
    for elem in iter_elements(path, "net", "a SUMO network"):
        if elem.tag == "location":
            location = dict(elem.attrib)
        elif elem.tag == "edge":
            edge = _read_edge(elem, path)
            if edge is not None:
                edges.append(edge)
            elem.clear()
        elif elem.tag == "junction":
            if elem.get("type") != "internal":
                jid = _required(elem, "id", path)
                junctions[jid] = (
                    (_number(elem, "x", path), _number(elem, "y", path)),
                    elem.get("type", ""),
                )
            elem.clear()
        elif elem.tag in ("connection", "tlLogic", "roundabout"):
            elem.clear()
    if location is None:
        raise RoadDataError(
            "no <location> element, so the network cannot be placed on a map", path=path
        )
    to_latlon = _projection(location, path)

    graph = nx.MultiDiGraph()
    for jid, (xy, jtype) in junctions.items():
        lat, lon = to_latlon(xy)
        graph.add_node(jid, lat=lat, lon=lon, junction_type=jtype)
    for edge in edges:
        for end in (edge.from_id, edge.to_id):
            if end not in junctions:
                raise RoadDataError(
                    f"edge {edge.edge_id!r} refers to junction {end!r}, which the file does "
                    "not define",
                    path=path,
                )
        shape = edge.shape or edge.lanes[len(edge.lanes) // 2].shape
        start = junctions[edge.from_id][0]
        end_xy = junctions[edge.to_id][0]
        geometry = [to_latlon(p) for p in _between(start, shape, end_xy)]
        highway = (edge.edge_type or "unknown").removeprefix("highway.")
        add_road_edge(
            graph,
            edge.from_id,
            edge.to_id,
            length_m=sum(lane.length_m for lane in edge.lanes) / len(edge.lanes),
            speed_kmh=max(lane.speed_ms for lane in edge.lanes) * 3.6,
            speed_from="sumo",
            highway=highway,
            geometry=geometry,
            name=edge.name,
            source_id=edge.edge_id,
            lanes=len(edge.lanes),
        )
    if graph.number_of_edges() == 0:
        raise RoadDataError("no drivable roads: the network has no car lanes", path=path)
    # Junctions that only served skipped edges (footpaths) are not part of the road graph.
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    name = path.name.removesuffix(SUMO_SUFFIX)
    return RoadNetwork(graph=graph, name=name, kind="sumo", source=path, licence=licence)


def _read_edge(elem: ET.Element, path: Path) -> _Edge | None:
    if elem.get("function", "normal") in _SKIPPED_FUNCTIONS:
        return None
    edge_id = _required(elem, "id", path)
    lanes = [
        _Lane(
            speed_ms=_number(lane, "speed", path),
            length_m=_number(lane, "length", path),
            shape=_shape(_required(lane, "shape", path), path, f"lane {lane.get('id')!r}"),
        )
        for lane in elem.iter("lane")
        if _passenger_allowed(lane)
    ]
    if not lanes:
        return None
    shape_text = elem.get("shape")
    return _Edge(
        edge_id=edge_id,
        from_id=_required(elem, "from", path),
        to_id=_required(elem, "to", path),
        name=elem.get("name") or None,
        edge_type=elem.get("type") or None,
        shape=_shape(shape_text, path, f"edge {edge_id!r}") if shape_text else None,
        lanes=lanes,
    )


def _passenger_allowed(lane: ET.Element) -> bool:
    allow = lane.get("allow")
    if allow is not None:
        classes = allow.split()
        return "passenger" in classes or "all" in classes
    disallow = (lane.get("disallow") or "").split()
    return "passenger" not in disallow and "all" not in disallow


def _between(start: _XY, shape: list[_XY], end: _XY) -> list[_XY]:
    # Edge and lane shapes stop short of the junction centres; the road graph runs
    # node to node, so the shape is bracketed by the junction positions.
    kept = [start]
    for p in shape:
        if _apart(p, kept[-1]):
            kept.append(p)
    if _apart(end, kept[-1]) or len(kept) == 1:
        kept.append(end)
    else:
        kept[-1] = end
    return kept


def _apart(a: _XY, b: _XY) -> bool:
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) > 0.5


def _projection(location: dict[str, str], path: Path) -> _ToLatLon:
    proj = location.get("projParameter", "!")
    if proj.strip() == "!":
        raise RoadDataError(
            "<location> has no geo-reference (projParameter '!'), so the network cannot "
            "be placed on a map",
            path=path,
        )
    try:
        zone, south = parse_utm_proj(proj)
    except RoadDataError as exc:
        raise exc.with_path(path) from None
    offset = _pair(location.get("netOffset", "0,0"), path, "<location> netOffset")
    return _ToLatLon(zone, south, offset)


class _ToLatLon:
    """SUMO network metres to (lat, lon): undo ``netOffset``, then inverse UTM."""

    def __init__(self, zone: int, south: bool, offset: _XY) -> None:
        self.zone = zone
        self.south = south
        self.offset = offset

    def __call__(self, xy: _XY) -> LatLon:
        return utm_to_latlon(
            xy[0] - self.offset[0], xy[1] - self.offset[1], self.zone, south=self.south
        )


def _required(elem: ET.Element, attr: str, path: Path) -> str:
    value = elem.get(attr)
    if value is None:
        raise RoadDataError(
            f"<{elem.tag} id={elem.get('id')!r}> lacks the {attr!r} attribute", path=path
        )
    return value


def _number(elem: ET.Element, attr: str, path: Path) -> float:
    text = _required(elem, attr, path)
    try:
        return float(text)
    except ValueError:
        raise RoadDataError(
            f"<{elem.tag} id={elem.get('id')!r}> {attr}={text!r} is not a number", path=path
        ) from None


def _pair(text: str, path: Path, what: str) -> _XY:
    try:
        x, y = (float(part) for part in text.split(","))
    except ValueError:
        raise RoadDataError(f"{what} {text!r} is not 'x,y'", path=path) from None
    return x, y


def _shape(text: str, path: Path, what: str) -> list[_XY]:
    points = [_pair(p, path, f"{what} shape point") for p in text.split()]
    if not points:
        raise RoadDataError(f"{what} has an empty shape", path=path)
    return points
