"""The wanted registry pages: register, a gate error at its field, two-person approval, centers."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext

from tests.web.browser import Stopwatch, ready, shoot, watch_errors
from tests.web.stack import APPROVER, REGISTRAR_APPROVER, Stack, operator

pytestmark = pytest.mark.browser


async def test_an_entry_registered_and_approved_in_the_pages_reaches_the_centers(
    stack: Stack, browser: BrowserContext
) -> None:
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.goto(stack.police_console(REGISTRAR_APPROVER, "wanted"))
    await ready(page)
    form = page.locator("#register-form")

    # The lawful-basis gate refuses, each problem next to its own field.
    await form.locator("[data-field='plate']").fill("56다7890")
    await form.locator("[data-field='case_number']").fill("x")
    await form.locator("#register-submit").click()
    category_error = form.locator("[data-error-for='category']")
    await category_error.wait_for(state="visible")
    assert "꼭 입력해야" in await category_error.inner_text()
    case_error = await form.locator("[data-error-for='case_number']").inner_text()
    assert "사건번호 형식이 아닙니다" in case_error
    assert "꼭 입력해야" in await form.locator("[data-error-for='reason']").inner_text()
    assert "차량 특징" in await form.locator("[data-error-for='vehicle']").inner_text()
    assert await form.locator("[data-error-for='plate']").inner_text() == ""
    await shoot(page, "police-registry-gate-errors-1280x800", full_page=True)

    # Corrected, it is registered and waits for a second officer.
    await form.locator("[data-field='category']").select_option("robbery")
    await form.locator("[data-field='case_number']").fill("2026-서초-000777")
    await form.locator("[data-field='reason']").fill("편의점 강도 후 차량으로 도주")
    await form.locator("[data-field='vehicle.make']").fill("현대")
    await form.locator("[data-field='vehicle.model']").fill("아반떼")
    await form.locator("[data-field='vehicle.colour']").select_option("black")
    await form.locator("[data-field='vehicle.type']").select_option("car")
    await form.locator("[data-field='expires_in_hours']").fill("24")
    await form.locator("#register-submit").click()
    card = page.locator(".entry-card[data-status='pending']", has_text="56다7890")
    await card.wait_for(state="visible")
    assert await form.locator("[data-error-for='category']").inner_text() == ""

    # Its registrar may not approve it: the server says so, next to the button.
    await card.locator("[data-action='approve']").click()
    refusal = card.locator(".action-error")
    await refusal.wait_for(state="visible")
    assert "등록한 경찰관은 승인할 수 없습니다" in await refusal.inner_text()

    # Another officer takes over the screen by pasting a token, and approves.
    await page.locator("#identity summary").click()
    await page.locator("#identity-token").fill(stack.police_token(APPROVER))
    async with page.expect_navigation():
        await page.locator("#identity-add").click()
    await ready(page)
    assert await page.locator("#who-name").inner_text() == APPROVER.name
    card = page.locator(".entry-card[data-status='pending']", has_text="56다7890")
    watch = Stopwatch()
    await card.locator("[data-action='approve']").click()
    await page.locator("#entry-tabs [data-filter='active']").click()
    await page.locator(".entry-card[data-status='active']", has_text="56다7890").wait_for()
    version = stack.police.metrics.hotlist_version._value.get()

    # Each center runs the new version (the police page shows their acknowledgements).
    for site in stack.centers:
        row = page.locator(
            f"#centers-table tr[data-site='{site}'][data-acked-version='{version:g}']"
        )
        await row.wait_for(state="visible", timeout=10_000)
    seen_s = watch()
    print(f"\ntiming: approve click → every center's acknowledgement on the page {seen_s:.2f} s")
    for center in stack.centers.values():
        assert center.service.hotlist.version == version
        assert len(center.service.hotlist) == 1
        (held,) = center.service.hotlist.entries()
        assert (held.colour, held.vehicle_type, held.make) == ("black", "car", "hyundai")
    await page.mouse.move(5, 5)
    await shoot(page, "police-registry-approved-1280x800", full_page=True)

    # The center's own console shows it too.
    health = await browser.new_page()
    health_errors = watch_errors(health)
    seocho = stack.centers["seocho"]
    await health.goto(seocho.console(operator("seocho"), "health"))
    await ready(health)
    hotlist = health.locator("[data-stat='health.hotlist'] .stat-value")
    assert await hotlist.inner_text() == f"v{version:g} · 1건"
    await shoot(health, "center-health-1280x800")
    await health.close()
    await page.bring_to_front()

    # Renew: the missing reason is shown under the reason field, then it goes through.
    active = page.locator(".entry-card[data-status='active']", has_text="56다7890")
    before = await active.locator(".meta").last.inner_text()
    await active.locator("[data-action='renew']").click()
    renew = active.locator(".renew-form")
    await renew.locator("[data-field='expires_in_hours']").fill("48")
    await renew.locator("button[type='submit']").click()
    await renew.locator("[data-error-for='reason']").wait_for(state="visible")
    assert "꼭 입력해야" in await renew.locator("[data-error-for='reason']").inner_text()
    await renew.locator("[data-field='reason']").fill("용의자 추적 계속")
    await renew.locator("button[type='submit']").click()
    await page.locator("#toast.shown", has_text="연장됨").wait_for()
    renewed = await stack.police_api("GET", "/wanted?status=active", APPROVER)
    assert renewed["entries"][0]["renewals"] == 1
    assert await active.locator(".meta").last.inner_text() != before

    # Lift it: the centers stop looking for it.
    active = page.locator(".entry-card[data-status='active']", has_text="56다7890")
    await active.locator("[data-action='end']").click()
    await active.locator(".end-form [data-field='reason']").fill("차량 발견, 피의자 검거")
    await active.locator("[data-action='send-cancel']").click()
    await active.wait_for(state="detached")
    await stack.centers_at(int(version) + 2)
    for center in stack.centers.values():
        assert len(center.service.hotlist) == 0
    assert not errors, errors
    assert not health_errors, health_errors


async def test_a_vague_witness_pattern_is_explained_in_korean_and_held(
    stack: Stack, browser: BrowserContext
) -> None:
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.goto(stack.police_console(REGISTRAR_APPROVER, "wanted"))
    await ready(page)
    form = page.locator("#register-form")
    await form.locator("[data-field='plate']").fill("*4321")
    await form.locator("[data-field='category']").select_option("missing_person")
    await form.locator("[data-field='case_number']").fill("2026-서초-실종-0007")
    await form.locator("[data-field='reason']").fill(
        "치매 노인이 차를 몰고 나감; 이웃이 끝 네 자리 기억"
    )
    await form.locator("[data-field='vehicle.make']").fill("현대")
    await form.locator("#register-submit").click()
    colour = form.locator("[data-error-for='vehicle.colour']")
    await colour.wait_for(state="visible")
    text = await colour.inner_text()
    assert "번호판 약 10,000개 중 1개" in text
    assert "색상" in text
    await form.locator("[data-field='vehicle.model']").fill("SUV")
    await form.locator("[data-field='vehicle.colour']").select_option("white")
    await form.locator("#register-submit").click()
    card = page.locator(".entry-card[data-status='pending']", has_text="4321")
    await card.wait_for(state="visible")
    line = await card.locator("[data-specificity]").inner_text()
    assert "10,000개 중 1개" in line
    assert "관제요원이 확인한 뒤" in line
    assert errors == []
