"""Reading raw OpenStreetMap XML (``.osm``, e.g. an Overpass export) as a road network.

Which ways are roads a car can drive (the rule OSMnx's "drive" network also
follows, written out here): ``highway`` is one of :data:`DRIVABLE_HIGHWAYS`,
and the way is not an area, not a parking aisle, driveway or drive-through,
and not closed to motor traffic (``access``/``motor_vehicle``/``motorcar`` =
``no`` or ``private`` unless a more specific tag allows cars). Service roads
are kept because pursuits go down back streets; parking aisles are not roads.

Direction: ``oneway=yes|true|1`` runs along the way, ``-1|reverse`` against it,
``no|false|0`` and ``reversible``/``alternating`` both ways; without the tag,
``motorway``, ``motorway_link`` and roundabouts are one-way, all else two-way.

Nodes: only way ends and nodes shared by two or more drivable ways (or used
twice by one) become graph nodes; the points between them become the edge's
geometry. Lengths are haversine sums along that geometry. A way whose node is
missing from the file (an extract cut at its box) is split there. Node
coordinates come from ``<node>`` elements, else from the ``lat``/``lon`` that
Overpass ``out geom`` writes on each ``<nd>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from safenet.roads.errors import RoadDataError
from safenet.roads.geo import polyline_length_m
from safenet.roads.network import OSM_LICENCE, RoadNetwork, add_road_edge
from safenet.roads.speeds import road_speed_kmh
from safenet.roads.types import LatLon
from safenet.roads.xmlread import iter_elements

DRIVABLE_HIGHWAYS = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "road",
    }
)
EXCLUDED_SERVICE = frozenset(
    {"parking_aisle", "driveway", "drive-through", "emergency_access", "parking"}
)
_CLOSED = frozenset({"no", "private"})
_OPEN = frozenset({"yes", "designated", "permissive", "destination", "customers"})
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})
_BOTH = frozenset({"no", "false", "0", "reversible", "alternating"})
_IMPLIED_ONEWAY = frozenset({"motorway", "motorway_link"})


@dataclass(frozen=True, slots=True)
class _Way:
    way_id: str
    refs: list[int]
    tags: dict[str, str]


def is_drivable(tags: dict[str, str]) -> bool:
    """Whether an OSM way with these tags is a road a car may drive on."""
    if tags.get("highway") not in DRIVABLE_HIGHWAYS or tags.get("area") == "yes":
        return False
    if tags.get("service") in EXCLUDED_SERVICE:
        return False
    # The most specific access tag present decides.
    for key in ("motorcar", "motor_vehicle", "access"):
        value = tags.get(key)
        if value in _CLOSED:
            return False
        if value in _OPEN:
            return True
    return True


def oneway_direction(tags: dict[str, str]) -> int:
    """+1 one way along the way, -1 one way against it, 0 both ways."""
    value = tags.get("oneway", "").strip().lower()
    if value in _FORWARD:
        return 1
    if value in _BACKWARD:
        return -1
    if value in _BOTH:
        return 0
    if tags.get("highway") in _IMPLIED_ONEWAY or tags.get("junction") in (
        "roundabout",
        "circular",
    ):
        return 1
    return 0


def read_osm_xml(path: Path, licence: str = OSM_LICENCE) -> RoadNetwork:
    """The drivable road network of a raw OSM XML file."""
    coords: dict[int, LatLon] = {}
    nd_coords: dict[int, LatLon] = {}
    ways: list[_Way] = []
    for elem in iter_elements(path, "osm", "OpenStreetMap XML"):
        if elem.tag == "node":
            node_id = _int(elem.get("id"), path, "<node> id")
            coords[node_id] = _latlon(elem, path)
            elem.clear()
        elif elem.tag == "way":
            tags = {t.get("k", ""): t.get("v", "") for t in elem.iter("tag")}
            if is_drivable(tags):
                refs: list[int] = []
                for nd in elem.iter("nd"):
                    ref = _int(nd.get("ref"), path, f"<nd> ref in way {elem.get('id')}")
                    refs.append(ref)
                    if nd.get("lat") is not None and nd.get("lon") is not None:
                        nd_coords[ref] = _latlon(nd, path)
                ways.append(_Way(elem.get("id", "?"), refs, tags))
            elem.clear()
        elif elem.tag == "relation":
            elem.clear()
    for ref, latlon in nd_coords.items():
        coords.setdefault(ref, latlon)
    graph = _build_graph(ways, coords)
    if graph.number_of_edges() == 0:
        raise RoadDataError(
            f"no drivable roads: none of its {len(ways)} drivable-tagged ways has two located nodes"
            if ways
            else "no drivable roads: no way has a drivable highway tag",
            path=path,
        )
    return RoadNetwork(graph=graph, name=path.stem, kind="osm", source=path, licence=licence)


def _build_graph(ways: list[_Way], coords: dict[int, LatLon]) -> nx.MultiDiGraph:
    # Runs of located nodes; a missing node splits the way.
    runs: list[tuple[_Way, list[int]]] = []
    for way in ways:
        run: list[int] = []
        for ref in way.refs:
            if ref in coords:
                if not run or run[-1] != ref:  # a node listed twice in a row is one point
                    run.append(ref)
                continue
            if len(run) >= 2:
                runs.append((way, run))
            run = []
        if len(run) >= 2:
            runs.append((way, run))
    uses: Counter[int] = Counter()
    for _, run in runs:
        uses.update(run)
        uses.update((run[0], run[-1]))  # ends are always graph nodes
    graph = nx.MultiDiGraph()
    for way, run in runs:
        direction = oneway_direction(way.tags)
        start = 0
        for i in range(1, len(run)):
            if i == len(run) - 1 or uses[run[i]] >= 2:
                _add_segment(graph, way, run[start : i + 1], coords, direction)
                start = i
    return graph


def _add_segment(
    graph: nx.MultiDiGraph,
    way: _Way,
    refs: list[int],
    coords: dict[int, LatLon],
    direction: int,
) -> None:
    geometry = [coords[r] for r in refs]
    u, v = refs[0], refs[-1]
    for node in (u, v):
        if node not in graph:
            lat, lon = coords[node]
            graph.add_node(node, lat=lat, lon=lon)
    highway = way.tags["highway"]
    speed, speed_from = road_speed_kmh(highway, way.tags.get("maxspeed"))
    length = polyline_length_m(geometry)
    name = way.tags.get("name") or way.tags.get("name:ko") or way.tags.get("ref")
    lanes = _lanes(way.tags.get("lanes"))
    ends = ([(u, v, geometry)] if direction >= 0 else []) + (
        [(v, u, geometry[::-1])] if direction <= 0 else []
    )
    for a, b, shape in ends:
        add_road_edge(
            graph,
            a,
            b,
            length_m=length,
            speed_kmh=speed,
            speed_from=speed_from,
            highway=highway,
            geometry=shape,
            name=name,
            source_id=f"way/{way.way_id}",
            lanes=lanes,
        )


def _lanes(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _int(text: str | None, path: Path, what: str) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise RoadDataError(f"{what} {text!r} is not an integer", path=path) from None


def _latlon(elem: ET.Element, path: Path) -> LatLon:
    which = f"<{elem.tag} {elem.get('id') or elem.get('ref')}>"
    try:
        lat, lon = float(elem.get("lat", "")), float(elem.get("lon", ""))
    except ValueError:
        raise RoadDataError(f"{which} has no valid lat/lon", path=path) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RoadDataError(f"{which} lat/lon {lat}, {lon} is outside WGS84 range", path=path)
    return lat, lon
