"""Evidence in the consoles: asked for from the police alert card, approved in the
center's queue, the verified pictures and route on the card, the register page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import BrowserContext

from tests.evidence.stack import evidence_stack
from tests.web.browser import ready, shoot, watch_errors

pytestmark = pytest.mark.browser

PLATE = "12가3456"


async def test_request_from_the_card_approve_in_the_queue_pictures_on_the_card(
    tmp_path: Path, browser: BrowserContext
) -> None:
    async with evidence_stack(tmp_path) as stack:
        entry = await stack.wanted(PLATE)
        police = await browser.new_page()
        police_errors = watch_errors(police)
        await police.goto(stack.police_console())
        await ready(police)
        await police.wait_for_selector("#conn[data-state='open']")
        # Another car just after the first hit, in its photo window; SC-01 to SC-04 is
        # 1.5 km, a drive of 89 s one car can make.
        await stack.background("seocho", "34나5678", "SC-01", "bg-1", ago_s=85)
        await stack.hit("seocho", PLATE, "SC-01", "r-1", ago_s=90)
        await stack.hit("seocho", PLATE, "SC-04", "r-2", ago_s=1)

        # The officer asks from the first hit's card: photos and the route are ticked.
        card = police.locator(".alert-card", has=police.locator(".where", has_text="/ SC-01")).first
        await card.wait_for(state="visible", timeout=10_000)
        await card.locator("[data-action='evidence-request']").click()
        form = card.locator(".evidence-form")
        await form.locator("input[name=rank]").fill("경위")
        await form.locator("input[name=agency]").fill("서울서초경찰서 형사과")
        await shoot(police, "police-evidence-request-form-1280x800")
        await form.locator("[data-action='evidence-send']").click()
        await card.locator(".evidence-request[data-evidence-state='sent']").wait_for(
            state="visible", timeout=5000
        )
        assert "센터 승인 대기" in await card.locator(".evidence-state").first.inner_text()

        # The operator sees it beside the candidates, with the entry's category and case.
        center = await browser.new_page()
        center_errors = watch_errors(center)
        await center.goto(stack.center_console("seocho"))
        await ready(center)
        item = center.locator(".evidence-item")
        await item.wait_for(state="visible", timeout=10_000)
        text = await item.inner_text()
        assert "약취·유인(납치)" in text
        assert "2026-서초-000123" in text
        assert "개인정보보호법 제18조제2항제7호" in text
        assert "경위" in text
        await shoot(center, "center-evidence-queue-1280x800")
        await item.locator("[data-action='approve-all']").click()
        await item.wait_for(state="detached", timeout=5000)

        # Back on the card: verified, with the pictures and the route.
        received = card.locator(".evidence-request[data-evidence-state='received']")
        await received.wait_for(state="visible", timeout=10_000)
        photos = received.locator("img.evidence-photo")
        await photos.nth(1).wait_for(state="visible", timeout=5000)
        await police.wait_for_function(
            "() => [...document.querySelectorAll('img.evidence-photo')]"
            ".every((img) => img.complete && img.naturalWidth > 0)",
            timeout=5000,
        )
        assert await photos.count() == 2
        route = received.locator(".evidence-route")
        await route.locator("li[data-camera-id='SC-04']").wait_for(state="visible", timeout=5000)
        assert await route.locator("li").count() == 2
        # The card re-renders as the track loads: scroll in one step, by selector.
        await police.evaluate(
            "() => document.querySelector(\".evidence-request[data-evidence-state='received']\")"
            ".scrollIntoView({block: 'center'})"
        )
        await shoot(police, "police-evidence-on-card-1280x800")

        views = await stack.police_api("GET", "/evidence/requests?entry_id=" + entry)
        package_id = views["requests"][0]["package_id"]
        logged = await stack.police_api("GET", f"/evidence/packages/{package_id}/views")
        assert len(logged["views"]) == 3  # two pictures and the route, each opened once

        await police.locator("#lang-toggle").click()
        assert "Received" in await received.locator(".evidence-state").inner_text()

        # The register page: one row per provided item, filtered by case.
        await center.goto(stack.center_console("seocho", "register"))
        await ready(center)
        rows = center.locator("#register-table tbody tr")
        await rows.nth(1).wait_for(state="visible", timeout=5000)
        assert await rows.count() == 2
        assert "정지영상" in await rows.nth(0).inner_text()
        assert "이동경로" in await rows.nth(1).inner_text()
        await center.locator("input[name=case_number]").fill("2026-다른-000001")
        await center.locator("[data-action='search']").click()
        await center.locator("#register-empty").wait_for(state="visible", timeout=5000)
        await shoot(center, "center-register-1280x800")
        assert not police_errors, police_errors
        assert not center_errors, center_errors


async def test_request_from_a_hit_on_the_track(tmp_path: Path, browser: BrowserContext) -> None:
    """A click on a hit of the vehicle's line on the map opens the same request dialog."""
    async with evidence_stack(tmp_path) as stack:
        entry = await stack.wanted(PLATE)
        police = await browser.new_page()
        errors = watch_errors(police)
        await police.goto(stack.police_console())
        await ready(police)
        await police.wait_for_selector("#conn[data-state='open']")
        await stack.hit("seocho", PLATE, "SC-01", "r-1", ago_s=90)  # 1.5 km from SC-04: drivable
        await stack.hit("seocho", PLATE, "SC-04", "r-2", ago_s=1)

        marker = police.locator(".hit-marker[data-number='1']")
        await marker.wait_for(state="visible", timeout=10_000)
        await marker.click()
        panel = police.locator("#track-evidence")
        await panel.wait_for(state="visible", timeout=5000)
        assert "경로의 발견 지점" in await panel.inner_text()
        assert "SC-01" in await panel.inner_text()
        await panel.locator("[data-action='evidence-request']").click()
        form = panel.locator(".evidence-form")
        assert "요청 보내기" in await form.inner_text()  # the card's dialog, Korean first
        await form.locator("input[name=rank]").fill("경위")
        await form.locator("input[name=agency]").fill("서울서초경찰서 형사과")
        await shoot(police, "police-evidence-from-track-1280x800")
        await form.locator("[data-action='evidence-send']").click()
        await panel.locator(".evidence-request[data-evidence-state='sent']").wait_for(
            state="visible", timeout=5000
        )
        sent = await stack.police_api("GET", "/evidence/requests?entry_id=" + entry)
        (request,) = sent["requests"]
        assert {i["kind"] for i in request["items"]} == {"scene_photos", "escape_route"}
        first = request["items"][0]["hit_id"]
        await stack.queued("seocho", request["request_id"])
        seen = await stack.center_api(
            "seocho", "GET", f"/evidence/requests/{request['request_id']}"
        )
        assert seen["items"][0]["hit_id"] == first
        await police.locator("#lang-toggle").click()
        assert "Hit on the track" in await panel.inner_text()
        assert not errors, errors
