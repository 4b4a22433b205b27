"""In the demo: officer A registers, officer B signs in (password + TOTP) and approves.

The demo's own people (safenet.demo.users), on the demo's own services: nothing is
added for the test but a browser. The centers acknowledge the approved entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import BrowserContext

from safenet.config import load_settings
from safenet.demo.stack import DemoStack
from safenet.sim import Simulation
from tests.demo.test_demo_headless import _free_block
from tests.web.browser import ready, watch_errors
from tests.web.test_signin import _sign_in_as

pytestmark = pytest.mark.browser


async def test_the_two_person_rule_with_the_demo_people(
    tmp_path: Path, browser: BrowserContext
) -> None:
    settings = load_settings(var_dir=tmp_path / "var")
    sim = Simulation.from_scenario(None, data_dir=settings.data_dir)
    stack = DemoStack(settings, sim, root=tmp_path / "demo", port=_free_block(5))
    await stack.start()
    try:
        people = {u.user_id: u for u in stack.users}
        assert {"officer.a", "officer.b", "dispatcher"} <= set(people)
        assert {f"operator.{site}" for site in stack.centers} <= set(people)
        a, b = people["officer.a"], people["officer.b"]
        page = await browser.new_page()
        errors = watch_errors(page)
        url = f"{stack.police_url}/console/wanted"
        await _sign_in_as(page, url, a.user_id, a.password, a.totp_secret)
        assert await page.locator("#who-name").inner_text() == a.display_name

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

        await page.locator("#identity summary").click()
        async with page.expect_navigation():
            await page.locator("#signout").click()
        await _sign_in_as(page, url, b.user_id, b.password, b.totp_secret)
        assert await page.locator("#who-name").inner_text() == b.display_name
        card = page.locator(".entry-card[data-status='pending']", has_text="56다7890")
        await card.locator("[data-action='approve']").click()
        await page.locator("#entry-tabs [data-filter='active']").click()
        await page.locator(".entry-card[data-status='active']", has_text="56다7890").wait_for()
        assert stack.police is not None
        version = stack.police.metrics.hotlist_version._value.get()
        for site in stack.centers:
            row = page.locator(
                f"#centers-table tr[data-site='{site}'][data-acked-version='{version:g}']"
            )
            await row.wait_for(state="visible", timeout=15_000)
        await ready(page)
        assert errors == [], errors
    finally:
        await stack.stop()
