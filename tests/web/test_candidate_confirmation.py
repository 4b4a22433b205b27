"""A look-alike read is confirmed (or rejected) at the center's keyboard and the police see it."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext

from tests.web.browser import Stopwatch, ready, shoot, synthetic_snapshot, watch_errors
from tests.web.stack import DISPATCHER, Stack, operator, read

pytestmark = pytest.mark.browser

BANNER_KO = "육안 확인 필요 — 번호판을 눈으로 확인한 뒤 출동하세요"
BANNER_EN = "Confirm the plate visually before acting"


async def test_a_candidate_confirmed_in_the_center_console_updates_the_police_view(
    stack: Stack, browser: BrowserContext
) -> None:
    # A missing child: look-alike candidates reach the police at once, marked unconfirmed.
    await stack.wanted(
        "34나5678",
        category="missing_person",
        case_number="2026-강남-000456",
        reason="치매 노인 실종, 본인 차량 운전 중",
        vehicle={"make": "기아", "model": "모닝", "colour": "노란색"},
    )
    # A second missing person's car: its look-alike read is the queue's second item (the
    # decision chain gathers one vehicle's reads for one entry into one item).
    await stack.wanted(
        "56다7890",
        category="missing_person",
        case_number="2026-강남-000457",
        reason="실종 아동, 보호자 차량",
        vehicle={"make": "현대", "model": "아반떼", "colour": "검정"},
    )
    police = await browser.new_page()
    police_errors = watch_errors(police)
    await police.goto(stack.police_console(DISPATCHER))
    await ready(police)
    await police.wait_for_selector("#conn[data-state='open']")
    center = await browser.new_page()
    center_errors = watch_errors(center)
    seocho = stack.centers["seocho"]
    await center.goto(seocho.console(operator("seocho")))
    await ready(center)

    shot = await synthetic_snapshot(center, "34나5676", "SC-02")
    other = await synthetic_snapshot(center, "56더7890", "SC-04")
    yellow = {"colour": "노란색", "type": "승용차"}
    black = {"colour": "검정", "type": "승용차"}
    await stack.post_reads(
        "seocho",
        [
            # An unsure OCR (confidence 0.6) is what makes a look-alike a candidate; the
            # colour the camera saw agrees with the entry's, so it is shown at once.
            read(
                "c-1",
                "34나5676",
                "SC-02",
                ago_s=300,
                snapshot_jpeg=shot,
                confidence=0.6,
                vehicle=yellow,
            ),
            read(
                "c-2",
                "56더7890",
                "SC-04",
                ago_s=20,
                snapshot_jpeg=other,
                confidence=0.6,
                vehicle=black,
            ),
        ],
    )

    # The police see two amber candidates with the banner, awaiting the center.
    pending = police.locator(".alert-card[data-confirmation='pending']")
    await pending.nth(1).wait_for(state="visible", timeout=5000)
    assert await pending.count() == 2
    assert BANNER_KO in await pending.first.locator(".banner-visual").inner_text()
    assert await pending.first.locator(".badge").inner_text() == "유사(오인식 가능)"

    # The operator's queue: oldest first, snapshot beside the wanted vehicle.
    items = center.locator(".queue-item")
    await items.nth(1).wait_for(state="visible", timeout=5000)
    await center.locator("img.snapshot").wait_for(state="visible", timeout=5000)
    assert await center.locator(".wanted-block .plate").inner_text() == "34나5678"
    assert await center.locator(".read-block .plate").inner_text() == "34나5676"
    # In the vocabulary's words (노란색 is 노랑), colour first (issue 18).
    assert "노랑 기아 모닝" in await center.locator(".wanted-block").inner_text()
    await shoot(center, "center-queue-1280x800")

    # Keyboard only: J to the second candidate, R, Enter (rejected with the default reason).
    await center.keyboard.press("j")
    await center.wait_for_selector(".queue-item.selected[data-hit-id] .plate >> text=56더7890")
    await center.keyboard.press("r")
    reason = center.locator("#decision-reason")
    await reason.wait_for(state="visible")
    assert await reason.evaluate("el => el === document.activeElement")
    await center.keyboard.press("Enter")
    await center.locator(".recent-item[data-state='rejected']").wait_for(state="visible")

    # Then C, a reason of one's own, Enter: confirmed.
    await center.wait_for_selector(".queue-item.selected .plate >> text=34나5676")
    await center.keyboard.press("c")
    await reason.wait_for(state="visible")
    await center.keyboard.type("노란색 모닝, 번호판 34나5678 육안 확인")
    watch = Stopwatch()
    await center.keyboard.press("Enter")
    confirmed = police.locator(".alert-card[data-confirmation='confirmed']")
    await confirmed.wait_for(state="visible", timeout=5000)
    update_s = watch()
    print(f"\ntiming: Enter at the center → police card confirmed {update_s * 1000:.0f} ms")
    assert update_s < 2.0, f"the police view took {update_s:.3f} s to update"
    await center.locator(".recent-item[data-state='confirmed']").wait_for(state="visible")
    assert await center.locator(".queue-item").count() == 0

    text = await confirmed.locator(".confirmation").inner_text()
    assert "센터 확인됨" in text
    # The person's name, as records show it, never the account id.
    assert operator("seocho").name in text
    assert "op.seocho" not in text
    decided_by = center.locator(".recent-item[data-state='confirmed'] [data-role='decided-by']")
    assert await decided_by.inner_text() == operator("seocho").name
    assert "노란색 모닝, 번호판 34나5678 육안 확인" in text
    rejected = police.locator(".alert-card[data-confirmation='rejected']")
    await rejected.wait_for(state="visible", timeout=5000)
    assert "출동하지 마세요" in await rejected.locator(".banner-withdrawn").inner_text()
    await police.mouse.move(5, 400)
    await shoot(police, "police-candidate-confirmed-1280x800")

    await police.locator("#lang-toggle").click()
    assert BANNER_EN in await confirmed.locator(".banner-visual").inner_text()
    assert "Confirmed by the center" in await confirmed.locator(".confirmation").inner_text()
    await shoot(police, "police-candidate-confirmed-english-1280x800")
    assert not police_errors, police_errors
    assert not center_errors, center_errors
