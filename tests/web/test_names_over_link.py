"""Records name the person, not the account: a center operator's decision crosses the link
with their rank and name, and the police card's acknowledge and dispatch lines name the
officer (police and two centers over the in-process link; no browser)."""

from __future__ import annotations

import asyncio
from typing import Any

from safenet.auth import Principal, Role
from tests.web.stack import Stack, read

PARK = Principal("park.op", "주무관 박서연", frozenset({Role.OPERATOR}), frozenset({"seocho"}))
JUNG = Principal("jung.dispatch", "경위 정상황", frozenset({Role.DISPATCHER}))


async def _eventually(probe: Any, within_s: float = 10.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        found = await probe()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not seen in time")
        await asyncio.sleep(0.05)


async def test_decisions_acknowledgements_and_dispatches_show_rank_and_name(stack: Stack) -> None:
    await stack.wanted("34나5678", category="kidnapping")
    seocho = stack.centers["seocho"]
    headers = {"Authorization": f"Bearer {seocho.token(PARK)}"}
    await stack.post_reads("seocho", [read("n-1", "34나5676", "SC-02", confidence=0.6)])

    async def candidates() -> list[dict[str, Any]]:
        answer = await stack.client.get(f"{seocho.url}/api/v1/candidates", headers=headers)
        return list(answer.json()["candidates"])

    (candidate,) = await _eventually(candidates)
    decided = await stack.client.post(
        f"{seocho.url}/api/v1/candidates/{candidate['hit_id']}/confirm",
        json={"reason": "흰색 쏘나타, 번호판 일치"},
        headers=headers,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["hit"]["decision"]["by_name"] == "주무관 박서연"

    async def confirmed() -> list[dict[str, Any]]:
        alerts = (await stack.police_api("GET", "/alerts", JUNG))["alerts"]
        return [a for a in alerts if (a.get("hit") or {}).get("confirmation") == "confirmed"]

    alert = (await _eventually(confirmed))[0]
    assert alert["hit"]["decided_by"] == "park.op"
    assert alert["hit"]["decided_by_name"] == "주무관 박서연"
    hit_alert = next(
        a for a in (await stack.police_api("GET", "/alerts", JUNG))["alerts"] if a["kind"] == "hit"
    )
    acked = await stack.police_api("POST", f"/alerts/{hit_alert['alert_id']}/acknowledge", JUNG)
    assert (acked["acknowledged_by"], acked["acknowledged_by_name"]) == (
        "jung.dispatch",
        "경위 정상황",
    )
    sent = await stack.police_api(
        "POST", f"/alerts/{hit_alert['alert_id']}/dispatch", JUNG, {"note": "서초 1호차 출동"}
    )
    assert sent["dispatched_by_name"] == "경위 정상황"
