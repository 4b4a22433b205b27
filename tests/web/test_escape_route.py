"""The escape route on the police console, in a real browser, over the real Gangnam roads.

A wanted car drives 테헤란로 east from 강남역 past 역삼 and 선릉 towards 삼성역 (cameras
of the Gangnam center, all on the SUMO road net). With every request beyond the
installation refused, the map shows streets; the card's direction is the track's
arrow and says it came along the roads; the reach area and the ranked cameras appear
and move with the next hit; a 390 px phone shows it all without sideways scrolling.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, Route

from safenet.link.camera_store import record
from safenet.link.cameras import registry_messages
from safenet.link.messages import CameraAnnouncement, Coordinates
from tests.web.browser import PHONE, overflow, ready, shoot, watch_errors
from tests.web.catalogue import Catalogue
from tests.web.stack import CAMERAS, DISPATCHER, Stack, operator, read, running_stack

pytestmark = pytest.mark.browser

TEHERAN = [
    {"camera_id": "GN-01", "lat": 37.4979, "lon": 127.0276, "heading": 0, "name": "강남역"},
    {"camera_id": "GN-11", "lat": 37.5009, "lon": 127.0366, "heading": 90, "name": "역삼역"},
    {"camera_id": "GN-12", "lat": 37.5045, "lon": 127.0490, "heading": 90, "name": "선릉역"},
    {"camera_id": "GN-13", "lat": 37.5066, "lon": 127.0537, "heading": 90, "name": "선릉역 동측"},
    {"camera_id": "GN-02", "lat": 37.5087, "lon": 127.0632, "heading": 90, "name": "삼성역"},
]
COMPASS_KO = ["북", "북동", "동", "남동", "남", "남서", "서", "북서"]


def compass_ko(bearing: float) -> str:
    return COMPASS_KO[round((bearing % 360) / 45) % 8]


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    cameras = {**CAMERAS, "gangnam": TEHERAN}
    async with running_stack(tmp_path, ("gangnam",), roads=True, cameras=cameras) as running:
        _announce(running, "gangnam", TEHERAN)
        yield running


def _announce(stack: Stack, site: str, cameras: list[dict[str, Any]]) -> None:
    """The center's camera registry as the police hold it (what CameraRegistry carries)."""
    announced = [
        CameraAnnouncement(
            camera_id=c["camera_id"],
            coordinates=Coordinates(lat=c["lat"], lon=c["lon"]),
            heading=float(c["heading"]),
            address=c["name"],
        )
        for c in cameras
    ]
    now = datetime.now(UTC)
    with stack.police.db.begin() as conn:
        for message in registry_messages(site, 1, announced, now):
            record(conn, message, now)
    with stack.police.db.read() as conn:
        stack.police.escape.reload(conn)


async def _offline(context: BrowserContext) -> list[str]:
    refused: list[str] = []

    async def gate(route: Route) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort()

    await context.route("**/*", gate)
    return refused


async def _console(stack: Stack, browser: BrowserContext) -> tuple[Page, list[str], list[str]]:
    refused = await _offline(browser)
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.goto(stack.police_console(DISPATCHER))
    await ready(page)
    await page.wait_for_selector("#conn[data-state='open']")
    return page, errors, refused


async def _drive(
    stack: Stack, page: Page, hits: list[tuple[str, str, float]], plate: str = "12가3456"
) -> None:
    """Post reads one by one, each once its hit's card and track are on the console."""
    for read_id, camera, ago_s in hits:
        before = await page.locator(".alert-card[data-level='exact']").count()
        await stack.post_reads("gangnam", [read(read_id, plate, camera, ago_s=ago_s)])
        await page.wait_for_function(
            "(n) => document.querySelectorAll(\".alert-card[data-level='exact']\").length > n",
            arg=before,
            timeout=8000,
        )
        await page.locator(".hit-marker.latest").first.wait_for(state="attached", timeout=8000)


async def _latest_card(page: Page) -> Any:
    card = page.locator(".alert-card[data-level='exact']").first
    await card.locator(".route-panel").wait_for(state="visible", timeout=8000)
    return card


async def test_the_map_shows_streets_with_no_network(stack: Stack, browser: BrowserContext) -> None:
    await stack.wanted("12가3456")
    page, errors, refused = await _console(stack, browser)
    await _drive(stack, page, [("r-1", "GN-01", 300), ("r-2", "GN-11", 200)])
    await page.wait_for_function(
        "() => window.safenetBasemap && window.safenetBasemap.streetCount() > 100"
    )
    assert await page.locator("path.street").count() > 50
    assert await page.locator("path.district").count() >= 1  # outlines over the streets
    attribution = await page.locator(".leaflet-control-attribution").inner_text()
    assert "도로" in attribution  # the road data is credited
    await shoot(page, "police-live-streets-offline")
    assert refused == []
    assert errors == [], errors


