"""Text from the centers (camera addresses) reaches the consoles' map as text, not HTML."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext

from tests.web.browser import ready
from tests.web.stack import DISPATCHER, HOSTILE_ADDRESS, Stack, read

pytestmark = pytest.mark.browser


async def test_a_camera_address_with_markup_is_shown_as_text_on_the_police_map(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted("12가3456")
    page = await browser.new_page()
    await page.goto(stack.police_console(DISPATCHER))
    await ready(page)
    await page.wait_for_selector("#conn[data-state='open']")
    await stack.post_reads("seocho", [read("x-1", "12가3456", "SC-05", ago_s=30)])
    await page.locator(".hit-marker[data-number='1']").wait_for(state="visible", timeout=5000)

    # Leaflet opens a camera site's tooltip on hover and takes a string as HTML.
    await page.dispatch_event("path.camera-site", "mouseover")
    tooltip = page.locator(".leaflet-tooltip", has_text="서초대로")
    await tooltip.wait_for(state="visible", timeout=5000)
    assert HOSTILE_ADDRESS in await tooltip.inner_text()
    assert await page.locator("[data-injected]").count() == 0
    assert await page.evaluate("window.__injected === undefined")
