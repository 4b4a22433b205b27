"""The simulated city: real cameras on real roads where they exist, a flagged stand-in elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safenet.cctv import parse_lpr_json
from safenet.roads import haversine_m
from safenet.sim import City, CitySettings, DistrictSpec, build_city
from safenet.tracking import heading_from_text
from tests.sim.simdata import default_simulation


@pytest.fixture(scope="module")
def city(data_dir: Path) -> City:
    return default_simulation(data_dir).city


def test_the_three_demo_centers_with_their_data_sources(city: City) -> None:
    assert list(city.districts) == ["seocho", "gangnam", "eunpyeong"]
    seocho, gangnam, eunpyeong = city.districts.values()
    assert seocho.camera_source.startswith("seoul_2018_cctv_standard.csv: 895 sites")
    # The 2019 강남구 file is newer and longer than the 강남구 rows of the 2018 Seoul file.
    assert gangnam.camera_source.startswith("seoul_gangnam_2019_cctv_standard.csv: 1,879 sites")
    assert "preferred over: seoul_2018_cctv_standard.csv has 1,334" in gangnam.camera_source
    assert eunpyeong.camera_source.startswith("seoul_2018_cctv_standard.csv: 956 sites")
    assert not city.synthetic


def test_seocho_and_gangnam_share_the_real_sumo_net_and_eunpyeong_is_synthetic(city: City) -> None:
    seocho, gangnam, eunpyeong = city.districts.values()
    assert seocho.network is gangnam.network
    net = gangnam.network
    assert net.kind == "sumo"
    assert not net.synthetic
    assert net.source is not None
    assert net.source.name == "gangnam_seocho_nodelink.net.xml"
    assert eunpyeong.network.synthetic
    assert eunpyeong.network is not net
    assert "no road data for 은평구" in (eunpyeong.network.notice or "")
    summary = city.summary()
    assert (
        "SYNTHETIC: no road data for 은평구: a straight-line graph between camera sites" in summary
    )
    assert "real (sumo): gangnam_seocho_nodelink.net.xml; licence: unstated" in summary


def test_coverage_is_measured_and_reported(city: City) -> None:
    seocho, gangnam, eunpyeong = city.districts.values()
    # The SUMO net has only 강남대로 on the 서초구 side: a small share of its cameras.
    assert (seocho.near_road, seocho.sites) == (57, 895)
    assert (gangnam.near_road, gangnam.sites) == (1242, 1879)
    assert 0.6 < gangnam.coverage < 0.7
    assert "57 of 895 sites (6.4%) within 150 m of its roads" in city.summary()
    assert "every camera site is a node of the synthetic graph" in city.summary()
    assert eunpyeong.sites == 956


def test_lpr_cameras_are_capped_near_roads_and_prefer_traffic_purposes(city: City) -> None:
    for district in city.districts.values():
        assert 10 <= len(district.cameras) <= 150
        ids = [c.camera_id for c in district.cameras]
        assert len(set(ids)) == len(ids)
        for camera in district.cameras:
            assert camera.district == district.site
            assert camera.road_distance_m <= 150.0
            d = haversine_m(camera.lat, camera.lon, camera.watch_lat, camera.watch_lon)
            assert abs(d - camera.road_distance_m) < 1.0
            assert 0.0 <= camera.heading < 360.0
            if heading_from_text(camera.view_direction or "") is None:
                assert camera.heading_from == "road"
    gangnam = city.districts["gangnam"]
    # 강남구 has 283 교통단속 sites, so the 150 picked are all traffic cameras.
    assert {c.purpose for c in gangnam.cameras} == {"교통단속"}
    assert len(gangnam.cameras) == 150


def test_camera_choice_is_deterministic_per_seed(data_dir: Path, city: City) -> None:
    again = build_city(data_dir, CitySettings(seed=city.settings.seed))
    other = build_city(data_dir, CitySettings(seed=city.settings.seed + 1))
    ids = [c.camera_id for c in city.districts["eunpyeong"].cameras]
    assert [c.camera_id for c in again.districts["eunpyeong"].cameras] == ids
    assert [c.camera_id for c in other.districts["eunpyeong"].cameras] != ids


def test_road_nodes_are_assigned_to_districts_by_their_boundaries(city: City) -> None:
    seocho, gangnam, _ = city.districts.values()
    # The SUMO net's 서초구 junctions carry 표준노드링크 prefix 121, 강남구 ones 122.
    assert seocho.nodes
    assert all(str(n).startswith("121") for n in seocho.nodes)
    assert sum(1 for n in gangnam.nodes if str(n).startswith("122")) / len(gangnam.nodes) > 0.9


def test_lpr_rows_are_a_valid_center_camera_list(city: City) -> None:
    rows = city.districts["seocho"].lpr_rows()
    result = parse_lpr_json(json.dumps(rows, ensure_ascii=False))
    assert not result.skipped
    assert [c.camera_id for c in result.cameras] == [r["camera_id"] for r in rows]


def test_with_no_data_the_city_is_synthetic_and_says_so() -> None:
    city = build_city(None)
    summary = city.summary()
    assert city.synthetic
    assert summary.startswith("no data folder: a fully SYNTHETIC city")
    seocho, gangnam, eunpyeong = city.districts.values()
    assert seocho.network is gangnam.network  # neighbours share one graph: vehicles can cross
    assert eunpyeong.network is not seocho.network
    for district in city.districts.values():
        assert district.synthetic_sites
        assert district.network.synthetic
        assert district.cameras
        assert district.nodes
        assert all(c.camera_id.startswith(f"syn-{district.site}-") for c in district.cameras)
    assert summary.count("SYNTHETIC sites: generated on a grid, not real cameras") == 3


def test_other_districts_pick_their_own_network_or_get_generated_sites(data_dir: Path) -> None:
    districts = (
        DistrictSpec("junggu", "중구", (37.5638, 126.9975)),  # spelled "서울특별시 중구"
        DistrictSpec("mapo", "마포구", (37.5663, 126.9019)),  # every row has placeholder lat/lon
    )
    city = build_city(data_dir, CitySettings(districts=districts, max_cameras=20))
    junggu, mapo = city.districts["junggu"], city.districts["mapo"]
    assert junggu.network.kind == "graphml"  # the central-Seoul OSM graph
    assert not junggu.synthetic_sites
    assert len(junggu.cameras) == 20
    assert "1 site(s) more than 10 km from the district's middle left out" in city.summary()
    assert mapo.synthetic_sites
    assert mapo.network.synthetic
    assert "no camera rows for 마포구" in city.summary()


def test_agency_spellings_are_recognised() -> None:
    spec = DistrictSpec("seocho", "서초구", (37.48, 127.03))
    for agency in ("서울특별시 서초구청", "서초구청", "서울특별시 서초구", " 서울 서초구청 "):
        assert spec.manages(agency), agency
    for agency in ("서울특별시 강남구청", "서초구청 교통과", "부산광역시 서구"):
        assert not spec.manages(agency), agency
