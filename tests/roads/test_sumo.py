"""Loading the SUMO network of Gangnam/Seocho, and SUMO files that cannot be loaded."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from safenet.roads import RoadDataError, RoadNetwork, haversine_m, load_network
from safenet.roads.utm import latlon_to_utm
from tests.roads.conftest import SUMO_FILE

# A two-junction net 100 m apart on UTM 52N, offset like the real file.
OFFSET = (-324525.23, -4150247.69)
LOCATION = (
    f'<location netOffset="{OFFSET[0]},{OFFSET[1]}" convBoundary="0,0,100,0" '
    'origBoundary="0,0,0,0" projParameter="+proj=utm +zone=52 +ellps=WGS84 +datum=WGS84"/>'
)


def _xy(lat: float, lon: float) -> tuple[float, float]:
    e, n = latlon_to_utm(lat, lon, 52)
    return e + OFFSET[0], n + OFFSET[1]


A = _xy(37.5, 127.03)
B = _xy(37.5, 127.0311)


def _net(body: str, location: str = LOCATION) -> str:
    header = '<?xml version="1.0" encoding="UTF-8"?>'
    return f'{header}\n<net version="1.16">\n{location}\n{body}\n</net>\n'


# Lane shapes run 2 m either side of the centre line.
LOW = f"{A[0]},{A[1] - 2} {B[0]},{B[1] - 2}"
HIGH = f"{A[0]},{A[1] + 2} {B[0]},{B[1] + 2}"
MID = f"{A[0]},{A[1]} {B[0]},{B[1]}"
BACK = f"{B[0]},{B[1]} {A[0]},{A[1]}"

EDGES = f"""
<edge id=":j2_0" function="internal">
  <lane id=":j2_0_0" index="0" speed="5" length="3" shape="{B[0]},{B[1]} {B[0] + 1},{B[1]}"/>
</edge>
<edge id="ab" from="j1" to="j2" priority="-1" name="강남대로" type="highway.primary">
  <lane id="ab_0" index="0" speed="13.89" length="99.0" shape="{LOW}"/>
  <lane id="ab_1" index="1" speed="16.67" length="101.0" shape="{HIGH}"/>
  <lane id="ab_2" index="2" allow="pedestrian" speed="30" length="500" shape="{MID}"/>
</edge>
<edge id="ba_walk" from="j2" to="j1" priority="-1">
  <lane id="ba_walk_0" index="0" disallow="all" speed="2" length="100" shape="{BACK}"/>
