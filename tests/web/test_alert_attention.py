"""Alerts that get noticed: sound, desktop notification and the unread count in the tab.

A dispatcher looking at another window must still learn of a new exact alert: the
police live console plays the bundled sound (unless muted), shows a desktop
notification while the tab is hidden (once allowed), and counts the unacknowledged
alerts in the tab's title and favicon until they are acknowledged. The center's queue
does the same for new candidates. At 1280 and 390 px, in Korean and in English.
"""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext

from tests.web.attention import (
    REFUSE_AUTOPLAY,
    SIZES,
    badge,
    notes,
    prepare,
    sounds,
    wait_title,
)
from tests.web.browser import ready, shoot, watch_errors
from tests.web.stack import DISPATCHER, Stack, operator, read

pytestmark = pytest.mark.browser

LIVE_TITLE = {"ko": "실시간 지도·경보 — safenet", "en": "Live map & alerts — safenet"}
QUEUE_TITLE = {"ko": "후보 확인 대기열 — safenet", "en": "Candidate queue — safenet"}
EXACT_NOTE = {"ko": "일치 경보 {plate}", "en": "Exact alert {plate}"}
QUEUE_NOTE = {"ko": "확인할 새 후보 {plate}", "en": "New candidate to check: {plate}"}
SOUND_OFF = {"ko": "알림음 꺼짐", "en": "Sound off"}
NOTIFY_ON = {"ko": "바탕화면 알림 켜짐", "en": "Notifications on"}
NOTIFY_ALLOW = {"ko": "바탕화면 알림 허용", "en": "Allow notifications"}
MATRIX = [("1280", "ko"), ("1280", "en"), ("390", "ko"), ("390", "en")]


@pytest.mark.parametrize(("size", "language"), MATRIX)
async def test_a_new_exact_alert_sounds_notifies_and_counts_until_acknowledged(
    stack: Stack, browser: BrowserContext, size: str, language: str
) -> None:
    await stack.wanted("12가3456")
    await stack.wanted("34나5678", category="robbery")
    await prepare(browser, stack.police_url, language, allow=True)
    page = await browser.new_page()
    await page.set_viewport_size(SIZES[size])
    errors = watch_errors(page)
    await page.goto(stack.police_console(DISPATCHER))
    await ready(page)
    await page.wait_for_selector("#conn[data-state='open']")
    base = LIVE_TITLE[language]
    await wait_title(page, base)
    assert await page.locator("#notify-allow").inner_text() == NOTIFY_ON[language]
    # The autoplay policy lets a page play sound after the person's first interaction.
    await page.locator("#alerts-title").click()

    # An exact hit: (1) in the title and on the favicon, and the sound asked to play.
    await stack.post_reads("seocho", [read("a-1", "12가3456", "SC-01", ago_s=1500)])
    await page.locator(".alert-card[data-level='exact']").wait_for(state="visible", timeout=5000)
    await wait_title(page, f"(1) {base}")
    assert (await sounds(page))["requested"] == 1
    # The bundled file loaded and played (headless Chromium plays it to no device).
    await page.wait_for_function(
        "() => document.getElementById('alert-sound').dataset.played === '1'", timeout=5000
    )
    count, href = await badge(page)
    assert count == "1"
    assert href.startswith("data:image/png")
    assert await notes(page) == [], "no notification while the page is in view"
    await shoot(page, f"attention-police-one-alert-{size}-{language}")

    # Muted: the next exact hit still counts, but makes no sound.
    await page.locator("#sound-toggle").click()
    assert await page.locator("#sound-toggle").get_attribute("aria-pressed") == "true"
    assert await page.locator("#sound-toggle").inner_text() == SOUND_OFF[language]
    await stack.post_reads("seocho", [read("a-2", "12가3456", "SC-02", ago_s=900)])
    await wait_title(page, f"(2) {base}")
    after_mute = await sounds(page)
    assert after_mute["requested"] == 1, after_mute
    assert after_mute["muted"] == 1, after_mute

    # Hidden (the dispatcher is in another window): a notification in the chosen
    # language, with the plate, the place and the time; clicking it focuses the card.
    await page.evaluate("window.__setHidden(true)")
    await stack.post_reads("gangnam", [read("a-3", "34나5678", "GN-01", ago_s=60)])
    await wait_title(page, f"(3) {base}")
    await page.wait_for_function("() => window.__notes.length === 1", timeout=5000)
    [note] = await notes(page)
    assert note["title"] == EXACT_NOTE[language].format(plate="34나5678")
    assert "KST" in note["body"]
    card = page.locator(".alert-card[data-level='exact']", has_text="34나5678")
    shown = await card.locator("time.when").inner_text()
    assert shown in note["body"], (shown, note)
    assert note["tag"] == await card.get_attribute("data-hit-key")
    # The card is marked for 1.5 s only: look at once, in the same script.
    focused = await page.evaluate(
        """() => {
          window.__setHidden(false);
          window.__lastNote.onclick();
          const card = document.querySelector('.alert-card.focused .plate');
          return { closed: window.__lastNote.closed, plate: card ? card.textContent : null };
        }"""
    )
    assert focused == {"closed": True, "plate": "34나5678"}, focused

    # The mute is remembered, and the count survives a reload (three unacknowledged).
    await page.reload()
    await ready(page)
    await wait_title(page, f"(3) {base}")
    assert await page.locator("#sound-toggle").get_attribute("aria-pressed") == "true"

    # Acknowledging clears them one by one; at zero the title and favicon are plain.
    for left in (2, 1, 0):
        await page.locator(".alert-card [data-action='ack']:not([disabled])").first.click()
        await wait_title(page, f"({left}) {base}" if left else base)
    count, href = await badge(page)
    assert count == "0"
    assert not href.startswith("data:image/png"), "the page's own icon comes back"
    await page.mouse.move(5, 400)
    await shoot(page, f"attention-police-acknowledged-{size}-{language}")
    # The title follows the language toggle.
    await page.locator("#lang-toggle").click()
    await wait_title(page, LIVE_TITLE["en" if language == "ko" else "ko"])
    assert not errors, errors


