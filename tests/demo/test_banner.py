"""The demo's start-up caveats: one plain sentence each, saying what the data means."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from safenet.demo.banner import caveats
from safenet.sim.city import City

UNSTATED = "unstated: the source repository has no licence and does not say where it came from"


def _district(name: str, network: Any, coverage: float, sites: int, cameras: int) -> Any:
    return SimpleNamespace(
        name=name,
        synthetic_sites=False,
        camera_source=f"seoul_2018_cctv_standard.csv: {sites} sites, data as of 2018-02-20",
        network=network,
        coverage=coverage,
        sites=sites,
        cameras=[object()] * cameras,
    )


def _city(*districts: Any) -> City:
    return cast(
        City,
        SimpleNamespace(
            synthetic=False,
            notices=[],
            districts={d.name: d for d in districts},
            settings=SimpleNamespace(coverage_radius_m=150.0),
        ),
    )


def test_each_caveat_says_what_it_means_for_the_demo() -> None:
    nodelink = SimpleNamespace(
        synthetic=False, source=Path("nodelink.net.xml"), name="nodelink", licence=UNSTATED
    )
    grid = SimpleNamespace(synthetic=True, source=None, name="grid", licence=None)
    lines = caveats(
        _city(
            _district("서초구", nodelink, 0.0637, 895, 41),
            _district("강남구", nodelink, 0.661, 1879, 150),
            _district("은평구", grid, 1.0, 956, 150),
        )
    )
    assert lines == [
        "The camera sites are real places from 행정안전부's 전국CCTV표준데이터 "
        "(공공데이터포털: seoul_2018_cctv_standard.csv); every car, plate and read on them "
        "is simulated, so no real vehicle appears in the demo.",
        "The roads of 서초구, 강남구 (nodelink.net.xml) come without a stated licence or "
        "origin; the demo only routes its simulated cars on them, so check their terms "
        "before using them for anything else.",
        "Where real road data is missing (은평구), routes run on a generated graph of "
        "straight lines between camera sites, so travel times and directions there are rough.",
        "Only 6.4% of 서초구's 895 camera sites lie within 150 m of the roads in this data, "
        "so only those can read plates; the demo reads at 41 of them.",
        "66.1% of 강남구's 1,879 camera sites lie within 150 m of the roads in this data, "
        "so only those can read plates; the demo reads at 150 of them.",
    ]


def test_a_licensed_road_file_is_named_with_its_licence() -> None:
    osm = SimpleNamespace(synthetic=False, source=Path("seoul.graphml"), name="x", licence="ODbL")
    lines = caveats(_city(_district("은평구", osm, 1.0, 956, 150)))
    assert "The roads of 은평구 are seoul.graphml (licence: ODbL)." in lines
    assert not any("generated graph" in line for line in lines)