</edge>
<junction id="j1" type="dead_end" x="{A[0]}" y="{A[1]}" incLanes="" intLanes=""/>
<junction id="j2" type="priority" x="{B[0]}" y="{B[1]}" incLanes="ab_0" intLanes=":j2_0_0"/>
<junction id=":j2_0_0" type="internal" x="{B[0]}" y="{B[1]}" incLanes="" intLanes=""/>
"""


def _write(tmp_path: Path, text: str, name: str = "tiny.net.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def sumo(road_networks: dict[str, RoadNetwork]) -> RoadNetwork:
    return road_networks[SUMO_FILE]


def test_real_net_keeps_every_normal_edge_and_junction(sumo: RoadNetwork) -> None:
    # The file has 1,170 edges and 414 junctions besides SUMO's internal ones; all are
    # car roads, so nothing else is dropped.
    assert sumo.kind == "sumo"
    assert not sumo.synthetic
    assert sumo.edge_count == 1170
    assert sumo.node_count == 414
    assert not any(str(n).startswith(":") for n in sumo.graph.nodes)
    ids = {d["source_id"] for _, _, d in sumo.graph.edges(data=True)}
    assert len(ids) == 1170
    assert not any(i.startswith(":") for i in ids)
    # 표준노드링크 ids: 121 서초구, 122 강남구, 123 송파구.
    assert {i[:3] for i in ids} == {"121", "122", "123"}


def test_real_net_lies_inside_its_documented_boundary(sumo: RoadNetwork) -> None:
    # origBoundary: lon 127.014279–127.082730, lat 37.482803–37.534434.
    for lat, lon in (sumo.latlon(n) for n in sumo.graph.nodes):
        assert 37.4828 - 1e-4 <= lat <= 37.5344 + 1e-4
        assert 127.0143 - 1e-4 <= lon <= 127.0827 + 1e-4
    for _, _, geometry in sumo.graph.edges(data="geometry"):
        assert all(37.48 < lat < 37.54 and 127.01 < lon < 127.09 for lat, lon in geometry)


def test_real_net_edges_run_from_junction_to_junction(sumo: RoadNetwork) -> None:
    for u, v, d in sumo.graph.edges(data=True):
        assert d["geometry"][0] == sumo.latlon(u)
        assert d["geometry"][-1] == sumo.latlon(v)
        assert d["length_m"] > 0
        assert 5 <= d["speed_kmh"] <= 120
        assert d["speed_from"] == "sumo"


def test_sumo_edge_takes_car_lanes_only(tmp_path: Path) -> None:
    net = load_network(_write(tmp_path, _net(EDGES)))
    assert sorted(net.graph.nodes) == ["j1", "j2"]
    assert net.edge_count == 1  # internal and pedestrian-only edges are skipped
    (u, v, d) = next(iter(net.graph.edges(data=True)))
    assert (u, v) == ("j1", "j2")
    assert d["length_m"] == pytest.approx(100.0)  # mean of the two car lanes
    assert d["speed_kmh"] == pytest.approx(16.67 * 3.6)  # the fastest car lane
    assert d["lanes"] == 2
    assert d["name"] == "강남대로"
    assert d["highway"] == "primary"
    assert d["source_id"] == "ab"
    assert d["travel_time_s"] == pytest.approx(100.0 / 16.67)
    assert haversine_m(*net.latlon("j1"), 37.5, 127.03) < 0.001
    assert haversine_m(*net.latlon("j2"), 37.5, 127.0311) < 0.001
    assert d["geometry"][0] == net.latlon("j1")
    assert d["geometry"][-1] == net.latlon("j2")
    assert net.name == "tiny"
    assert net.source == tmp_path / "tiny.net.xml"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (_net(EDGES, location=""), "no <location> element"),
        (
            _net(
                EDGES,
                location=LOCATION.replace("+proj=utm +zone=52 +ellps=WGS84 +datum=WGS84", "!"),
            ),
            "no geo-reference",
        ),
        (_net(EDGES.replace('to="j2"', 'to="j9"')), "refers to junction 'j9'"),
        (_net(EDGES.replace(' x="', ' xx="', 1)), "lacks the 'x' attribute"),
        (_net(EDGES.replace('speed="13.89"', 'speed="fast"')), "speed='fast' is not a number"),
        (_net(""), "no drivable roads"),
        ('<?xml version="1.0"?>\n<osm version="0.6"></osm>\n', "root element is <osm>"),
    ],
)
def test_unusable_sumo_files_name_the_file_and_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RoadDataError, match=reason) as info:
        load_network(path)
    assert str(path) in str(info.value)


def test_malformed_sumo_xml_reports_its_line(tmp_path: Path) -> None:
    text = _net(EDGES).replace('<junction id="j2"', '<junction id="j2" <oops')
    path = _write(tmp_path, text)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "<oops" in row)
    with pytest.raises(RoadDataError, match="malformed XML") as info:
        load_network(path)
    assert info.value.line == line
    assert f"{path}, line {line}:" in str(info.value)


def test_real_net_is_mostly_strongly_connected(sumo: RoadNetwork) -> None:
    main = sumo.largest_strongly_connected()
    assert nx.is_strongly_connected(main.graph)
    assert main.node_count >= 0.9 * sumo.node_count