@pytest.mark.parametrize(("size", "language"), MATRIX)
async def test_a_new_candidate_in_the_center_queue_sounds_notifies_and_counts(
    stack: Stack, browser: BrowserContext, size: str, language: str
) -> None:
    await stack.wanted("34나5678", category="missing_person", vehicle={"colour": "노란색"})
    await stack.wanted("56다7890", category="missing_person", vehicle={"colour": "검정"})
    await stack.wanted("90마1238", category="missing_person")
    seocho = stack.centers["seocho"]
    await prepare(browser, seocho.url, language, allow=False)
    page = await browser.new_page()
    await page.set_viewport_size(SIZES[size])
    errors = watch_errors(page)
    await page.goto(seocho.console(operator("seocho")))
    await ready(page)
    base = QUEUE_TITLE[language]
    await wait_title(page, base)
    allow = page.locator("#notify-allow")
    assert await allow.inner_text() == NOTIFY_ALLOW[language]
    assert await allow.is_enabled()
    await page.locator("#queue-title").click()

    yellow = {"colour": "노란색", "type": "승용차"}
    black = {"colour": "검정", "type": "승용차"}
    await stack.post_reads(
        "seocho", [read("q-1", "34나5676", "SC-02", ago_s=300, confidence=0.6, vehicle=yellow)]
    )
    await page.locator(".queue-item").first.wait_for(state="visible", timeout=5000)
    await wait_title(page, f"(1) {base}")
    assert (await sounds(page))["requested"] == 1
    assert (await badge(page))[0] == "1"
    await shoot(page, f"attention-center-one-candidate-{size}-{language}")

    # Not allowed yet: hidden, a new candidate counts and sounds but shows no notification.
    await page.evaluate("window.__setHidden(true)")
    await stack.post_reads(
        "seocho", [read("q-2", "56더7890", "SC-04", ago_s=20, confidence=0.6, vehicle=black)]
    )
    await wait_title(page, f"(2) {base}")
    assert (await sounds(page))["requested"] == 2
    assert await notes(page) == []

    # Allowed: the next one is a notification in the chosen language.
    await browser.grant_permissions(["notifications"], origin=seocho.url)
    await stack.post_reads("seocho", [read("q-3", "90마1236", "SC-01", ago_s=10, confidence=0.6)])
    await page.wait_for_function("() => window.__notes.length === 1", timeout=5000)
    [note] = await notes(page)
    assert note["title"] == QUEUE_NOTE[language].format(plate="90마1236"), note
    assert "KST" in note["body"]
    await page.evaluate("window.__setHidden(false)")

    # Deciding every candidate brings the title back to its plain form.
    waiting = await page.locator(".queue-item").count()
    for left in range(waiting - 1, -1, -1):
        await page.keyboard.press("c")
        await page.locator("#decision-reason").wait_for(state="visible")
        await page.keyboard.press("Enter")
        await wait_title(page, f"({left}) {base}" if left else base)
    assert (await badge(page))[0] == "0"
    await shoot(page, f"attention-center-decided-{size}-{language}")
    assert not errors, errors


async def test_a_sound_refused_before_any_interaction_plays_at_the_first_one(
    stack: Stack, browser: BrowserContext
) -> None:
    await stack.wanted("12가3456")
    await prepare(browser, stack.police_url, "ko", allow=False)
    await browser.add_init_script(REFUSE_AUTOPLAY)
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.goto(stack.police_console(DISPATCHER))
    await ready(page)
    await page.wait_for_selector("#conn[data-state='open']")

    await stack.post_reads("seocho", [read("p-1", "12가3456", "SC-01", ago_s=600)])
    await wait_title(page, f"(1) {LIVE_TITLE['ko']}")
    await page.wait_for_function(
        "() => document.getElementById('alert-sound').dataset.failed === '1'", timeout=5000
    )
    assert (await sounds(page))["played"] == 0
    # The first click anywhere plays what was refused, once; the page has no error.
    await page.locator("#alerts-title").click()
    await page.wait_for_function(
        "() => document.getElementById('alert-sound').dataset.played === '1'", timeout=5000
    )
    await page.locator("#alerts-title").click()
    assert (await sounds(page))["requested"] == 2
    assert not errors, errors
