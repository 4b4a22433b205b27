"""The operator's queue says why the decision chain showed a candidate (issue 17).

One vehicle read twice (two different misreads of the wanted plate) is one queue item
gathering both reads; the item compares the wanted vehicle's description with what
the camera saw, part by part, and lists every factor of the score with its effect in
words, Korean first, English on the toggle.
"""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext

from tests.web.browser import ready, shoot, watch_errors
from tests.web.stack import DISPATCHER, Stack, operator, read

pytestmark = pytest.mark.browser


async def test_the_queue_item_shows_the_description_compared_and_the_vehicles_reads(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted(
        "34나5678",
        category="missing_person",
        vehicle={"make": "현대", "model": "싼타페", "colour": "흰색", "type": "SUV"},
    )
    police = await browser.new_page()
    police_errors = watch_errors(police)
    await police.goto(stack.police_console(DISPATCHER))
    await ready(police)
    await police.wait_for_selector("#conn[data-state='open']")
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.goto(stack.centers["seocho"].console(operator("seocho")))
    await ready(page)
    white_suv = {"colour": "백색", "type": "SUVMPV"}  # a vendor's words for it
    await stack.post_reads(
        "seocho",
        [
            read("q-1", "34나5676", "SC-02", ago_s=160, confidence=0.6, vehicle=white_suv),
            read("q-2", "34너5678", "SC-05", ago_s=10, confidence=0.6, vehicle=white_suv),
        ],
    )
    item = page.locator(".queue-item")
    await item.first.wait_for(state="visible", timeout=5000)
    assert await item.count() == 1
    assert await item.first.locator(".read-count").inner_text() == "×2"
    block = page.locator("#assessment")
    await block.wait_for(state="visible")
    colour = block.locator("tr[data-part='colour']")
    assert await colour.get_attribute("data-verdict") == "agrees"
    assert "흰색" in await colour.inner_text()
    assert "일치" in await colour.inner_text()
    body = block.locator("tr[data-part='body']")
    assert await body.get_attribute("data-verdict") == "agrees"
    factors = block.locator(".factor")
    assert await factors.count() >= 3
    colour_factor = await block.locator(".factor[data-factor='colour']").inner_text()
    assert "높임" in colour_factor
    assert await block.locator(".item-read").count() == 2
    assert "판단 점수" in await block.locator(".assess-rule").inner_text()
    await shoot(page, "center-queue-reasons-1280x800")

    await page.locator("#lang-toggle").click()
    assert "agrees" in await colour.inner_text()
    assert "raises" in await block.locator(".factor[data-factor='colour']").inner_text()
    assert "decision score" in await block.locator(".assess-rule").inner_text()
    assert not errors, errors

    # The police's card says the same: the description compared, each factor in words.
    card = police.locator(".alert-card", has=police.locator(".assessment")).first
    await card.wait_for(state="visible", timeout=5000)
    part = card.locator(".assess-part[data-part='colour']")
    assert await part.get_attribute("data-verdict") == "agrees"
    assert "흰색" in await part.inner_text()
    assert "판단 점수" in await card.locator(".assessment summary").inner_text()
    assert "높임" in await card.locator(".factor[data-factor='colour']").inner_text()
    assert "뒷받침" in await card.locator(".assess-reads").inner_text()
    await shoot(police, "police-card-reasons-1280x800")
    assert not police_errors, police_errors
