"""The police live console: a read at a center is on the dispatcher's screen within a second."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import BrowserContext

from tests.web.browser import Stopwatch, ready, shoot, synthetic_snapshot, watch_errors
from tests.web.stack import DISPATCHER, Stack, read

pytestmark = pytest.mark.browser

KST_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} KST$")


def as_kst(iso: str) -> str:
    return (
        datetime.fromisoformat(iso)
        .astimezone(ZoneInfo("Asia/Seoul"))
        .strftime("%Y-%m-%d %H:%M:%S KST")
    )


async def test_a_read_posted_to_a_center_alerts_the_police_console_within_a_second(
    stack: Stack, browser: BrowserContext
) -> None:
    # A danger-to-life case: a candidate goes to the police at once, marked unconfirmed.
    # The impossible leg below is one (one car cannot be at both cameras, so the chain
    # makes the later exact read a candidate, exact_elsewhere); for a violent crime it
    # would wait for the center operator's confirmation first.
    entry_id = await stack.wanted("12가3456", category="missing_person")
    page = await browser.new_page()
    errors = watch_errors(page)
    await page.goto(stack.police_console(DISPATCHER))
    await ready(page)
    await page.wait_for_selector("#conn[data-state='open']")
    assert "token=" not in page.url, "the token must leave the address bar"
    snapshot = await synthetic_snapshot(page, "12가3456")

    first = read("r-1", "12가3456", "SC-01", ago_s=400, snapshot_jpeg=snapshot)
    watch = Stopwatch()
    await stack.post_reads("seocho", [first])
    card = page.locator(".alert-card[data-level='exact']")
    await card.wait_for(state="visible", timeout=5000)
    alert_s = watch()
    await page.locator(".hit-marker[data-number='1']").wait_for(state="visible", timeout=5000)
    marker_s = watch()
    print(f"\ntiming: POST → alert {alert_s * 1000:.0f} ms, → map marker {marker_s * 1000:.0f} ms")
    assert alert_s < 1.0, f"the alert took {alert_s:.3f} s"
    assert marker_s < 1.0, f"the map marker took {marker_s:.3f} s"

    assert await card.locator(".plate").inner_text() == "12가3456"
    assert await card.locator(".badge").inner_text() == "일치"
    assert await card.locator(".banner-visual").count() == 0, "an exact hit needs no banner"
    shown = await card.locator("time.when").inner_text()
    assert KST_TIME.match(shown), shown
    assert shown == as_kst(first["ts"])
    assert "hits/" in await card.locator(".snapshot-line").inner_text()

    # Two more hits: a plausible leg (with its direction arrow) and an impossible one.
    await stack.post_reads("seocho", [read("r-2", "12가3456", "SC-03", ago_s=200)])
    await page.locator(".hit-marker[data-number='2']").wait_for(state="visible", timeout=5000)
    await stack.post_reads("seocho", [read("r-3", "12가3456", "SC-04", ago_s=190)])
    await page.locator(".hit-marker[data-number='3']").wait_for(state="visible", timeout=5000)
    await page.locator("[data-impossible]").wait_for(state="visible", timeout=5000)
    await page.locator(".alert-card[data-kind='flag']").wait_for(state="visible", timeout=5000)
    assert await page.locator(".direction-arrow").count() >= 1
    assert await page.locator(".alert-card[data-level='exact']").count() == 3

    # Acknowledge and dispatch the first hit, from its card; both are recorded.
    first_card = page.locator(".alert-card[data-level='exact']").last
    await first_card.locator("[data-action='ack']").click()
    await first_card.locator(".done-line").first.wait_for(state="visible")
    first_card = page.locator(".alert-card[data-level='exact']").last
    await first_card.locator("[data-action='dispatch']").click()
    await first_card.locator(".dispatch-note").fill("서초 1호차 → 서초역 사거리")
    await first_card.locator("[data-action='send-dispatch']").click()
    await page.locator(".done-line.dispatched").wait_for(state="visible")
    done = await page.locator(".done-line.dispatched").inner_text()
    assert DISPATCHER.name in done
    assert DISPATCHER.subject not in done
    await page.mouse.move(5, 400)
    await shoot(page, "police-live-alerts-1280x800")

    alerts = (await stack.police_api("GET", f"/alerts?entry_id={entry_id}", DISPATCHER))["alerts"]
    recorded = [a for a in alerts if a["dispatched_by"]]
    assert len(recorded) == 1
    assert recorded[0]["acknowledged_by"] == DISPATCHER.subject
    assert recorded[0]["dispatch_note"] == "서초 1호차 → 서초역 사거리"
    assert not errors, errors
