"""Personal sign-in in the browser: officer A registers, officer B (password + TOTP) approves.

Both are ordinary accounts at the police site. Each signs in with a password and then
the authenticator's code (officer B enrols at that moment: the console shows the QR);
the session lives in an HttpOnly cookie the page cannot read, and every state-changing
call carries the CSRF token. The two-person rule holds between two real people, and
the centers acknowledge the hotlist with the approved entry.
"""

from __future__ import annotations

import asyncio

import pyotp
import pytest
from playwright.async_api import BrowserContext, Page

from safenet.auth.accounts import Accounts
from tests.web.browser import ready, shoot, watch_errors
from tests.web.stack import Stack

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-9"


async def _sign_in(page: Page, url: str, user_id: str, secret: str) -> None:
    await _sign_in_as(page, url, user_id, PASSWORD, secret)


async def _sign_in_as(page: Page, url: str, user_id: str, password: str, secret: str) -> None:
    """Password, then the authenticator's code, as a person does at the console."""
    await page.goto(url)
    await page.locator("#signin-user").fill(user_id)
    await page.locator("#signin-password").fill(password)
    await page.locator("#signin-next").click()
    await page.locator("#signin-code").wait_for(state="visible")
    async with page.expect_navigation():
        await page.locator("#signin-code").fill(pyotp.TOTP(secret).now())
        await page.locator("#signin-submit").click()
    await ready(page)


async def test_officer_a_registers_officer_b_signs_in_with_totp_and_approves(
    stack: Stack, browser: BrowserContext
) -> None:
    accounts = Accounts(stack.police.db, "police", stack.police.settings.auth)
    a = await asyncio.to_thread(
        accounts.add,
        "officer.a",
        name="김민수",
        rank="경위",
        roles=["registrar"],
        password=PASSWORD,
        actor="test",
    )
    b = await asyncio.to_thread(
        accounts.add,
        "officer.b",
        name="이서연",
        rank="경감",
        roles=["approver"],
        password=PASSWORD,
        actor="test",
    )
    assert a.enrolment is not None
    assert b.enrolment is not None
    page = await browser.new_page()
    errors = watch_errors(page)
    url = f"{stack.police_url}/console/wanted"

    # Nobody is signed in: the sign-in form, not the registry.
    await page.goto(url)
    await page.locator("#signin-user").wait_for(state="visible")
    await page.locator("#signin-user").fill("officer.a")
    await page.locator("#signin-password").fill("not the password")
    await page.locator("#signin-next").click()
    await page.locator("#signin-error").filter(has_text="맞지 않습니다").wait_for()

    await _sign_in(page, url, "officer.a", a.enrolment.secret)
    assert await page.locator("#who-name").inner_text() == "경위 김민수"
    cookies = {c["name"]: c for c in await browser.cookies()}
    assert cookies["safenet_session"]["httpOnly"] is True
    assert cookies["safenet_session"]["sameSite"] == "Strict"
    assert await page.evaluate("document.cookie.includes('safenet_session=')") is False

    form = page.locator("#register-form")
    await form.locator("[data-field='plate']").fill("56다7890")
    await form.locator("[data-field='category']").select_option("robbery")
    await form.locator("[data-field='case_number']").fill("2026-서초-000777")
    await form.locator("[data-field='reason']").fill("편의점 강도 후 차량으로 도주")
    await form.locator("[data-field='vehicle.make']").fill("현대")
    await form.locator("[data-field='vehicle.model']").fill("아반떼")
    await form.locator("[data-field='vehicle.colour']").select_option("black")
    await form.locator("[data-field='expires_in_hours']").fill("24")
    await form.locator("#register-submit").click()
    card = page.locator(".entry-card[data-status='pending']", has_text="56다7890")
    await card.wait_for(state="visible")
    assert "김민수" in await card.inner_text()

    # Officer A signs out; officer B signs in on the same screen, enrolling the app.
    await page.locator("#identity summary").click()
    async with page.expect_navigation():
        await page.locator("#signout").click()
    await page.locator("#signin-user").wait_for(state="visible")
    await page.locator("#signin-user").fill("officer.b")
    await page.locator("#signin-password").fill(PASSWORD)
    await page.locator("#signin-next").click()
    await page.locator("#signin-qr").wait_for(state="visible")  # enrolling: the QR
    await shoot(page, "signin-totp-enrolment-1280x800")
    async with page.expect_navigation():
        await page.locator("#signin-code").fill(pyotp.TOTP(b.enrolment.secret).now())
        await page.locator("#signin-submit").click()
    await ready(page)
    assert await page.locator("#who-name").inner_text() == "경감 이서연"

    card = page.locator(".entry-card[data-status='pending']", has_text="56다7890")
    await card.locator("[data-action='approve']").click()
    await page.locator("#entry-tabs [data-filter='active']").click()
    await page.locator(".entry-card[data-status='active']", has_text="56다7890").wait_for()
    version = stack.police.metrics.hotlist_version._value.get()
    for site in stack.centers:
        row = page.locator(
            f"#centers-table tr[data-site='{site}'][data-acked-version='{version:g}']"
        )
        await row.wait_for(state="visible", timeout=10_000)
    for center in stack.centers.values():
        assert center.service.hotlist.version == version
        assert len(center.service.hotlist) == 1
    (entry,) = stack.police.registry.active()
    assert (entry.registrar, entry.registrar_name) == ("officer.a", "경위 김민수")
    assert (entry.approver, entry.approver_name) == ("officer.b", "경감 이서연")
    assert errors == [] or all("401" in e for e in errors), errors


async def test_a_center_operator_signs_in_and_decides_with_the_csrf_token(
    stack: Stack, browser: BrowserContext
) -> None:
    from tests.web.stack import read

    seocho = stack.centers["seocho"]
    accounts = Accounts(seocho.service.db, "seocho", seocho.service.settings.auth)
    op = await asyncio.to_thread(
        accounts.add,
        "choi.op",
        name="최유진",
        rank="주무관",
        roles=["operator"],
        sites=["seocho"],  # a center account sees its own center only
        password=PASSWORD,
        actor="test",
    )
    assert op.enrolment is not None
    await stack.wanted("34나5678", category="missing_person")
    page = await browser.new_page()
    errors = watch_errors(page)
    await _sign_in(page, f"{seocho.url}/console/", "choi.op", op.enrolment.secret)
    assert await page.locator("#who-name").inner_text() == "주무관 최유진"
    cookies = {c["name"]: c for c in await browser.cookies()}
    assert cookies["safenet_session_seocho"]["httpOnly"] is True

    await stack.post_reads("seocho", [read("s-1", "34나5676", "SC-02", confidence=0.6)])
    await page.locator(".queue-item").first.wait_for(state="visible", timeout=5000)
    await page.keyboard.press("r")
    await page.locator("#decision-reason").wait_for(state="visible")
    await page.keyboard.press("Enter")  # POST …/reject with the session cookie + CSRF
    await page.locator(".recent-item[data-state='rejected']").wait_for(state="visible")
    hits = await seocho.service.candidates.hits(10, "rejected")
    assert [h["decision"]["by"] for h in hits] == ["choi.op"]
    assert [h["decision"]["by_name"] for h in hits] == ["주무관 최유진"]
    shown = page.locator(".recent-item[data-state='rejected'] [data-role='decided-by']")
    assert await shown.inner_text() == "주무관 최유진"
    assert errors == [], errors
