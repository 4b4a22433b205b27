"""The pattern policy at the police's gate, through the API (issue 13, "Privacy limits").

The issue's attack: a ``missing_person`` entry with the pattern ``*4321`` passed the gate
and its hits went out unconfirmed. Now the registrar is told how vague the pattern is;
without a colour and a type it is refused with the reason, with them it is registered
with every hit held for an operator (``confirm_before_send`` on the hotlist).
"""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from safenet.audit.store import audit_log
from safenet.link import HotlistDelta, LookupCapExceeded
from safenet.link.alarms import AlarmKind
from safenet.police.tables import wanted
from tests.police.support import APPROVER, REGISTRAR, Police, auth, center_hotlist, wait_until

MISSING: dict[str, Any] = {
    "plate": "*4321",
    "category": "missing_person",
    "case_number": "2026-서초-실종-0007",
    "reason": "dementia patient drove off; a neighbour remembers the last four digits",
}


async def test_a_vague_pattern_without_a_description_is_refused_with_the_reason(
    police: Police,
) -> None:
    async with police.http() as http:
        response = await http.post(
            "/api/v1/wanted",
            json={**MISSING, "vehicle": {"make": "", "model": "", "colour": ""}},
            headers=auth(REGISTRAR),
        )
        assert response.status_code == 422, response.text
        body = response.json()
        problems = {p["field"]: p for p in body["details"]["problems"]}
        assert {"vehicle.colour", "vehicle.type"} <= set(problems)
        colour = problems["vehicle.colour"]
        assert colour["code"] == "pattern.vehicle.colour"
        assert colour["params"]["one_in"] == 10_000
        assert colour["params"]["vehicles"] > 1000
        assert "1 in 10,000 plates" in colour["reason"]
    with police.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(wanted)).scalar_one() == 0


async def test_a_pattern_vaguer_than_the_floor_is_refused_whatever_the_description(
    police: Police,
) -> None:
    async with police.http() as http:
        response = await http.post(
            "/api/v1/wanted",
            json={**MISSING, "plate": "12가*", "vehicle": {"model": "SUV", "colour": "흰색"}},
            headers=auth(REGISTRAR),
        )
        assert response.status_code == 422, response.text
        [problem] = [p for p in response.json()["details"]["problems"] if p["field"] == "plate"]
        assert "too vague" in problem["reason"]
        assert problem["code"] == "pattern.plate"


async def test_a_described_vague_pattern_is_registered_with_every_hit_held(
    police: Police,
) -> None:
    async with police.http() as http:
        created = await http.post(
            "/api/v1/wanted",
            json={**MISSING, "vehicle": {"make": "현대", "model": "SUV", "colour": "흰색"}},
            headers=auth(REGISTRAR),
        )
        assert created.status_code == 201, created.text
        entry = created.json()
        assert entry["hold_hits"] is True
        assert entry["specificity"]["one_in"] == 10_000
        approved = await http.post(
            f"/api/v1/wanted/{entry['entry_id']}/approve", headers=auth(APPROVER)
        )
        assert approved.status_code == 200, approved.text
    deltas = [m for m in await center_hotlist(police, "seocho") if isinstance(m, HotlistDelta)]
    [added] = [e for d in deltas for e in d.added if e.entry_id == entry["entry_id"]]
    assert added.confirm_before_send is True  # the center holds every hit for an operator


async def test_a_full_plate_is_not_held_by_the_pattern_policy(police: Police) -> None:
    async with police.http() as http:
        created = await http.post(
            "/api/v1/wanted",
            json={**MISSING, "plate": "12가4321", "vehicle": {"colour": "흰색"}},
            headers=auth(REGISTRAR),
        )
        assert created.status_code == 201, created.text
        assert created.json()["hold_hits"] is False
        assert created.json()["specificity"] is None


async def test_a_centers_capped_look_up_alarms_the_police(police: Police) -> None:
    transport = await police.center("seocho")
    message = LookupCapExceeded(
        site="seocho",
        entry_id="W-1",
        hotlist_version=2,
        vehicles=8,
        max_vehicles=3,
        looked_up_at=police.clock(),
    )
    await transport.publish(message)
    await transport.publish(message)  # a redelivery alarms once
    alarms = police.service.transport.alarms
    await wait_until(lambda: alarms.count(AlarmKind.LOOKUP_CAP, site="seocho") == 1)
    await wait_until(lambda: any(e.kind == "link_alarm" for e in police.service.hub.recent()))
    await asyncio.sleep(0.2)
    assert alarms.count(AlarmKind.LOOKUP_CAP) == 1
    with police.db.read() as conn:
        [record] = conn.execute(
            sa.select(audit_log).where(audit_log.c.action == "link.alarm.lookup_cap")
        ).all()
    assert record.details["outcome"] == "capped"
    assert "8 vehicles" in record.details["detail"]
