"""The offline basemap: every real network as compact street GeoJSON per zoom band."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safenet.roads.basemap import BANDS, build_basemap, ensure_basemap, road_class
from tests.roads.conftest import GRAPHML_FILE, ROAD_FILES


@pytest.fixture(scope="module")
def basemap(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_basemap(data_dir, tmp_path_factory.mktemp("var"))


def test_the_index_lists_every_network_with_its_bands_and_licence(basemap: Path) -> None:
    index = json.loads(basemap.read_text(encoding="utf-8"))
    assert [n["source"] for n in index["networks"]] == sorted(ROAD_FILES)
    for network in index["networks"]:
        assert network["licence"]
        west, south, east, north = network["bbox"]
        assert 126.9 < west < east < 127.2
        assert 37.4 < south < north < 37.6
        assert [b["name"] for b in network["bands"]] == [b.name for b in BANDS]
        for band in network["bands"]:
            assert (basemap.parent / band["file"]).is_file()


def test_streets_are_named_lines_with_a_class_and_thin_out_at_low_zoom(basemap: Path) -> None:
    index = json.loads(basemap.read_text(encoding="utf-8"))
    central = next(n for n in index["networks"] if n["source"] == GRAPHML_FILE)
    files = {b["name"]: basemap.parent / b["file"] for b in central["bands"]}
    city = json.loads(files["city"].read_text(encoding="utf-8"))
    street = json.loads(files["street"].read_text(encoding="utf-8"))
    assert {f["properties"]["class"] for f in city["features"]} <= {"highway", "major"}
    assert len(street["features"]) > 5 * len(city["features"])
    names = {f["properties"].get("name") for f in street["features"]}
    assert "세종대로" in names
    for feature in street["features"]:
        assert feature["geometry"]["type"] == "LineString"
        assert len(feature["geometry"]["coordinates"]) >= 2
    points = lambda c: sum(len(f["geometry"]["coordinates"]) for f in c["features"])  # noqa: E731
    assert points(city) < points(street)


def test_both_directions_of_a_street_are_one_line(basemap: Path) -> None:
    index = json.loads(basemap.read_text(encoding="utf-8"))
    for network in index["networks"]:
        street = next(b for b in network["bands"] if b["name"] == "street")
        assert street["features"] > 0
    sumo = next(n for n in index["networks"] if n["source"].endswith(".net.xml"))
    street = next(b for b in sumo["bands"] if b["name"] == "street")
    assert street["features"] < 1170 * 0.7  # 1,170 directed edges


def test_an_up_to_date_basemap_is_left_alone(data_dir: Path, basemap: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in basemap.parent.glob("*.geojson")}
    again = build_basemap(data_dir, basemap.parent.parent)
    after = {p.name: p.stat().st_mtime_ns for p in again.parent.glob("*.geojson")}
    assert before == after


def test_no_road_data_means_no_basemap(tmp_path: Path) -> None:
    assert ensure_basemap(tmp_path, tmp_path) is None


@pytest.mark.parametrize(
    ("highway", "speed", "expected"),
    [
        ("trunk", 80.0, "highway"),
        ("primary_link", 40.0, "major"),
        ("residential", 30.0, "street"),
        ("service", 20.0, "service"),
        ("unknown", 60.0, "major"),
        ("unknown", 30.0, "street"),
    ],
)
def test_road_classes(highway: str, speed: float, expected: str) -> None:
    assert road_class(highway, speed) == expected


def test_an_unstated_licence_has_a_code_the_consoles_word(basemap: Path) -> None:
    index = json.loads(basemap.read_text(encoding="utf-8"))
    codes = {n["source"]: n["licence_code"] for n in index["networks"]}
    sumo = next(source for source in codes if source.endswith(".net.xml"))
    assert codes[sumo] == "unstated"
    # A stated licence (ODbL, © OpenStreetMap contributors) is shown as it is: no code.
    assert codes[GRAPHML_FILE] is None


def test_licence_codes() -> None:
    from safenet.roads.network import OSM_LICENCE, licence_code
    from safenet.roads.sumo import SUMO_LICENCE

    assert licence_code(SUMO_LICENCE) == "unstated"
    assert licence_code("Unstated (no licence file)") == "unstated"
    assert licence_code(OSM_LICENCE) is None
    assert licence_code(None) is None


def test_an_index_built_before_licence_codes_gets_them_on_the_next_build(
    data_dir: Path, basemap: Path
) -> None:
    index = json.loads(basemap.read_text(encoding="utf-8"))
    for network in index["networks"]:
        network.pop("licence_code")
    basemap.write_text(json.dumps(index), encoding="utf-8")
    again = json.loads(build_basemap(data_dir, basemap.parent.parent).read_text())
    assert all("licence_code" in n for n in again["networks"])
