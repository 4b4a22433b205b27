"""Reading an OSMnx GraphML export (``.graphml``) as a road network.

OSMnx writes every attribute as a string: node ``x`` (lon) and ``y`` (lat),
edge ``length`` (metres), ``geometry`` as WKT ``LINESTRING (lon lat, …)``, and
for edges merged during simplification, list-like strings such as
``"['50', '60']"`` for ``maxspeed``, ``highway`` and ``name``. Those become:
the mean of the listed limits, the first listed class, and the names joined
with " / ". Edges already carry their direction (a two-way street is two
edges), so nothing is added here. Node ids that are digits (OSM ids) become
integers, as in the raw OSM loader.
"""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx

from safenet.roads.errors import RoadDataError
from safenet.roads.geo import polyline_length_m
from safenet.roads.network import OSM_LICENCE, RoadNetwork, add_road_edge
from safenet.roads.speeds import road_speed_kmh
from safenet.roads.types import LatLon, NodeId
from safenet.roads.xmlread import parse_error

_LINESTRING = re.compile(r"^\s*LINESTRING\s*\((.*)\)\s*$", re.IGNORECASE)


def read_osmnx_graphml(path: Path, licence: str = OSM_LICENCE) -> RoadNetwork:
    """The road network of an OSMnx GraphML file (node x/y in WGS84)."""
    try:
        source = nx.read_graphml(path)
    except ET.ParseError as exc:
        raise parse_error(exc, path) from None
    except OSError as exc:
        raise RoadDataError(f"cannot be read: {exc.strerror or exc}", path=path) from None
    except (nx.NetworkXError, ValueError, KeyError) as exc:
        raise RoadDataError(f"not a readable GraphML graph: {exc}", path=path) from None
    crs = str(source.graph.get("crs", "epsg:4326")).lower()
    if crs not in ("epsg:4326", "wgs84"):
        raise RoadDataError(
            f"graph crs is {crs!r}; only unprojected WGS84 (epsg:4326) graphs are supported",
            path=path,
        )

    graph = nx.MultiDiGraph()
    ids: dict[Any, NodeId] = {}
    for node, attrs in source.nodes(data=True):
        node_id = _node_id(node)
        ids[node] = node_id
        lat = _float(attrs.get("y"), path, f"node {node!r} y (latitude)")
        lon = _float(attrs.get("x"), path, f"node {node!r} x (longitude)")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise RoadDataError(f"node {node!r} y/x {lat}, {lon} is outside WGS84", path=path)
        graph.add_node(node_id, lat=lat, lon=lon)

    edges = (
        source.edges(keys=True, data=True)
        if source.is_multigraph()
        else ((u, v, None, d) for u, v, d in source.edges(data=True))
    )
    for u, v, key, attrs in edges:
        a, b = ids[u], ids[v]
        ends = ((a, b),) if source.is_directed() else ((a, b), (b, a))
        for x, y in ends:
            _add_edge(graph, x, y, key if x == a else None, attrs, path)
    if graph.number_of_edges() == 0:
        raise RoadDataError("no drivable roads: the graph has no edges", path=path)
    return RoadNetwork(graph=graph, name=path.stem, kind="graphml", source=path, licence=licence)


def _add_edge(
    graph: nx.MultiDiGraph,
    u: NodeId,
    v: NodeId,
    key: Any,
    attrs: dict[str, Any],
    path: Path,
) -> None:
    start = (graph.nodes[u]["lat"], graph.nodes[u]["lon"])
    end = (graph.nodes[v]["lat"], graph.nodes[v]["lon"])
    wkt = attrs.get("geometry")
    geometry = _linestring(str(wkt), path, f"edge {u}->{v}") if wkt else [start, end]
    if geometry[0] != start and geometry[-1] == start:
        geometry.reverse()  # an undirected graph's geometry may run the other way
    length_text = attrs.get("length")
    length = (
        _float(length_text, path, f"edge {u}->{v} length")
        if length_text is not None
        else polyline_length_m(geometry)
    )
    highways = _listed(attrs.get("highway"))
    highway = highways[0] if highways else "unknown"
    speed, speed_from = road_speed_kmh(highway, _maxspeed_text(attrs.get("maxspeed")))
    names = _listed(attrs.get("name"))
    lanes = _listed(attrs.get("lanes"))
    add_road_edge(
        graph,
        u,
        v,
        key=_edge_key(key),
        length_m=length,
        speed_kmh=speed,
        speed_from=speed_from,
        highway=highway,
        geometry=geometry,
        name=" / ".join(names) if names else None,
        source_id=_osmid(attrs.get("osmid")),
        lanes=int(lanes[0]) if lanes and lanes[0].isdigit() else None,
    )


def _listed(value: Any) -> list[str]:
    """The values of an OSMnx attribute, whether one value or a list written as text."""
    if value is None:
        return []
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return [text]
        if isinstance(parsed, list):
            return [str(item) for item in parsed]
    return [text] if text else []


def _maxspeed_text(value: Any) -> str | None:
    listed = _listed(value)
    return ";".join(listed) if listed else None


def _osmid(value: Any) -> str | None:
    listed = _listed(value)
    return ";".join(f"way/{item}" for item in listed) if listed else None


def _node_id(node: Any) -> NodeId:
    text = str(node)
    return int(text) if text.isdigit() else text


def _edge_key(key: Any) -> int | str | None:
    if key is None:
        return None
    text = str(key)
    return int(text) if text.isdigit() else text


def _float(value: Any, path: Path, what: str) -> float:
    if value is None:
        raise RoadDataError(f"{what} is missing", path=path)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RoadDataError(f"{what} {value!r} is not a number", path=path) from None


def _linestring(wkt: str, path: Path, what: str) -> list[LatLon]:
    match = _LINESTRING.match(wkt)
    if match is None:
        raise RoadDataError(f"{what} geometry {wkt[:40]!r} is not a WKT LINESTRING", path=path)
    points: list[LatLon] = []
    for pair in match.group(1).split(","):
        try:
            lon, lat = (float(n) for n in pair.split()[:2])
        except ValueError:
            raise RoadDataError(
                f"{what} geometry point {pair!r} is not 'lon lat'", path=path
            ) from None
        points.append((lat, lon))
    if len(points) < 2:
        raise RoadDataError(f"{what} geometry has fewer than two points", path=path)
    return points
