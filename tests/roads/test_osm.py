"""Loading raw OpenStreetMap XML (Songpa/Jamsil, Dongjak/Heukseok), and its road rules."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from safenet.roads import RoadDataError, RoadNetwork, haversine_m, load_network
from safenet.roads.osm_xml import is_drivable, oneway_direction
from tests.roads.conftest import DONGJAK_FILE, SONGPA_FILE

# (file, south, west, north, east) as the data README documents them, and node/edge
# ranges around what the loader gives today (Songpa 488/1,149, Dongjak 192/464).
REAL = [
    (SONGPA_FILE, 37.506, 127.078, 37.539, 127.133, (400, 600), (1000, 1300)),
    (DONGJAK_FILE, 37.485, 126.941, 37.514, 126.965, (150, 250), (380, 560)),
]

# Six nodes on a line ~100 m apart, and a seventh only as inline <nd> coordinates.
NODES = "\n".join(
    f'<node id="{i}" lat="37.5" lon="{127.0 + 0.001134 * (i - 1):.7f}"/>' for i in range(1, 7)
)


def _osm(ways: str, nodes: str = NODES) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n{nodes}\n{ways}\n</osm>\n'


def _way(way_id: int, refs: list[int], **tags: str) -> str:
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    tag_xml = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
    return f'<way id="{way_id}">{nds}{tag_xml}</way>'


def _load(tmp_path: Path, text: str) -> RoadNetwork:
    path = tmp_path / "tiny.osm"
    path.write_text(text, encoding="utf-8")
    return load_network(path)


@pytest.mark.parametrize(("name", "south", "west", "north", "east", "nodes", "edges"), REAL)
def test_real_osm_extract_loads_inside_its_box(
    road_networks: dict[str, RoadNetwork],
    name: str,
    south: float,
    west: float,
    north: float,
    east: float,
    nodes: tuple[int, int],
    edges: tuple[int, int],
) -> None:
    net = road_networks[name]
    assert net.kind == "osm"
    assert net.licence is not None
    assert "ODbL" in net.licence
    assert nodes[0] <= net.node_count <= nodes[1]
    assert edges[0] <= net.edge_count <= edges[1]
    for node in net.graph.nodes:
        assert net.bbox.contains(*net.latlon(node))
    b = net.bbox
    margin = 0.001  # the README rounds to three decimals
    assert south - margin <= b.south
    assert b.north <= north + margin
    assert west - margin <= b.west
    assert b.east <= east + margin
    for _, _, d in net.graph.edges(data=True):
        assert 5 <= d["speed_kmh"] <= 120
        assert d["length_m"] >= 0
        assert d["source_id"].startswith("way/")


def test_real_osm_names_are_korean_street_names(road_networks: dict[str, RoadNetwork]) -> None:
    names = {d for _, _, d in road_networks[SONGPA_FILE].graph.edges(data="name") if d}
    assert "올림픽로" in names


def test_interior_nodes_become_geometry_and_shared_nodes_junctions(tmp_path: Path) -> None:
    ways = _way(10, [1, 2, 3], highway="residential", name="골목길") + _way(
        11, [3, 4, 5, 6], highway="primary"
    )
    ways += _way(12, [3, 4], highway="footway")
    net = _load(tmp_path, _osm(ways))
    # 2, 4 and 5 only join two segments of one way; the footway does not count.
    assert sorted(net.graph.nodes) == [1, 3, 6]
    assert net.edge_count == 4  # both ways two-way
    d = net.graph.edges[1, 3, 0]
    assert len(d["geometry"]) == 3
    assert d["length_m"] == pytest.approx(haversine_m(37.5, 127.0, 37.5, 127.002268), rel=1e-9)
    assert d["name"] == "골목길"
    assert d["speed_kmh"] == 30.0
    assert d["speed_from"] == "default"
    assert net.graph.edges[6, 3, 0]["geometry"][0] == net.latlon(6)


def test_oneway_tags_set_the_direction(tmp_path: Path) -> None:
    ways = (
        _way(20, [1, 2], highway="residential", oneway="yes")
        + _way(21, [2, 3], highway="residential", oneway="-1")
        + _way(22, [3, 4], highway="motorway")
        + _way(23, [4, 5], highway="tertiary", oneway="no", maxspeed="40")
        + _way(24, [5, 6], highway="secondary", junction="roundabout")
    )
    net = _load(tmp_path, _osm(ways))
    assert set(net.graph.edges()) == {(1, 2), (3, 2), (3, 4), (4, 5), (5, 4), (5, 6)}
    assert net.graph.edges[4, 5, 0]["speed_kmh"] == 40.0
    assert net.graph.edges[4, 5, 0]["speed_from"] == "maxspeed"
    assert net.graph.edges[3, 4, 0]["speed_kmh"] == 100.0


def test_inline_nd_coordinates_stand_in_for_missing_nodes(tmp_path: Path) -> None:
    ways = (
        '<way id="30"><nd ref="6"/><nd ref="7" lat="37.501" lon="127.0057"/>'
        '<tag k="highway" v="service"/></way>'
    )
    ways += _way(31, [1, 99, 2, 3, 3], highway="residential")  # node 99 is not in the file
    net = _load(tmp_path, _osm(ways))
    assert net.latlon(7) == (37.501, 127.0057)
    # The way is split where its node is missing: 1 stands alone, 2-3 remains.
    assert 1 not in net.graph
    assert net.graph.has_edge(2, 3)
    assert not net.graph.has_edge(3, 3)  # the repeated node adds no empty loop


@pytest.mark.parametrize(
    ("tags", "drivable"),
    [
        ({"highway": "residential"}, True),
        ({"highway": "service"}, True),
        ({"highway": "service", "service": "parking_aisle"}, False),
        ({"highway": "footway"}, False),
        ({"highway": "primary", "area": "yes"}, False),
        ({"highway": "residential", "access": "private"}, False),
        ({"highway": "residential", "access": "no", "motor_vehicle": "yes"}, True),
        ({"highway": "tertiary", "motorcar": "no"}, False),
        ({"building": "yes"}, False),
    ],
)
def test_drivable_rule(tags: dict[str, str], drivable: bool) -> None:
    assert is_drivable(tags) is drivable


@pytest.mark.parametrize(
    ("tags", "direction"),
    [
        ({"highway": "primary"}, 0),
        ({"highway": "primary", "oneway": "yes"}, 1),
        ({"highway": "primary", "oneway": "-1"}, -1),
        ({"highway": "motorway"}, 1),
        ({"highway": "motorway", "oneway": "no"}, 0),
        ({"highway": "tertiary", "junction": "roundabout"}, 1),
        ({"highway": "residential", "oneway": "reversible"}, 0),
    ],
)
def test_oneway_rule(tags: dict[str, str], direction: int) -> None:
    assert oneway_direction(tags) == direction


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (_osm(_way(40, [1, 2], highway="footway")), "no way has a drivable highway tag"),
        (_osm(_way(41, [1, 99], highway="residential")), "has two located nodes"),
        (_osm("", nodes='<node id="1" lat="north" lon="127"/>'), "no valid lat/lon"),
        (_osm("", nodes='<node id="x1" lat="37" lon="127"/>'), "is not an integer"),
        ('<?xml version="1.0"?>\n<net></net>\n', "root element is <net>"),
    ],
)
def test_unusable_osm_files_name_the_file_and_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    with pytest.raises(RoadDataError, match=reason) as info:
        _load(tmp_path, text)
    assert "tiny.osm" in str(info.value)


def test_malformed_osm_xml_reports_its_line(tmp_path: Path) -> None:
    text = _osm(_way(50, [1, 2], highway="residential")).replace("<way", "<way <", 1)
    with pytest.raises(RoadDataError, match="malformed XML") as info:
        _load(tmp_path, text)
    assert (
        info.value.line
        == text.splitlines().index(next(r for r in text.splitlines() if "<way <" in r)) + 1
    )


def test_real_osm_main_component_is_most_of_it(road_networks: dict[str, RoadNetwork]) -> None:
    for name in (SONGPA_FILE, DONGJAK_FILE):
        main = road_networks[name].largest_strongly_connected()
        assert nx.is_strongly_connected(main.graph)
        assert main.node_count >= 0.8 * road_networks[name].node_count
