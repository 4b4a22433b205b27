"""A misread candidate's explanation, worded from the catalogue, in both languages (issue 18).

The center's queue and the police's card get the matcher's explanation as data (which
character differs, where, read as what) and the decision's factors as codes; the
consoles word them in the chosen language. In Korean mode the explanation, the
factors and the vehicle labels carry no English words; in English mode they are
English. At 1280 and 390 px, screenshots kept as test artifacts.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, Locator, Page

from tests.web.browser import DESKTOP, PHONE, ready, shoot, watch_errors
from tests.web.stack import DISPATCHER, Stack, operator, read

pytestmark = pytest.mark.browser

ACRONYMS = {"SUV", "BMW", "KG"}  # written in Latin letters in Korean too
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_HANGUL_WORD = re.compile(r"[가-힣]{2,}")  # a single syllable is a plate character
_PLATE = re.compile(r"[0-9]{2,3}[가-힣][0-9]{4}")


def english_words(text: str) -> set[str]:
    """The Latin-letter words of a Korean screen text, known acronyms aside."""
    return set(_LATIN_WORD.findall(text)) - ACRONYMS


def hangul_outside_plates(text: str) -> list[str]:
    """The Korean words of an English screen text (plates, their characters, the model aside)."""
    data = _PLATE.sub("", text).replace("싼타페", "").replace("2026-서초-000123", "")
    return _HANGUL_WORD.findall(data)  # the model and the case number are data as registered


async def texts(locators: list[Locator]) -> str:
    """The text of each part (also inside a closed <details>)."""
    # innerText is empty for an element that is not rendered (a closed <details>)
    # (its text nodes joined by spaces, so that table cells do not run together)
    script = """e => (e.checkVisibility() && e.innerText) || (() => {
      const w = document.createTreeWalker(e, NodeFilter.SHOW_TEXT); const parts = [];
      for (let n = w.nextNode(); n; n = w.nextNode()) parts.push(n.nodeValue.trim());
      return parts.filter(Boolean).join(' ');
    })()"""
    return "\n".join([await loc.evaluate(script) for loc in locators])


async def center_parts(page: Page) -> list[Locator]:
    return [
        page.locator("#detail .explanation"),
        page.locator("#detail [data-role='wanted-vehicle']"),
        page.locator("#detail [data-role='seen-vehicle']"),
        page.locator("#assessment .assess-rule"),
        page.locator("#assessment .factor-list"),
        page.locator("#assessment .compare-table"),
    ]


async def police_parts(card: Locator) -> list[Locator]:
    return [
        card.locator(".explanation"),
        card.locator(".assess-rule"),
        card.locator(".assess-parts"),
        card.locator(".factor-list"),
        card.locator(".meta"),
    ]


async def test_a_misread_candidate_is_worded_in_the_chosen_language_on_both_consoles(
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
    white_suv = {"colour": "백색", "type": "SUVMPV"}  # a vendor's words
    await stack.post_reads(
        "seocho",
        [
            read("x-1", "34너5678", "SC-02", ago_s=160, confidence=0.6, vehicle=white_suv),
            read("x-2", "34나5676", "SC-05", ago_s=10, confidence=0.6, vehicle=white_suv),
        ],
    )
    await page.locator(".queue-item").first.wait_for(state="visible", timeout=5000)
    explanation = page.locator("#detail .explanation")
    await explanation.wait_for(state="visible")
    assert await explanation.get_attribute("data-kind") == "misread"
    difference = page.locator("#detail .why-difference").first
    assert await difference.get_attribute("data-factor") in ("lookalike", "substitution")

    # Korean: the character, its place and the registered one, in Korean words only.
    ko = await explanation.inner_text()
    assert "번째 글자" in ko, ko
    assert "수배 번호는" in ko, ko
    wanted = await page.locator("#detail [data-role='wanted-vehicle']").inner_text()
    assert wanted == "흰색 SUV 현대 싼타페"
    assert "흰색 SUV" in await page.locator("#detail [data-role='seen-vehicle']").inner_text()
    korean = await texts(await center_parts(page))
    assert not english_words(korean), (english_words(korean), korean)
    await shoot(page, "center-queue-explain-ko-1280x800")

    # The police's card says the same, in Korean.
    card = police.locator(".alert-card", has=police.locator(".explanation[data-kind='misread']"))
    await card.first.wait_for(state="attached", timeout=10000)
    card = card.first
    await card.locator("details.explain summary").click()
    police_ko = await texts(await police_parts(card))
    assert "번째 글자" in police_ko, police_ko
    assert "흰색 SUV 현대 싼타페" in await card.locator(".meta").inner_text()
    assert not english_words(police_ko), (english_words(police_ko), police_ko)
    await shoot(police, "police-card-explain-ko-1280x800")

    # English: the same structure in English words.
    await page.locator("#lang-toggle").click()
    en = await page.locator("#detail .explanation").inner_text()
    assert "character" in en, en
    assert "registered" in en, en
    english = await texts(await center_parts(page))
    assert not hangul_outside_plates(english), english
    assert "white SUV Hyundai" in english
    await shoot(page, "center-queue-explain-en-1280x800")
    await police.locator("#lang-toggle").click()
    await card.locator(".explanation").wait_for(state="attached")
    police_en = await texts(await police_parts(card))
    assert "character" in police_en, police_en
    assert not hangul_outside_plates(police_en), police_en
    await shoot(police, "police-card-explain-en-1280x800")

    # A phone: the same words, in both languages.
    for p in (page, police):
        await p.set_viewport_size(PHONE)
    assert "character" in await page.locator("#detail .explanation").inner_text()
    await shoot(page, "center-queue-explain-en-390", full_page=True)
    await shoot(police, "police-card-explain-en-390", full_page=True)
    await page.locator("#lang-toggle").click()
    await police.locator("#lang-toggle").click()
    korean = await texts(await center_parts(page))
    assert "번째 글자" in korean
    assert not english_words(korean), korean
    police_ko = await texts(await police_parts(card))
    assert not english_words(police_ko), police_ko
    await shoot(page, "center-queue-explain-ko-390", full_page=True)
    await shoot(police, "police-card-explain-ko-390", full_page=True)
    await page.set_viewport_size(DESKTOP)
    assert not errors, errors
    assert not police_errors, police_errors
