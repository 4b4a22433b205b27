"""The consoles' server side: pages, Leaflet, settings, district outlines, refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from safenet.web import ConsoleSetupError, WebSettings
from safenet.web.assets import PAGES_DIR, STATIC_DIR
from safenet.web.boundaries import Boundaries
from safenet.web.geometry import polygon_contains, simplify_ring
from safenet.web.mount import mount_console

SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]


def _districts(folder: Path) -> Path:
    """Three made-up districts: two share a name in different provinces."""

    def feature(code: str, sido: str, sigungu: str, x: float) -> dict[str, object]:
        ring = [[x, 37.0], [x + 0.1, 37.0], [x + 0.1, 37.1], [x, 37.1], [x, 37.0]]
        return {
            "type": "Feature",
            "properties": {"code": code, "sido": sido, "sigungu": sigungu},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    path = folder / "districts.geojson"
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature("11140", "서울특별시", "중구", 127.0),
            feature("26110", "부산광역시", "중구", 127.2),
            feature("11650", "서울특별시", "서초구", 127.4),
        ],
    }
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def _app(tmp_path: Path, **web: object) -> FastAPI:
    app = FastAPI()
    settings = WebSettings(boundary_file=str(_districts(tmp_path)), **web)  # type: ignore[arg-type]
    mount_console(
        app,
        side="center",
        site="seocho",
        pages={"": "center-queue.html", "health": "center-health.html"},
        points=lambda: [(37.05, 127.45)],
        web=settings,
        data_dir=tmp_path,
        prefix="/console",
    )
    return app


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://center")


def test_a_ring_keeps_its_shape_and_closes() -> None:
    wobbly = [[x / 100, 0.000001 * (x % 2)] for x in range(101)]
    ring = [*wobbly, [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    simple = simplify_ring(ring, 50.0)
    assert simple is not None
    assert simple[0] == simple[-1]
    assert len(simple) < 10
    assert polygon_contains([simple], 0.5, 0.5)
    assert not polygon_contains([SQUARE], 1.5, 0.5)


def test_districts_are_chosen_by_name_code_or_the_cameras_inside(tmp_path: Path) -> None:
    source = Boundaries(_districts(tmp_path), 10.0)
    both = source.select(["중구"], [])
    assert {d.code for d in both.districts} == {"11140", "26110"}
    one = source.select(["부산광역시 중구", "11650", "없는구"], [])
    assert {d.code for d in one.districts} == {"26110", "11650"}
    assert one.unknown == ("없는구",)
    by_camera = source.select([], [(37.05, 127.05), (37.05, 127.06)])
    assert [d.sigungu for d in by_camera.districts] == ["중구"]
    assert by_camera.source == "cameras"
    everything = source.select([], [])
    assert everything.source == "everything"
    assert len(everything.districts) == 3


def test_a_missing_boundary_file_leaves_the_map_without_outlines(tmp_path: Path) -> None:
    selection = Boundaries(tmp_path / "nowhere.geojson", 10.0).select([], [])
    body = selection.geojson()
    assert body["features"] == []
    assert "web.boundary_file" in body["problem"]


async def test_pages_config_and_outlines_are_served(tmp_path: Path) -> None:
    app = _app(tmp_path, tile_url="https://{s}.tiles.police.example/{z}/{x}/{y}.png")
    async with _client(app) as client:
        page = await client.get("/console/")
        assert page.status_code == 200
        assert 'src="/console/static/center/queue.js"' in page.text
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "https://*.tiles.police.example" in policy
        assert page.headers["cache-control"] == "no-store"
        assert (await client.get("/console/health")).status_code == 200
        assert (await client.get("/console", follow_redirects=False)).status_code == 307
        config = (await client.get("/console/config.json")).json()
        assert config["side"] == "center"
        assert config["site"] == "seocho"
        assert config["pages"] == {"home": "/console/", "health": "/console/health"}
        assert "safenet center token" in config["token_command"]
        outlines = (await client.get("/console/boundaries.geojson")).json()
        assert [f["properties"]["sigungu"] for f in outlines["features"]] == ["서초구"]
        leaflet = await client.get("/console/vendor/leaflet/leaflet-src.esm.js")
        assert leaflet.status_code == 200
        assert "Leaflet" in leaflet.text[:2000]
        script = await client.get("/console/static/lib/sse.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith(
            ("text/javascript", "application/javascript")
        )


def test_without_leaflet_the_console_refuses_to_mount_and_says_what_to_run(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConsoleSetupError, match="npm ci --prefix src/safenet/web"):
        _app(tmp_path, leaflet_dir=str(tmp_path / "no-leaflet"))


async def test_every_pages_stylesheets_are_served_and_stay_small(tmp_path: Path) -> None:
    app = _app(tmp_path)
    linked: set[str] = set()
    for page in sorted(PAGES_DIR.glob("*.html")):
        hrefs = re.findall(r'href="\{\{prefix\}\}/static/([^"]+\.css)"', page.read_text("utf-8"))
        assert hrefs, f"{page.name}: links no console stylesheet"
        assert hrefs[-1] == "phone.css", f"{page.name}: phone.css must come last (it overrides)"
        linked.update(hrefs)
    async with _client(app) as client:
        for name in sorted(linked):
            sheet = await client.get(f"/console/static/{name}")
            assert sheet.status_code == 200, name
            assert sheet.headers["content-type"].startswith("text/css"), name
    for sheet_path in STATIC_DIR.glob("*.css"):
        lines = sheet_path.read_text("utf-8").count("\n")
        assert lines <= 600, f"{sheet_path.name}: {lines} lines; split it by concern"
        assert sheet_path.name in linked, f"{sheet_path.name} is linked from no page"