async def test_the_cards_direction_is_the_tracks_arrow(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted("12가3456")
    page, errors, _ = await _console(stack, browser)
    await _drive(stack, page, [("r-1", "GN-01", 300), ("r-2", "GN-11", 200)])
    card = await _latest_card(page)
    arrow = page.locator(".latest-arrow span[data-bearing]")
    await arrow.wait_for(state="attached", timeout=8000)
    bearing = float(await arrow.get_attribute("data-bearing") or "nan")
    shown = await card.locator(".heading-compass").inner_text()
    assert shown == compass_ko(bearing)
    assert shown in {"동", "북동"}  # 테헤란로 runs east-north-east
    panel = card.locator(".route-direction")
    assert await panel.get_attribute("data-source") == "road"
    assert "도로" in await card.locator(".heading-source").inner_text()
    assert await card.locator(".route-compass").inner_text() == shown
    # The leg is drawn along the roads, not as one straight stroke.
    assert await page.locator("path.track-leg.along-roads").count() == 1
    assert await card.locator(".ago").inner_text()  # "n분 전", ticking
    assert errors == [], errors


async def test_the_reach_area_appears_and_moves_with_a_new_hit(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted("12가3456")
    page, errors, _ = await _console(stack, browser)
    await _drive(stack, page, [("r-1", "GN-01", 300), ("r-2", "GN-11", 200)])
    area = page.locator("path.reach-area").first
    await area.wait_for(state="attached", timeout=8000)
    first_origin = await area.get_attribute("data-origin")
    assert await page.locator("path.reach-area").count() >= 3  # 2, 5 and 10 minutes
    card = await _latest_card(page)
    ranked = await card.locator(".reach-item").all()
    assert ranked
    assert await ranked[0].get_attribute("data-rank") == "1"
    assert await page.locator(".reach-camera[data-rank='1']").count() == 1
    # No center has sent traffic counts here: the card says the roads ranked the list.
    model = card.locator(".route-model")
    assert await model.get_attribute("data-model") == "roads"
    assert "도로 기준" in await model.inner_text()

    await _drive(stack, page, [("r-3", "GN-12", 100)])
    await page.wait_for_function(
        "(before) => { const a = document.querySelector('path.reach-area');"
        " return a && a.dataset.origin && a.dataset.origin !== before; }",
        arg=first_origin,
        timeout=8000,
    )
    card = await _latest_card(page)
    names = await card.locator(".reach-camera-name").all_inner_texts()
    assert not any(n.endswith("GN-12") for n in names)  # not the camera it is at
    await shoot(page, "police-live-reach")
    assert errors == [], errors


async def test_a_phone_shows_the_route_without_sideways_scrolling(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted("12가3456")
    page, errors, _ = await _console(stack, browser)
    await page.set_viewport_size(PHONE)
    await _drive(stack, page, [("r-1", "GN-01", 300), ("r-2", "GN-11", 200)])
    await page.locator("#tab-alerts").click()  # on a phone the cards are the second tab
    card = await _latest_card(page)
    await card.scroll_into_view_if_needed()
    sizes = await overflow(page)
    assert sizes["scroll"] <= sizes["inner"] + 1, sizes
    box = await card.locator(".route-panel").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"] + 1
    await shoot(page, "police-live-route-390", full_page=True)
    assert errors == [], errors


async def test_choosing_a_vehicle_fades_the_others(stack: Stack, browser: BrowserContext) -> None:
    await stack.wanted("12가3456")
    await stack.wanted("34나5678", case_number="2026-강남-000777")
    page, errors, _ = await _console(stack, browser)
    await _drive(stack, page, [("r-1", "GN-01", 300)])
    await _drive(stack, page, [("r-9", "GN-02", 250)], plate="34나5678")
    await page.locator(".legend-item").nth(1).wait_for(state="visible")
    colours = await page.locator(".legend-item .swatch").evaluate_all(
        "(els) => els.map((e) => getComputedStyle(e).backgroundColor)"
    )
    assert len(set(colours)) == 2  # one colour per vehicle
    first = page.locator(".legend-item").first
    chosen = await first.get_attribute("data-entry-id")
    await first.click()
    assert await first.get_attribute("aria-pressed") == "true"
    faded = page.locator(".hit-icon.faded:has(.hit-marker)")
    assert await faded.count() >= 1
    mine = page.locator(f".hit-icon:not(.faded) .hit-marker[data-entry-id='{chosen}']")
    assert await mine.count() >= 1
    assert errors == [], errors


async def test_the_center_whose_cameras_are_ahead_sees_the_heads_up(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted("12가3456")
    page, errors, _ = await _console(stack, browser)
    await _drive(stack, page, [("r-1", "GN-01", 300), ("r-2", "GN-11", 200)])
    await stack.police.headsup.drain()
    center = await browser.new_page()
    center_errors = watch_errors(center)
    await center.goto(stack.centers["gangnam"].console(operator("gangnam")))
    await ready(center)
    card = center.locator(".headsup-card").first
    await card.wait_for(state="visible", timeout=8000)
    assert await card.locator(".plate").inner_text() == "12가3456"
    watched = await card.locator(".headsup-camera").evaluate_all(
        "(els) => els.map((e) => e.dataset.cameraId)"
    )
    assert watched
    assert "GN-11" not in watched  # not the camera the car is at
    assert "자동 종료" in await card.locator(".headsup-expires").inner_text()
    await shoot(center, "center-queue-heads-up")
    assert errors == [], errors
    assert center_errors == [], center_errors


# The reasons without their data (camera ids): what a person reads in the chosen language.
_WORDS = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
  const copy = el.cloneNode(true);
  for (const data of copy.querySelectorAll('[data-value]')) data.remove();
  return copy.textContent.trim();
})"""
HANGUL = re.compile(r"[가-힣]")
LATIN = re.compile(r"[A-Za-z]{3,}")


async def _language(page: Page, language: str) -> None:
    if await page.evaluate("() => document.documentElement.lang") != language:
        await page.locator("#lang-toggle").click()
    await page.wait_for_function("(l) => document.documentElement.lang === l", arg=language)


def _in_language(texts: list[str], language: str, where: str) -> None:
    assert texts, f"{where}: no reasons shown"
    catalogue = Catalogue.of(language)
    for text in texts:
        assert catalogue.passes(text), f"{where} [{language}]: not catalogue words: {text!r}"
        if language == "ko":
            assert HANGUL.search(text), f"{where}: not Korean: {text!r}"
            assert not LATIN.findall(text), f"{where}: English in Korean: {text!r}"
        else:
            assert not HANGUL.search(text), f"{where}: Korean in English: {text!r}"
            assert LATIN.search(text), f"{where}: not English: {text!r}"


async def test_the_route_reasons_and_credits_read_in_the_chosen_language(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted("12가3456")
    page, errors, _ = await _console(stack, browser)
    await _drive(stack, page, [("r-1", "GN-01", 300), ("r-2", "GN-11", 200)])
    await stack.police.headsup.drain()
    center = await browser.new_page()
    center_errors = watch_errors(center)
    await center.goto(stack.centers["gangnam"].console(operator("gangnam")))
    await ready(center)
    await center.locator(".headsup-card").first.wait_for(state="visible", timeout=8000)
    for width, height in ((1280, 900), (PHONE["width"], PHONE["height"])):
        for language in ("ko", "en"):
            await page.set_viewport_size({"width": width, "height": height})
            await _language(page, language)
            # The map first (on a phone its own tab): the road data's credit comes with the
            # basemap, and a source stating no licence is worded from the catalogue.
            if await page.locator("#tab-map").is_visible():
                await page.locator("#tab-map").click()
            unstated = {
                "ko": "도로: 출처·라이선스 미상 (데모용)",
                "en": "Roads: source and licence unstated (demo only)",
            }[language]
            await page.wait_for_function(
                "(t) => document.querySelector('.leaflet-control-attribution')"
                ".textContent.includes(t)",
                arg=unstated,
                timeout=8000,
            )
            credit = await page.locator(".leaflet-control-attribution").inner_text()
            assert "unstated:" not in credit  # the source's own sentence is not shown
            assert ("시군구 경계" in credit) == (language == "ko"), credit
            await shoot(page, f"police-route-credit-{language}-{width}")
            if await page.locator("#tab-alerts").is_visible():
                await page.locator("#tab-alerts").click()  # on a phone the cards are a tab
            card = await _latest_card(page)
            await card.locator(".reach-reason").first.wait_for(state="visible")
            reasons = await page.evaluate(_WORDS, ".route-panel .reach-reason")
            _in_language(reasons, language, f"police {width}px")
            road = "도로로 약" if language == "ko" else "by road"
            assert any(road in r for r in reasons), reasons
            await shoot(page, f"police-route-reasons-{language}-{width}", full_page=True)

            await center.set_viewport_size({"width": width, "height": height})
            await _language(center, language)
            await center.locator(".headsup-card .reach-reason").first.wait_for(state="visible")
            worded = await center.evaluate(_WORDS, ".headsup-card .reach-reason")
            _in_language(worded, language, f"center heads-up {width}px")
            await shoot(center, f"center-headsup-reasons-{language}-{width}", full_page=True)
    assert errors == [], errors
    assert center_errors == [], center_errors
