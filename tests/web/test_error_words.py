"""API errors in the registry console are worded from the catalogue, Korean first.

The server sends a code and params with each error (docs/api.md); the page words it in
the reader's language. In Korean no English word may show but what the officer typed;
after the language toggle the same refusals read in English. At 1280 and 390 px.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, Locator, Page

from tests.web.browser import DESKTOP, PHONE, ready, shoot, watch_errors
from tests.web.stack import REGISTRAR_APPROVER, Stack

pytestmark = pytest.mark.browser

WORD = re.compile(r"[A-Za-z]+")
HANGUL = re.compile(r"[가-힣]")


def english_words(text: str, *typed: str) -> list[str]:
    for value in typed:
        text = text.replace(value, "")
    return WORD.findall(text)


async def register(page: Page, plate: str, case_number: str) -> Locator:
    """Fill the registry form with ``plate`` (the rest valid) and send it."""
    form = page.locator("#register-form")
    await form.locator("[data-field='plate']").fill(plate)
    await form.locator("[data-field='category']").select_option("robbery")
    await form.locator("[data-field='case_number']").fill(case_number)
    await form.locator("[data-field='reason']").fill("편의점 강도 후 차량으로 도주")
    await form.locator("[data-field='vehicle.colour']").select_option("black")
    await form.locator("#register-submit").click()
    return form


async def refusals(
    page: Page, plate: str, good_plate: str, case_number: str, shots: str
) -> tuple[str, str]:
    """The bad plate's error at its field, and the registrar's own approval refused."""
    form = await register(page, plate, case_number)
    slot = form.locator("[data-error-for='plate']")
    await slot.wait_for(state="visible")
    plate_text = await slot.inner_text()
    await slot.scroll_into_view_if_needed()
    await shoot(page, f"errors-registry-{shots}")
    await form.locator("[data-field='plate']").fill(good_plate)
    await form.locator("#register-submit").click()
    card = page.locator(".entry-card[data-status='pending']", has_text=good_plate)
    await card.wait_for(state="visible")
    await card.locator("[data-action='approve']").click()
    refusal = card.locator(".action-error")
    await refusal.wait_for(state="visible")
    await refusal.scroll_into_view_if_needed()
    await shoot(page, f"errors-approve-{shots}")
    return plate_text, await refusal.inner_text()


async def test_registry_errors_read_in_korean_then_in_english(
    stack: Stack, browser: BrowserContext
) -> None:
    page = await browser.new_page()
    errors = watch_errors(page)
    for n, (size, name) in enumerate([(DESKTOP, "1280x800"), (PHONE, "390x844")]):
        await page.set_viewport_size(size)
        await page.goto(stack.police_console(REGISTRAR_APPROVER, "wanted"))
        if n:  # the same address but for its #token: load the page afresh
            await page.reload()
        await ready(page)
        assert await page.evaluate("document.documentElement.lang") == "ko"
        bad, case = "12가345", f"2026-서초-00090{n}"

        plate_ko, approve_ko = await refusals(page, bad, f"12가345{n}", case, f"ko-{name}")
        assert "일련번호는 4자리 숫자여야 합니다" in plate_ko
        assert "345" in plate_ko
        assert english_words(plate_ko, bad, case) == [], plate_ko
        assert "등록한 경찰관은 승인할 수 없습니다" in approve_ko
        assert english_words(approve_ko, bad, case) == [], approve_ko
        general = await page.locator("#register-error").inner_text()
        assert english_words(general) == [], general

        await page.locator("#lang-toggle").click()
        assert await page.evaluate("document.documentElement.lang") == "en"
        plate_en, approve_en = await refusals(page, bad, f"12가346{n}", case, f"en-{name}")
        assert "The serial must have 4 digits" in plate_en
        assert not HANGUL.search(plate_en.replace(bad, "")), plate_en
        assert "cannot approve it" in approve_en
        assert not HANGUL.search(approve_en), approve_en
        await page.locator("#lang-toggle").click()  # back to Korean for the next size
    assert not errors, errors


async def test_several_problems_each_at_its_field_and_a_summary(
    stack: Stack, browser: BrowserContext
) -> None:
    page = await browser.new_page()
    await page.goto(stack.police_console(REGISTRAR_APPROVER, "wanted"))
    await ready(page)
    form = page.locator("#register-form")
    await form.locator("[data-field='plate']").fill("12차3456")
    await form.locator("[data-field='case_number']").fill("x")
    await form.locator("#register-submit").click()
    await form.locator("[data-error-for='plate']").wait_for(state="visible")
    texts = {
        name: await form.locator(f"[data-error-for='{name}']").inner_text()
        for name in ("plate", "category", "case_number", "reason", "vehicle")
    }
    assert "용도 기호" in texts["plate"]
    assert texts["category"].startswith("법적 근거 (범죄 유형):")  # the field by its label
    assert "사건번호 형식이 아닙니다" in texts["case_number"]
    summary = await page.locator("#register-error").inner_text()
    assert "5개 항목" in summary
    for text in [*texts.values(), summary]:
        assert english_words(text, "12차3456", "x") == [], text


async def test_an_unknown_code_reads_as_the_generic_sentence_not_the_english(
    stack: Stack, browser: BrowserContext
) -> None:
    page = await browser.new_page()
    await page.goto(stack.police_console(REGISTRAR_APPROVER, "wanted"))
    await ready(page)
    words: dict[str, str] = await page.evaluate(
        """async () => {
          const src = document.querySelector('script[type=module][src*="wanted.js"]').src;
          const api = await import(src.replace('police/wanted.js', 'lib/api.js'));
          const i18n = await import(src.replace('police/wanted.js', 'lib/i18n.js'));
          const unknown = { error: 'invalid', code: 'no.such_code', message: 'Server words here',
                            detail: 'Server words here', field: 'approver' };
          const roles = { code: 'auth.role_needed', params: { roles: ['registrar', 'approver'] } };
          const out = { ko: api.errorText(unknown), roles_ko: api.errorText(roles),
                        label_ko: api.fieldLabel('approver'), odd_ko: api.fieldLabel('zz_top') };
          i18n.setLang('en');
          out.en = api.errorText(unknown);
          out.roles_en = api.errorText(roles);
          i18n.setLang('ko');
          return out;
        }"""
    )
    assert english_words(words["ko"]) == [], words
    assert "Server" not in words["en"]
    assert words["roles_ko"] == "이 작업에는 등록 담당 또는 승인 담당 역할이 필요합니다."
    assert words["roles_en"] == "This needs the role registrar or approver."
    assert words["label_ko"] == "승인 담당"
    assert words["odd_ko"] == "입력 항목"  # an unknown field is never shown by its raw name
