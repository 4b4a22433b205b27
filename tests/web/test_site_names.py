"""The consoles learn the sites' display names from config.json; a center's own names
cross the link in its heartbeats (police and two centers over the in-process link)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from safenet import __version__
from safenet.link import Heartbeat
from tests.web.stack import Stack


async def _sites(stack: Stack, url: str) -> dict[str, dict[str, str]]:
    config = (await stack.client.get(f"{url}/console/config.json")).json()
    return {s["id"]: s for s in config["sites"]}


async def test_config_names_the_sites_and_a_heartbeat_renames_its_center(stack: Stack) -> None:
    police = await _sites(stack, stack.police_url)
    assert police["seocho"] == {"id": "seocho", "name_ko": "서초구", "name_en": "Seocho-gu"}
    assert police["gangnam"]["name_ko"] == "강남구"
    center = await _sites(stack, stack.centers["gangnam"].url)
    assert center["gangnam"] == {"id": "gangnam", "name_ko": "강남구", "name_en": "Gangnam-gu"}

    beat = Heartbeat(
        site="seocho",
        software_version=__version__,
        sent_at=datetime.now(UTC),
        site_name="서초구 스마트도시센터",
        site_name_en="Seocho Smart City Center",
    )
    await stack.centers["seocho"].service.transport.publish(beat)
    deadline = asyncio.get_running_loop().time() + 10
    named: dict[str, Any] = {}
    while asyncio.get_running_loop().time() < deadline:
        named = (await _sites(stack, stack.police_url))["seocho"]
        if named["name_ko"] != "서초구":
            break
        await asyncio.sleep(0.05)
    assert named == {
        "id": "seocho",
        "name_ko": "서초구 스마트도시센터",
        "name_en": "Seocho Smart City Center",
    }
