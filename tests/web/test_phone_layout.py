"""The consoles on a phone (issue 18): queues and maps that work at 390 px.

- the center's candidate detail opens over the list as a sheet, Confirm/Reject in view
  without scrolling, Escape closing it; on a wide screen it sits beside the list;
- the police map fills the screen, its legend a strip that opens and closes and never
  covers the map, the alert cards one tab away;
- wide tables scroll inside their own box: the page never scrolls sideways.

Each at 390x844 and 1280x800, in Korean and in English, with screenshots.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import BrowserContext, Locator, Page

from tests.web.browser import DESKTOP, PHONE, ready, shoot, watch_errors
from tests.web.stack import APPROVER, FIELD_OFFICER, REGISTRAR, Stack, operator, read

pytestmark = pytest.mark.browser

QUEUE_SIZE = 40


async def _many_candidates(stack: Stack, n: int) -> None:
    """n wanted cars, each read once by a doubtful camera as a look-alike (8 → 6)."""
    version = 0
    for i in range(n):
        entry = await stack.police_api(
            "POST",
            "/wanted",
            REGISTRAR,
            {
                "plate": f"{11 + i}나{5008 + 10 * i}",
                "category": "missing_person",
                "case_number": f"2026-서초-{100 + i:06d}",
                "reason": "실종 아동, 보호자 차량",
                "vehicle": {"make": "현대", "model": "쏘나타", "colour": "흰색"},
            },
        )
        approved = await stack.police_api("POST", f"/wanted/{entry['entry_id']}/approve", APPROVER)
        version = int(approved["hotlist_version"])
    await stack.centers_at(version, within_s=30.0)
    await stack.post_reads(
        "seocho",
        [
            read(f"p-{i}", _misread(i), "SC-02", ago_s=600 - 10 * i, confidence=0.6)
            for i in range(n)
        ],
    )


def _misread(i: int) -> str:
    return f"{11 + i}나{5006 + 10 * i}"


async def _box(locator: Locator) -> dict[str, float]:
    box = await locator.bounding_box()
    assert box is not None, f"{locator} has no box (not displayed)"
    return box


def _in_view(box: dict[str, float], size: dict[str, int]) -> bool:
    return (
        box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def _apart(a: dict[str, float], b: dict[str, float]) -> bool:
    """The two boxes do not overlap."""
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


async def _sideways(page: Page) -> dict[str, Any]:
    widths: dict[str, Any] = await page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    return widths


async def _sheet_in_view(page: Page, item: Locator, name: str) -> None:
    """Tapping the item opens its sheet: back button focused, Confirm and Reject in view."""
    hit_id = await item.get_attribute("data-hit-id")
    await item.click()
    sheet = page.locator("#detail[data-sheet='open']")
    await sheet.wait_for(state="visible")
    assert await sheet.get_attribute("role") == "dialog"
    assert await page.evaluate("document.activeElement.id") == "sheet-close"
    for action in ("confirm", "reject"):
        box = await _box(page.locator(f"#detail [data-action='{action}']"))
        assert _in_view(box, PHONE), f"{action} at {box}, outside the 390x844 viewport"
        print(f"\n{name}: {action} at y {box['y']:.0f}..{box['y'] + box['height']:.0f} of 844")
    plate = await item.locator(".plate").inner_text()
    assert await page.locator("#sheet-title").inner_text() == plate
    await shoot(page, name)
    # Escape closes the sheet and focus goes back to the candidate it opened from.
    await page.keyboard.press("Escape")
    await sheet.wait_for(state="hidden")
    assert await page.evaluate("document.activeElement.dataset.hitId") == hit_id
    await item.click()
    await sheet.wait_for(state="visible")


async def test_a_candidate_opens_over_the_list_on_a_phone_and_beside_it_on_a_desktop(
    stack: Stack, browser: BrowserContext
) -> None:
    await _many_candidates(stack, QUEUE_SIZE)
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.set_viewport_size(PHONE)
    await page.goto(stack.centers["seocho"].console(operator("seocho")))
    await ready(page)
    items = page.locator(".queue-item")
    await items.nth(QUEUE_SIZE - 1).wait_for(state="visible", timeout=10_000)
    assert await items.count() == QUEUE_SIZE
    assert await page.locator("#detail").is_hidden()  # nothing over the list until a tap

    last = items.nth(QUEUE_SIZE - 1)
    await _sheet_in_view(page, last, "phone-queue-sheet-ko-390x844")
    assert (await page.locator("#sheet-close").inner_text()).startswith("← 목록으로")
    await page.keyboard.press("Escape")

    # English: the same sheet, its words from the catalogue.
    await page.locator("#lang-toggle").click()
    await _sheet_in_view(page, last, "phone-queue-sheet-en-390x844")
    assert "Back to the list" in await page.locator("#sheet-close").inner_text()

    # Confirming from the sheet: the reason and its send button stay in view too.
    plate = await last.locator(".plate").inner_text()
    await page.locator("#detail [data-action='confirm']").click()
    reason = page.locator("#decision-reason")
    await reason.wait_for(state="visible")
    assert _in_view(await _box(reason), PHONE)
    send = page.locator("#decision .reason-row button")
    assert _in_view(await _box(send), PHONE)
    await shoot(page, "phone-queue-confirm-en-390x844")
    await send.click()
    done = page.locator(".recent-item[data-state='confirmed']")
    await done.wait_for(state="attached", timeout=5000)
    assert await done.locator(".plate").inner_text() == plate
    await page.locator("#detail[data-sheet='closed']").wait_for(state="hidden")
    assert await items.count() == QUEUE_SIZE - 1
    assert await page.evaluate("document.activeElement.classList.contains('queue-item')")
    widths = await _sideways(page)
    assert widths["scroll"] <= widths["inner"], widths

    # A wide screen: the detail beside the list, its decision bar in view, no sheet.
    await page.set_viewport_size(DESKTOP)
    await items.first.click()
    detail = await _box(page.locator("#detail"))
    pane = await _box(page.locator(".queue-pane"))
    assert detail["x"] >= pane["x"] + pane["width"] - 1, (detail, pane)
    assert detail["y"] < pane["y"] + pane["height"]
    assert pane["y"] < detail["y"] + detail["height"]
    assert await page.locator("#detail").get_attribute("data-sheet") == "closed"
    assert await page.locator(".sheet-head").is_hidden()
    for action in ("confirm", "reject"):
        button = page.locator(f"#detail [data-action='{action}']")
        # A poll may redraw the decision bar between finding a button and measuring it.
        box = None
        for _ in range(20):
            await button.wait_for(state="visible")
            box = await button.bounding_box()
            if box is not None:
                break
        assert box is not None, f"{action}: never displayed"
        assert _in_view(box, DESKTOP)
    await shoot(page, "phone-queue-beside-en-1280x800")
    await page.locator("#lang-toggle").click()
    assert await page.locator("#detail [data-action='confirm']").inner_text() == "확인 (C)"
    await shoot(page, "phone-queue-beside-ko-1280x800")

    # The health page's table scrolls inside its box on a phone.
    await page.set_viewport_size(PHONE)
    await page.goto(stack.centers["seocho"].console(operator("seocho"), "health").split("#")[0])
    await ready(page)
    await page.locator("#rejected-table").wait_for(state="visible")
    widths = await _sideways(page)
    assert widths["scroll"] <= widths["inner"], widths
    assert not errors, errors


async def _map_fills_the_phone(page: Page, language: str) -> None:
    size = PHONE
    toggle = page.locator("#legend-toggle")
    await toggle.wait_for(state="visible")
    assert await toggle.get_attribute("aria-expanded") == "false"  # collapsed on a phone
    assert await page.locator("#legend").is_hidden()
    map_box = await _box(page.locator("#map"))
    if map_box["height"] < 0.7 * size["height"]:
        await shoot(page, f"phone-map-too-small-{language}-390x844")
    assert map_box["height"] >= 0.7 * size["height"], f"map {map_box} in {size}"
    share = map_box["height"] / size["height"]
    print(f"\nphone map ({language}): {map_box['height']:.0f} of {size['height']} px ({share:.0%})")
    assert _apart(await _box(toggle), map_box)
    await shoot(page, f"phone-map-legend-closed-{language}-390x844")
    await toggle.click()
    legend = page.locator("#legend")
    await legend.locator(".legend-item").first.wait_for(state="visible")
    assert await toggle.get_attribute("aria-expanded") == "true"
    map_box = await _box(page.locator("#map"))
    assert _apart(await _box(legend), map_box)
    assert _apart(await _box(toggle), map_box)
    await shoot(page, f"phone-map-legend-open-{language}-390x844")
    await toggle.click()
    await legend.wait_for(state="hidden")
    # The alert cards: one tab away, and back.
    await page.locator("#tab-alerts").click()
    card = page.locator(".alert-card").first
    await card.wait_for(state="visible")
    assert await page.locator("#map").is_hidden()
    count = await page.locator("#alert-count").inner_text()
    assert count != "0"
    assert await page.locator("#tab-alert-count").inner_text() == count
    await shoot(page, f"phone-map-cards-{language}-390x844")
    await card.locator(".card-locate").click()  # its hit on the map: the map tab
    await page.locator("#map").wait_for(state="visible")
    assert await page.locator("#tab-map").get_attribute("aria-selected") == "true"


async def test_the_police_map_fills_a_phone_and_tables_scroll_in_their_box(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted("12가3456")
    await stack.post_reads(
        "seocho",
        [read("m-1", "12가3456", "SC-01", ago_s=300), read("m-2", "12가3456", "SC-03", ago_s=60)],
    )
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.set_viewport_size(PHONE)
    await page.goto(stack.police_console(FIELD_OFFICER))
    await ready(page)
    await page.locator("#legend .legend-item").first.wait_for(state="attached", timeout=10_000)
    await _map_fills_the_phone(page, "ko")
    assert await page.locator("#legend-toggle").inner_text() == "범례 (차량별 경로)"
    await page.locator("#lang-toggle").click()
    assert (await page.locator("#tab-alerts").inner_text()).startswith("Alert cards")
    await _map_fills_the_phone(page, "en")
    widths = await _sideways(page)
    assert widths["scroll"] <= widths["inner"], widths

    # A wide screen: no tabs, map and cards side by side, the legend open in the corner.
    await page.set_viewport_size(DESKTOP)
    await page.reload()
    await ready(page)
    await page.locator("#legend .legend-item").first.wait_for(state="visible")
    assert await page.locator("#view-tabs").is_hidden()
    assert await page.locator("#legend-toggle").get_attribute("aria-expanded") == "true"
    map_box = await _box(page.locator("#map"))
    cards = await _box(page.locator(".alerts-pane"))
    assert map_box["x"] + map_box["width"] <= cards["x"] + 1
    await shoot(page, "phone-map-desktop-en-1280x800")

    # The per-center hotlist version table: wider than a phone, it scrolls in its box.
    for language, size, label in (("en", PHONE, "390x844"), ("ko", DESKTOP, "1280x800")):
        await page.set_viewport_size(size)
        await page.goto(stack.police_console(FIELD_OFFICER, "wanted").split("#")[0])
        await ready(page)
        if language == "ko":
            await page.locator("#lang-toggle").click()
        table = page.locator("#centers-table tbody tr[data-site]")
        await table.first.wait_for(state="visible")
        widths = await _sideways(page)
        assert widths["scroll"] <= widths["inner"], f"{label}: the page scrolls sideways {widths}"
        wrap = page.locator("#centers-table").locator("xpath=..")
        inner: dict[str, int] = await wrap.evaluate(
            "el => ({scroll: el.scrollWidth, client: el.clientWidth,"
            " overflow: getComputedStyle(el).overflowX})"
        )
        assert inner["overflow"] == "auto"
        if size is PHONE:
            assert inner["scroll"] > inner["client"], inner  # it does scroll, inside
            moved = await wrap.evaluate(
                "el => { el.scrollLeft = el.scrollWidth; return el.scrollLeft; }"
            )
            assert moved > 0
            assert await page.evaluate("window.scrollX") == 0  # the box moved, not the page
        await wrap.scroll_into_view_if_needed()
        await shoot(page, f"phone-centers-table-{language}-{label}")
    assert not errors, errors
