"""A stand-in street graph between camera sites, for districts with no road data.

No road network was found for some pilot districts (은평구, 광주, 강원). So that
the simulator can still drive vehicles past their cameras, this builds a
plausible graph from the camera positions alone, and flags it: ``synthetic``
is true and ``notice`` says it is not a real road map, which the demo prints.

Construction: sites closer than ``merge_m`` (cameras on one pole, rows with the
same address) share a node; each node is linked both ways to its ``k`` nearest
neighbours within ``max_link_m``; then the nearest pair between separate parts
is linked until the graph is one piece, so every site can reach every other.
Edges are straight lines whose driving length is the straight distance times
``detour`` (streets are rarely straight; 1.3 is a typical urban ratio of road
to crow-flies distance). Short links (under ``arterial_m``) are back streets at
30 km/h, longer ones arterials at 50 km/h, as in Korea's urban 5030 limits.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import networkx as nx
import numpy as np

from safenet.roads.errors import RoadDataError
from safenet.roads.geo import LocalGrid, haversine_m
from safenet.roads.network import RoadNetwork, add_road_edge
from safenet.roads.spatial import FloatArray
from safenet.roads.types import NodeId

BACK_STREET_KMH = 30.0
ARTERIAL_KMH = 50.0
_CHUNK = 256  # rows per distance block: 256 x 20,000 sites is ~40 MB


def synthetic_notice(name: str) -> str:
    """What the demo prints about a district whose roads are made up."""
    return (
        f"no road data for {name}: a straight-line graph between camera sites, not a real road map"
    )


def synthetic_from_points(
    points: Sequence[tuple[NodeId, float, float]],
    name: str,
    *,
    k: int = 4,
    max_link_m: float = 1500.0,
    merge_m: float = 5.0,
    detour: float = 1.3,
    arterial_m: float = 400.0,
    max_join_m: float = 5000.0,
) -> RoadNetwork:
    """A strongly connected street graph between (id, lat, lon) camera sites.

    Node ids are the first site id at each merged position; the node attribute
    ``site_ids`` lists every id placed there. A group of sites farther than
    ``max_join_m`` from all the others is refused rather than joined: it is
    almost always a bad coordinate (a typo'd latitude), and a 500 km "street"
    would make every journey look plausible.
    """
    if not points:
        raise RoadDataError(f"synthetic road graph for {name}: no camera sites given")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if detour < 1:
        raise ValueError(f"detour must be at least 1, got {detour}")
    seen: set[Hashable] = set()
    for site_id, lat, lon in points:
        if site_id in seen:
            raise RoadDataError(f"synthetic road graph for {name}: site id {site_id!r} repeats")
        seen.add(site_id)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat + lon):
            raise RoadDataError(
                f"synthetic road graph for {name}: site {site_id!r} lat/lon {lat}, {lon} "
                "is not a WGS84 position"
            )

    grid = LocalGrid(
        sum(p[1] for p in points) / len(points), sum(p[2] for p in points) / len(points)
    )
    nodes = _merge_sites(points, grid, merge_m)
    graph = nx.MultiDiGraph()
    for node_id, lat, lon, site_ids in nodes:
        graph.add_node(node_id, lat=lat, lon=lon, site_ids=site_ids)
    xy = np.array([grid.to_xy(lat, lon) for _, lat, lon, _ in nodes], dtype=np.float64)

    links: set[tuple[int, int]] = set()
    for i, j in _nearest_links(xy, k, max_link_m):
        links.add((min(i, j), max(i, j)))
    for i, j, gap_m, part in _joining_links(xy, links):
        if gap_m > max_join_m:
            ids = ", ".join(repr(nodes[p][0]) for p in part[:5])
            raise RoadDataError(
                f"synthetic road graph for {name}: site(s) {ids}"
                f"{' …' if len(part) > 5 else ''} lie {gap_m / 1000:.1f} km from every other "
                f"site (more than max_join_m={max_join_m:.0f} m); drop sites outside the "
                "district or fix their coordinates"
            )
        links.add((min(i, j), max(i, j)))

    for i, j in sorted(links):
        a, b = nodes[i], nodes[j]
        straight = haversine_m(a[1], a[2], b[1], b[2])
        speed = ARTERIAL_KMH if straight >= arterial_m else BACK_STREET_KMH
        for u, v in ((a, b), (b, a)):
            add_road_edge(
                graph,
                u[0],
                v[0],
                length_m=max(straight * detour, 1.0),
                speed_kmh=speed,
                speed_from="synthetic",
                highway="synthetic",
                geometry=[(u[1], u[2]), (v[1], v[2])],
            )
    return RoadNetwork(
        graph=graph,
        name=name,
        kind="synthetic",
        source=None,
        licence=None,
        synthetic=True,
        notice=synthetic_notice(name),
    )


def _merge_sites(
    points: Sequence[tuple[NodeId, float, float]], grid: LocalGrid, merge_m: float
) -> list[tuple[NodeId, float, float, list[NodeId]]]:
    """Sites within ``merge_m`` of an earlier node join it (grid cells of ``merge_m``)."""
    cell = max(merge_m, 1e-3)
    cells: dict[tuple[int, int], list[int]] = {}
    nodes: list[tuple[NodeId, float, float, list[NodeId]]] = []
    for site_id, lat, lon in points:
        x, y = grid.to_xy(lat, lon)
        cx, cy = math.floor(x / cell), math.floor(y / cell)
        target = next(
            (
                idx
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
                for idx in cells.get((cx + dx, cy + dy), ())
                if haversine_m(lat, lon, nodes[idx][1], nodes[idx][2]) <= merge_m
            ),
            None,
        )
        if target is None:
            cells.setdefault((cx, cy), []).append(len(nodes))
            nodes.append((site_id, lat, lon, [site_id]))
        else:
            nodes[target][3].append(site_id)
    return nodes


def _squared_distances(a: FloatArray, b: FloatArray) -> FloatArray:
    dx = a[:, 0, None] - b[None, :, 0]
    dy = a[:, 1, None] - b[None, :, 1]
    result: FloatArray = dx * dx + dy * dy
    return result


def _nearest_links(xy: FloatArray, k: int, max_link_m: float) -> list[tuple[int, int]]:
    """Each node's ``k`` nearest neighbours within ``max_link_m`` (chunked to bound memory)."""
    n = len(xy)
    if n < 2:
        return []
    kk = min(k, n - 1)
    links: list[tuple[int, int]] = []
    for start in range(0, n, _CHUNK):
        block = xy[start : start + _CHUNK]
        d2 = _squared_distances(block, xy)
        rows = np.arange(len(block))
        d2[rows, rows + start] = np.inf
        nearest = np.argpartition(d2, kk - 1, axis=1)[:, :kk]
        for r, row in enumerate(nearest):
            for j in row.tolist():
                if d2[r, j] <= max_link_m * max_link_m:
                    links.append((start + r, int(j)))
    return links


def _joining_links(
    xy: FloatArray, links: set[tuple[int, int]]
) -> list[tuple[int, int, float, list[int]]]:
    """Shortest links that join separate parts until the graph is one piece.

    The smallest part is joined to its nearest neighbour first, so a lone far site
    gets one link of its own. Each link comes with its length in metres and the
    nodes of the part it joined.
    """
    parts = nx.Graph()
    parts.add_nodes_from(range(len(xy)))
    parts.add_edges_from(links)
    components = [set(c) for c in nx.connected_components(parts)]
    added: list[tuple[int, int, float, list[int]]] = []
    while len(components) > 1:
        components.sort(key=len)
        small = np.array(sorted(components[0]))
        rest = np.array(sorted(set().union(*components[1:])))
        best = (math.inf, -1, -1)
        for s in range(0, len(small), _CHUNK):
            chunk = small[s : s + _CHUNK]
            d2 = _squared_distances(xy[chunk], xy[rest])
            r, c = np.unravel_index(int(np.argmin(d2)), d2.shape)
            if d2[r, c] < best[0]:
                best = (float(d2[r, c]), int(chunk[r]), int(rest[c]))
        d2_best, i, j = best
        joined = components.pop(0)
        added.append((i, j, math.sqrt(d2_best), sorted(joined)))
        target = next(c for c in components if j in c)
        target |= joined
    return added
