"""Every console page fits a 1280x800 screen and a 390-px phone, with no sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page

from tests.web.browser import DESKTOP, PHONE, overflow, ready, shoot, watch_errors
from tests.web.stack import FIELD_OFFICER, REGISTRAR, Stack, camera, operator, read

pytestmark = pytest.mark.browser


async def _populate(stack: Stack) -> None:
    """An exact hit, a candidate waiting at the center, a pending entry, a rejected read."""
    await stack.wanted("12가3456")
    await stack.wanted(
        "34나5678",
        category="missing_person",
        case_number="2026-강남-000456",
        vehicle={"make": "기아", "model": "모닝", "colour": "노란색"},
    )
    await stack.police_api(
        "POST",
        "/wanted",
        REGISTRAR,
        {
            "plate": "56다7890",
            "category": "robbery",
            "case_number": "2026-서초-000777",
            "reason": "편의점 강도 후 차량으로 도주",
            "vehicle": {"make": "현대", "model": "아반떼", "colour": "검정"},
        },
    )
    await stack.post_reads(
        "seocho",
        [
            read("l-1", "12가3456", "SC-01", ago_s=300),
            read("l-2", "12가3456", "SC-02", ago_s=120),
            # The wanted yellow Morning misread: the camera saw its colour (the decision
            # chain would hold a look-alike whose colour contradicts the entry).
            read(
                "l-3",
                "34나5676",
                "SC-03",
                ago_s=60,
                confidence=0.6,
                vehicle={"colour": "노란색", "type": "승용차"},
            ),
        ],
    )
    # One read the center refuses, so the health page has a reason to show.
    camera_token = stack.centers["seocho"].token(camera("SC-01", "seocho"))
    response = await stack.client.post(
        f"{stack.centers['seocho'].url}/api/v1/reads",
        json={"reads": [read("l-bad", "12가3456", "SC-01", confidence=1.7)]},
        headers={"Authorization": f"Bearer {camera_token}"},
    )
    assert response.json()["rejected"]


async def _check(page: Page, url: str, name: str, expect: str) -> None:
    for size, label in ((DESKTOP, "1280x800"), (PHONE, "390x844")):
        await page.set_viewport_size(size)
        await page.goto(url)
        await ready(page)
        await page.locator(expect).first.wait_for(state="visible", timeout=5000)
        widths = await overflow(page)
        await shoot(page, f"{name}-{label}", full_page=label == "390x844")
        assert widths["scroll"] <= widths["inner"], f"{name} at {label} scrolls sideways: {widths}"
        url = url.split("#", 1)[0]  # the token is kept in the tab after the first load


async def test_the_consoles_fit_a_desktop_and_a_phone(
    stack: Stack, browser: BrowserContext
) -> None:
    await _populate(stack)
    seocho = stack.centers["seocho"]
    police = await browser.new_page()
    center = await browser.new_page()
    errors = watch_errors(police) + watch_errors(center)
    await _check(police, stack.police_console(FIELD_OFFICER), "layout-police-live", ".hit-marker")
    await police.locator("#tab-alerts").click()  # on a phone the cards are the second tab
    await police.locator(".alert-card[data-level='equivalent']").wait_for(state="visible")
    await shoot(police, "layout-police-live-cards-390x844")
    await _check(
        police,
        stack.police_console(FIELD_OFFICER, "wanted").split("#", 1)[0],
        "layout-police-wanted",
        ".entry-card",
    )
    await _check(
        center,
        seocho.console(operator("seocho")),
        "layout-center-queue",
        ".queue-item",  # on a phone the detail opens over the list only when tapped
    )
    await _check(
        center,
        seocho.console(operator("seocho"), "health").split("#", 1)[0],
        "layout-center-health",
        "#rejected-table td.num",
    )
    assert not errors, errors


async def test_without_a_token_the_console_asks_for_one(
    stack: Stack, browser: BrowserContext
) -> None:
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.set_viewport_size(PHONE)
    await page.goto(f"{stack.police_url}/console/")
    box = page.locator("#signin")
    await box.wait_for(state="visible")
    assert await page.locator("#signin-user").is_visible()  # a person signs in personally
    assert await page.locator("#main").is_hidden()
    await page.locator(".signin-token summary").click()  # a service account: its token
    assert "safenet police token" in await box.inner_text()
    await page.locator("#signin-token").fill("not a token")
    await page.locator("#signin-token-submit").click()
    assert "토큰 형식" in await box.locator(".field-error").inner_text()
    await shoot(page, "signin-police-390x844")
    await page.locator("#signin-token").fill(stack.police_token(FIELD_OFFICER))
    async with page.expect_navigation():
        await page.locator("#signin-token-submit").click()
    await ready(page)
    assert await page.locator("#who-name").inner_text() == FIELD_OFFICER.name
    assert not errors, errors
