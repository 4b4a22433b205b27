"""Loading every file in the data folder, choosing the format by name, and the speed rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from safenet.roads import (
    DEFAULT_SPEED_KMH,
    RoadDataError,
    load_network,
    load_networks,
    parse_maxspeed,
)
from tests.roads.conftest import DONGJAK_FILE, ROAD_FILES


def test_every_file_in_the_roads_folder_loads(data_dir: Path) -> None:
    networks = load_networks(data_dir)
    assert [n.source.name for n in networks if n.source] == sorted(ROAD_FILES)
    assert {n.kind for n in networks} == {"sumo", "osm", "graphml"}
    assert not any(n.synthetic for n in networks)
    for net in networks:
        assert net.licence
        assert net.node_count > 100
        assert net.edge_count > 400


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("roads.txt", r"unknown road file extension \.txt; expected one of \.net\.xml"),
        ("seoul.osm.pbf", "OSM PBF is not supported"),
        ("gangnam.xml", r"name a SUMO network \*\.net\.xml"),
        ("noext", r"extension \(none\)"),
    ],
)
def test_unknown_extensions_are_refused_by_name(tmp_path: Path, name: str, reason: str) -> None:
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    with pytest.raises(RoadDataError, match=reason) as info:
        load_network(path)
    assert str(path) in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RoadDataError, match="does not exist") as info:
        load_network(tmp_path / "gone.osm")
    assert "gone.osm" in str(info.value)


def test_missing_or_empty_roads_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RoadDataError, match="road data folder not found"):
        load_networks(tmp_path)
    (tmp_path / "roads").mkdir()
    (tmp_path / "roads" / "README.md").write_text("notes", encoding="utf-8")
    with pytest.raises(RoadDataError, match="no road network files"):
        load_networks(tmp_path)


def test_other_files_beside_the_networks_are_passed_over(tmp_path: Path, data_dir: Path) -> None:
    roads = tmp_path / "roads"
    roads.mkdir()
    (roads / DONGJAK_FILE).symlink_to(data_dir / "roads" / DONGJAK_FILE)  # read in place
    (roads / "README.md").write_text("notes", encoding="utf-8")
    (roads / ".hidden.osm").write_text("not xml", encoding="utf-8")
    assert [n.name for n in load_networks(tmp_path)] == ["seoul_dongjak_heukseok_osm"]


def test_empty_file_is_malformed_xml(tmp_path: Path) -> None:
    path = tmp_path / "empty.osm"
    path.write_text("", encoding="utf-8")
    with pytest.raises(RoadDataError, match="malformed XML") as info:
        load_network(path)
    assert info.value.line == 1


@pytest.mark.parametrize(
    ("value", "kmh"),
    [
        ("50", 50.0),
        ("30 mph", 30 * 1.609344),
        ("50;60", 55.0),
        ("['50', '60']", 55.0),
        ("KR:urban", 50.0),
        ("none", None),
        ("signals", None),
        ("", None),
        (None, None),
        ("2", None),
        ("300", None),
    ],
)
def test_maxspeed_values(value: str | None, kmh: float | None) -> None:
    assert parse_maxspeed(value) == (pytest.approx(kmh) if kmh is not None else None)


def test_default_speeds_are_plausible() -> None:
    assert all(5 <= v <= 120 for v in DEFAULT_SPEED_KMH.values())
    assert DEFAULT_SPEED_KMH["residential"] == 30.0
    assert DEFAULT_SPEED_KMH["primary"] == 50.0
