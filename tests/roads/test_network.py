"""What the simulator asks of any road network: nearest node, routes in time, nearby roads."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from safenet.roads import RoadNetwork, RouteError, haversine_m
from safenet.roads.geo import LocalGrid
from safenet.roads.network import add_road_edge
from tests.roads.conftest import ROAD_FILES


def _tiny() -> RoadNetwork:
    """a -> b one way (an L-shaped 200 m edge), b <-> c, and c -> a twice: slow and fast."""
    g = nx.MultiDiGraph()
    where = {"a": (37.5, 127.0), "b": (37.5009, 127.00113), "c": (37.5018, 127.0)}
    for node, (lat, lon) in where.items():
        g.add_node(node, lat=lat, lon=lon)

    def road(u: str, v: str, metres: float, kmh: float, via: list[tuple[float, float]]) -> None:
        add_road_edge(
            g,
            u,
            v,
            length_m=metres,
            speed_kmh=kmh,
            speed_from="default",
            highway="residential",
            geometry=[where[u], *via, where[v]],
        )

    road("a", "b", 200, 36, [(37.5, 127.00113)])
    road("b", "c", 140, 36, [])
    road("c", "b", 140, 36, [])
    road("c", "a", 200, 18, [])
    road("c", "a", 200, 72, [])
    return RoadNetwork(graph=g, name="tiny", kind="osm", source=None, licence=None)


def test_route_points_carry_time_along_the_geometry() -> None:
    net = _tiny()
    path = net.shortest_path("a", "b")
    assert path == ["a", "b"]
    points = net.route_points(path)
    assert [p.t_s for p in points] == pytest.approx([0.0, 10.0, 20.0], abs=0.1)
    assert (points[1].lat, points[1].lon) == (37.5, 127.00113)
    assert net.travel_time_s(path) == pytest.approx(20.0)


def test_parallel_edges_route_over_the_faster_one() -> None:
    net = _tiny()
    assert net.shortest_path("c", "a") == ["c", "a"]
    assert net.travel_time_s(["c", "a"]) == pytest.approx(10.0)
    _key, data = net.best_edge("c", "a")
    assert data["speed_kmh"] == 72


def test_one_way_edge_cannot_be_driven_backwards() -> None:
    net = _tiny()
    assert net.shortest_path("b", "a") == ["b", "c", "a"]
    net.graph.remove_edges_from([("c", "a", 0), ("c", "a", 1)])
    with pytest.raises(RouteError, match="no drivable route from 'b' to 'a'"):
        net.shortest_path("b", "a")
    with pytest.raises(RouteError, match="'zz' is not in road network 'tiny'"):
        net.shortest_path("a", "zz")
    with pytest.raises(RouteError, match="no edge from 'a' to 'c'"):
        net.route_points(["a", "c"])


def test_describe_names_size_and_licence() -> None:
    assert _tiny().describe() == "tiny (osm): 3 nodes, 5 edges"


@pytest.mark.parametrize("name", ROAD_FILES)
def test_random_routes_exist_in_the_main_component(
    road_networks: dict[str, RoadNetwork], name: str
) -> None:
    main = road_networks[name].largest_strongly_connected()
    assert main.licence == road_networks[name].licence
    nodes = sorted(main.graph.nodes, key=str)
    rng = random.Random(52)
    for _ in range(10):
        a, b = rng.sample(nodes, 2)
        path = main.shortest_path(a, b)
        assert path[0] == a
        assert path[-1] == b
        points = main.route_points(path)
        times = [p.t_s for p in points]
        assert times == sorted(times)
        assert times[-1] == pytest.approx(main.travel_time_s(path))
        assert (points[-1].lat, points[-1].lon) == pytest.approx(main.latlon(b), abs=1e-6)
        # The average speed stays within the network's limits.
        metres = sum(main.best_edge(u, v)[1]["length_m"] for u, v in itertools.pairwise(path))
        assert 5 / 3.6 <= metres / times[-1] <= 120 / 3.6


@pytest.mark.parametrize("name", ROAD_FILES)
def test_nearest_node_matches_a_full_scan(road_networks: dict[str, RoadNetwork], name: str) -> None:
    net = road_networks[name]
    rng = random.Random(7)
    b = net.bbox
    for _ in range(5):
        lat, lon = rng.uniform(b.south, b.north), rng.uniform(b.west, b.east)
        found = net.nearest_node(lat, lon)
        best = min(haversine_m(lat, lon, *net.latlon(n)) for n in net.graph.nodes)
        assert haversine_m(lat, lon, *net.latlon(found)) == pytest.approx(best, abs=0.5)


@pytest.mark.parametrize("name", ROAD_FILES)
def test_edges_near_matches_a_full_scan(road_networks: dict[str, RoadNetwork], name: str) -> None:
    net = road_networks[name]
    grid = LocalGrid((net.bbox.south + net.bbox.north) / 2, (net.bbox.west + net.bbox.east) / 2)
    rng = random.Random(11)
    nodes = sorted(net.graph.nodes, key=str)
    for radius in (30.0, 150.0):
        # Near a random node, 0.0003° (~30 m) off, so there is something to find.
        node_lat, node_lon = net.latlon(rng.choice(nodes))
        lat, lon = node_lat + 0.0003, node_lon - 0.0003
        hits = net.edges_near(lat, lon, radius)
        assert [h.distance_m for h in hits] == sorted(h.distance_m for h in hits)
        if radius == 150.0:
            assert hits
        expected = {
            (u, v, k)
            for u, v, k, geometry in net.graph.edges(keys=True, data="geometry")
            if _distance_to_polyline(grid, lat, lon, geometry) <= radius
        }
        assert {(h.u, h.v, h.key) for h in hits} == expected


def test_edges_near_a_node_include_its_roads(road_networks: dict[str, RoadNetwork]) -> None:
    net = road_networks[ROAD_FILES[0]]
    node = next(iter(net.graph.nodes))
    hits = net.edges_near(*net.latlon(node), 1.0)
    touching = {(u, v, k) for u, v, k in net.graph.in_edges(node, keys=True)} | {
        (u, v, k) for u, v, k in net.graph.out_edges(node, keys=True)
    }
    assert touching <= {(h.u, h.v, h.key) for h in hits}


def _distance_to_polyline(
    grid: LocalGrid, lat: float, lon: float, geometry: list[tuple[float, float]]
) -> float:
    px, py = grid.to_xy(lat, lon)
    best = float("inf")
    for (la1, lo1), (la2, lo2) in itertools.pairwise(geometry):
        ax, ay = grid.to_xy(la1, lo1)
        bx, by = grid.to_xy(la2, lo2)
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        t = 0.0 if seg2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
        best = min(best, ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5)
    return best
