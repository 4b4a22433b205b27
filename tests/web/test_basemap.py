"""The offline basemap in a real browser: streets drawn with every outside request refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from playwright.async_api import BrowserContext, Route

from safenet.roads.basemap import build_basemap
from safenet.web.assets import DEFAULT_LEAFLET_DIR, STATIC_DIR
from tests.web.browser import PHONE, overflow, ready, shoot, watch_errors
from tests.web.stack import DATA_DIR

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/vendor/leaflet/leaflet.css">
<style>html, body, #map { margin: 0; height: 100%; background: #0b1220; }</style>
</head><body><div id="map"></div>
<script type="module">
  import { createMap } from '/static/lib/map.js';
  import { addBasemap } from '/static/lib/basemap.js';
  const map = createMap(document.getElementById('map'), {
    tiles: { url: '' }, map: { center: [37.5663, 126.9779], zoom: 14 },
  });
  const onError = (e) => { window.basemapError = String((e && e.stack) || e); };
  window.basemap = await addBasemap(map, { url: '/basemap/index.json', onError });
  window.map = map;
  document.body.dataset.ready = '1';
</script></body></html>
"""


class _Files(SimpleHTTPRequestHandler):
    """The page, the console's static files, Leaflet and the basemap, from their folders."""

    roots: ClassVar[dict[str, Path]] = {}

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0]
        for prefix, root in self.roots.items():
            if clean.startswith(prefix):
                return str(root / clean[len(prefix) :])
        return str(Path("/nonexistent"))

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def guess_type(self, path: Any) -> str:
        return "text/javascript" if str(path).endswith(".js") else super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    index = build_basemap(DATA_DIR, tmp_path_factory.mktemp("var"))
    roots = {
        "/static/": STATIC_DIR,
        "/vendor/leaflet/": DEFAULT_LEAFLET_DIR,
        "/basemap/": index.parent,
    }
    handler = type("Files", (_Files,), {"roots": roots})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def _offline(context: BrowserContext, base: str) -> list[str]:
    refused: list[str] = []

    async def gate(route: Route) -> None:
        if route.request.url.startswith(base):
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort()

    await context.route("**/*", gate)
    return refused


async def test_streets_show_with_no_network_and_names_appear_close_in(
    browser: BrowserContext, site: str
) -> None:
    refused = await _offline(browser, site)
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.goto(site + "/")
    await ready(page)
    problem = await page.evaluate("() => window.basemapError || null")
    assert problem is None
    streets = await page.evaluate("() => window.basemap && window.basemap.streetCount()")
    assert streets > 500  # central Seoul at zoom 14: thousands of street lines
    assert await page.locator("path.street-major").count() > 10
    assert await page.locator(".basemap-label").count() == 0  # no names at district zoom
    await page.evaluate(
        "() => new Promise((done) => {"
        " map.once('moveend', done); map.setView([37.5663, 126.9779], 17); })"
    )
    await page.wait_for_function("() => document.querySelectorAll('.basemap-label').length > 0")
    labels = await page.locator(".basemap-label").all_text_contents()
    assert "세종대로" in labels
    attribution = await page.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap" in attribution
    await shoot(page, "basemap-offline-z17")
    assert refused == []  # nothing even tried to leave the machine
    assert errors == []


async def test_the_basemap_fits_a_phone(browser: BrowserContext, site: str) -> None:
    await _offline(browser, site)
    page = await browser.new_page()
    await page.set_viewport_size(PHONE)
    errors = watch_errors(page)
    await page.goto(site + "/")
    await ready(page)
    assert await page.evaluate("() => window.basemap.streetCount()") > 100
    widths = await overflow(page)
    assert widths["scroll"] <= widths["inner"]
    await shoot(page, "basemap-offline-390")
    assert errors == []
