"""The stand-in street graph for districts with no road data (은평구 and others)."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from safenet.roads import RoadDataError, haversine_m, synthetic_from_points

# A 5 x 4 grid of sites ~300 m apart, plus a far cluster 3 km east to be joined.
GRID = [
    (f"cam-{r}-{c}", 37.60 + r * 0.0027, 126.92 + c * 0.0034) for r in range(5) for c in range(4)
]
FAR = [("far-1", 37.605, 126.97), ("far-2", 37.6053, 126.9704)]


def test_sites_become_a_strongly_connected_flagged_graph() -> None:
    net = synthetic_from_points(GRID + FAR, "은평구")
    assert net.synthetic is True
    assert net.kind == "synthetic"
    assert net.source is None
    assert net.licence is None
    assert net.notice == (
        "no road data for 은평구: a straight-line graph between camera sites, not a real road map"
    )
    assert net.notice in net.describe()
    assert net.node_count == len(GRID) + len(FAR)
    assert nx.is_strongly_connected(net.graph)
    for u, v, d in net.graph.edges(data=True):
        assert net.graph.has_edge(v, u)  # every street both ways
        assert d["speed_kmh"] in (30.0, 50.0)
        assert d["highway"] == "synthetic"
        assert d["speed_from"] == "synthetic"
        straight = haversine_m(*net.latlon(u), *net.latlon(v))
        assert d["length_m"] == pytest.approx(max(1.3 * straight, 1.0))
        assert d["speed_kmh"] == (50.0 if straight >= 400 else 30.0)


def test_sites_on_one_pole_share_a_node() -> None:
    points = [("a", 37.6, 126.92), ("b", 37.60001, 126.92001), ("c", 37.601, 126.921)]
    net = synthetic_from_points(points, "test")
    assert sorted(net.graph.nodes) == ["a", "c"]
    assert net.graph.nodes["a"]["site_ids"] == ["a", "b"]
    assert net.nearest_node(37.60001, 126.92001) == "a"


def test_single_site_is_a_graph_of_one_node() -> None:
    net = synthetic_from_points([("only", 37.6, 126.92)], "test")
    assert (net.node_count, net.edge_count) == (1, 0)


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ([], "no camera sites given"),
        ([("a", 37.6, 126.9), ("a", 37.61, 126.9)], "site id 'a' repeats"),
        ([("a", 99.999999, 999.999999)], "is not a WGS84 position"),
        ([*GRID, ("typo", 32.626224, 126.923368)], r"site\(s\) 'typo' lie 5\d\d\.\d km"),
    ],
)
def test_bad_sites_are_refused_with_the_reason(
    points: list[tuple[str, float, float]], reason: str
) -> None:
    with pytest.raises(RoadDataError, match=reason):
        synthetic_from_points(points, "test")


def test_eunpyeong_camera_sites_make_a_usable_graph(data_dir: Path) -> None:
    """The real 은평구 rows (2018 standard data) minus the one with a typo'd latitude."""
    path = data_dir / "cctv" / "seoul_2018_cctv_standard.csv"
    with path.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if "은평구" in r["관리기관명"]]
    points = [(f"row-{i}", float(r["위도"]), float(r["경도"])) for i, r in enumerate(rows)]
    assert len(points) == 978
    inside = [p for p in points if 37.55 < p[1] < 37.70]
    assert len(inside) == 977  # one row has latitude 32.626224
    net = synthetic_from_points(inside, "은평구")
    assert nx.is_strongly_connected(net.graph)
    main = net.largest_strongly_connected()
    start = main.nearest_node(inside[0][1], inside[0][2])
    path_nodes = main.shortest_path(start, main.nearest_node(37.65, 126.93))
    assert main.route_points(path_nodes)[-1].t_s > 0
