"""Loading the OSMnx GraphML graph of central Seoul, and GraphML it cannot use."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from safenet.roads import RoadDataError, RoadNetwork, load_network
from tests.roads.conftest import GRAPHML_FILE

HEADER = """<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="d2" for="graph" attr.name="crs" attr.type="string"/>
<key id="x" for="node" attr.name="x" attr.type="string"/>
<key id="y" for="node" attr.name="y" attr.type="string"/>
<key id="hw" for="edge" attr.name="highway" attr.type="string"/>
<key id="nm" for="edge" attr.name="name" attr.type="string"/>
<key id="ms" for="edge" attr.name="maxspeed" attr.type="string"/>
<key id="ln" for="edge" attr.name="length" attr.type="string"/>
<key id="la" for="edge" attr.name="lanes" attr.type="string"/>
<key id="os" for="edge" attr.name="osmid" attr.type="string"/>
<key id="ge" for="edge" attr.name="geometry" attr.type="string"/>
<graph edgedefault="directed"><data key="d2">{crs}</data>
"""
NODES = """<node id="101"><data key="y">37.56</data><data key="x">126.97</data></node>
<node id="102"><data key="y">37.561</data><data key="x">126.971</data></node>
<node id="corner"><data key="y">37.562</data><data key="x">126.97</data></node>
"""
EDGES = """<edge source="101" target="102" id="0">
  <data key="hw">['secondary_link', 'secondary']</data>
  <data key="nm">['동소문로', '창경궁로']</data>
  <data key="ms">['50', '60']</data>
  <data key="ln">150.5</data><data key="la">['2', '3']</data>
  <data key="os">[11, 12]</data>
  <data key="ge">LINESTRING (126.97 37.56, 126.9705 37.5606, 126.971 37.561)</data>
</edge>
<edge source="102" target="corner" id="0">
  <data key="hw">residential</data><data key="ln">140</data><data key="os">13</data>
</edge>
<edge source="corner" target="101" id="0">
  <data key="hw">living_street</data><data key="ms">KR:urban</data>
</edge>
"""


def _graphml(nodes: str = NODES, edges: str = EDGES, crs: str = "epsg:4326") -> str:
    return HEADER.format(crs=crs) + nodes + edges + "</graph></graphml>\n"


def _load(tmp_path: Path, text: str) -> RoadNetwork:
    path = tmp_path / "tiny.graphml"
    path.write_text(text, encoding="utf-8")
    return load_network(path)


@pytest.fixture
def central(road_networks: dict[str, RoadNetwork]) -> RoadNetwork:
    return road_networks[GRAPHML_FILE]


def test_real_graphml_keeps_every_node_and_edge(central: RoadNetwork) -> None:
    assert central.kind == "graphml"
    assert central.licence is not None
    assert "ODbL" in central.licence
    assert (central.node_count, central.edge_count) == (3384, 8830)
    assert all(isinstance(n, int) for n in central.graph.nodes)  # OSM ids


def test_real_graphml_lies_in_central_seoul(central: RoadNetwork) -> None:
    b = central.bbox
    # README: lon 126.950–127.007, lat 37.544–37.589.
    assert b.south >= 37.544 - 0.001
    assert b.north <= 37.589 + 0.001
    assert b.west >= 126.950 - 0.001
    assert b.east <= 127.007 + 0.001


def test_real_graphml_edges_are_typed(central: RoadNetwork) -> None:
    for u, v, d in central.graph.edges(data=True):
        assert isinstance(d["length_m"], float)
        assert d["length_m"] >= 0
        assert 5 <= d["speed_kmh"] <= 120
        assert d["geometry"][0] == pytest.approx(central.latlon(u), abs=1e-6)
        assert d["geometry"][-1] == pytest.approx(central.latlon(v), abs=1e-6)
    assert nx.is_strongly_connected(central.largest_strongly_connected().graph)


def test_osmnx_list_values_are_resolved(tmp_path: Path) -> None:
    net = _load(tmp_path, _graphml())
    d = net.graph.edges[101, 102, 0]
    assert d["speed_kmh"] == 55.0  # mean of the merged limits
    assert d["speed_from"] == "maxspeed"
    assert d["highway"] == "secondary_link"
    assert d["name"] == "동소문로 / 창경궁로"
    assert d["lanes"] == 2
    assert d["length_m"] == 150.5
    assert d["source_id"] == "way/11;way/12"
    assert d["geometry"] == [(37.56, 126.97), (37.5606, 126.9705), (37.561, 126.971)]


def test_missing_values_fall_back(tmp_path: Path) -> None:
    net = _load(tmp_path, _graphml())
    d = net.graph.edges[102, "corner", 0]
    assert d["speed_kmh"] == 30.0
    assert d["speed_from"] == "default"
    assert d["name"] is None
    assert d["geometry"] == [net.latlon(102), net.latlon("corner")]
    e = net.graph.edges["corner", 101, 0]
    assert e["speed_kmh"] == 50.0  # KR:urban
    assert e["length_m"] == pytest.approx(222.4, abs=0.5)  # from geometry: 0.002° of latitude


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (_graphml(crs="epsg:5179"), "only unprojected WGS84"),
        (
            _graphml(nodes=NODES.replace('<data key="x">126.97</data>', "", 1)),
            "x .longitude. is missing",
        ),
        (_graphml(edges=EDGES.replace("150.5", "long")), "length 'long' is not a number"),
        (_graphml(edges=EDGES.replace("LINESTRING (", "POINT (")), "not a WKT LINESTRING"),
        (_graphml(edges=""), "no drivable roads"),
    ],
)
def test_unusable_graphml_names_the_file_and_reason(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(RoadDataError, match=reason) as info:
        _load(tmp_path, text)
    assert "tiny.graphml" in str(info.value)


def test_malformed_graphml_reports_its_line(tmp_path: Path) -> None:
    text = _graphml().replace('<node id="102">', '<node id="102" <', 1)
    with pytest.raises(RoadDataError, match="malformed XML") as info:
        _load(tmp_path, text)
    expected = next(i for i, r in enumerate(text.splitlines(), start=1) if '"102" <' in r)
    assert info.value.line == expected
