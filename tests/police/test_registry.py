"""The registry on SQLite and PostgreSQL: refusals store nothing; two people; versions; expiry."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
import sqlalchemy as sa

from safenet.audit import store as audit
from safenet.auth import Principal
from safenet.link import HotlistDelta, decode
from safenet.link.tables import outbox
from safenet.police.errors import EntryNotFound, GateRefused, TwoPersonRule, WrongState
from safenet.police.tables import hotlist_versions, wanted
from safenet.police.types import Ending, Renewal, Status
from safenet.service import Forbidden
from tests.police.support import APPROVER, BOTH, DISPATCHER, REGISTRAR, REGISTRAR2, Police, draft


def _count(police: Police, table: sa.Table) -> int:
    with police.db.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _deltas(police: Police) -> list[HotlistDelta]:
    with police.db.read() as conn:
        rows = conn.execute(
            sa.select(outbox.c.payload)
            .where(outbox.c.message_type == "hotlist_delta")
            .order_by(outbox.c.seq)
        ).all()
    return [decode(bytes(r.payload)) for r in rows]  # type: ignore[misc]


async def test_a_refused_registration_stores_nothing(police_db: Police) -> None:
    audit_before = _count(police_db, audit.audit_log)
    with pytest.raises(GateRefused):
        await police_db.service.actions.register(draft(category="fraud"), REGISTRAR)
    with pytest.raises(GateRefused):
        await police_db.service.actions.register(draft(case_number=None), REGISTRAR)
    assert _count(police_db, wanted) == 0
    assert _count(police_db, audit.audit_log) == audit_before
    assert _count(police_db, hotlist_versions) == 1  # the initial empty hotlist only


async def test_two_person_rule_then_delta_then_cancel(police_db: Police) -> None:
    service = police_db.service
    entry = await service.actions.register(draft(), REGISTRAR)
    assert entry.status is Status.PENDING
    assert service.registry.active() == []

    with pytest.raises(TwoPersonRule, match="approver: must differ from the registrar"):
        # The registrar holding the approver role too is still the same person.
        await service.actions.approve(
            entry.entry_id, Principal(REGISTRAR.subject, REGISTRAR.name, APPROVER.roles)
        )
    both = await service.actions.register(draft(case_number="2026-000777"), BOTH)
    with pytest.raises(TwoPersonRule):
        await service.actions.approve(both.entry_id, BOTH)
    with pytest.raises(Forbidden):
        await service.actions.approve(entry.entry_id, REGISTRAR2)

    outcome = await service.actions.approve(entry.entry_id, APPROVER)
    assert outcome.entry.status is Status.ACTIVE
    assert outcome.entry.approver == APPROVER.subject
    assert outcome.change is not None
    assert outcome.change.version == 2
    assert [e.entry_id for e in service.registry.active()] == [entry.entry_id]
    with pytest.raises(WrongState):
        await service.actions.approve(entry.entry_id, APPROVER)

    cancelled = await service.actions.cancel(
        entry.entry_id, Ending(reason="vehicle found"), REGISTRAR2
    )
    assert cancelled.entry.status is Status.CANCELLED
    assert cancelled.change is not None
    assert cancelled.change.version == 3
    assert service.registry.active() == []

    deltas = _deltas(police_db)
    assert [(d.base_version, d.version) for d in deltas] == [(1, 2), (2, 3)]
    assert [e.entry_id for e in deltas[0].added] == [entry.entry_id]
    assert deltas[0].added[0].category == "kidnapping"
    assert deltas[1].removed == [entry.entry_id]

    with police_db.db.read() as conn:
        actions = [r.action for r in audit.records(conn)]
        assert audit.verify(conn).ok
    assert actions == [
        "wanted.register",
        "wanted.register",
        "wanted.approve",
        "wanted.cancel",
    ]


async def test_roles_are_required(police: Police) -> None:
    with pytest.raises(Forbidden):
        await police.service.actions.register(draft(), APPROVER)
    entry = await police.service.actions.register(draft(), REGISTRAR)
    with pytest.raises(Forbidden):
        await police.service.actions.cancel(entry.entry_id, Ending(reason="x"), DISPATCHER)
    with pytest.raises(EntryNotFound):
        await police.service.actions.approve("W-nope", APPROVER)


async def test_expiry_removes_the_entry_from_the_next_version(police_db: Police) -> None:
    service, clock = police_db.service, police_db.clock
    short = await service.actions.register(draft(expires_in_hours=1), REGISTRAR)
    long = await service.actions.register(
        draft(case_number="2026-000999", plate="34나5678"), REGISTRAR
    )
    await service.actions.approve(short.entry_id, APPROVER)
    await service.actions.approve(long.entry_id, APPROVER)
    assert await service.actions.sweep() is None

    clock.advance(hours=1)
    change = await service.actions.sweep()
    assert change is not None
    assert change.removed == (short.entry_id,)
    assert change.version == 4
    assert service.registry.get(short.entry_id).status is Status.EXPIRED
    assert [e.entry_id for e in service.registry.active()] == [long.entry_id]
    last = _deltas(police_db)[-1]
    assert (last.version, last.removed, last.added) == (4, [short.entry_id], [])
    assert await service.actions.sweep() is None


async def test_a_pending_entry_expires_without_a_version(police: Police) -> None:
    entry = await police.service.actions.register(draft(expires_in_hours=2), REGISTRAR)
    police.clock.advance(hours=3)
    assert await police.service.actions.sweep() is None
    assert police.service.registry.get(entry.entry_id).status is Status.EXPIRED
    with pytest.raises(WrongState):
        await police.service.actions.approve(entry.entry_id, APPROVER)


async def test_an_expiry_given_in_seoul_time_is_kept_as_the_same_instant(police: Police) -> None:
    # SQLite keeps no offset: a +09:00 expiry once came back as UTC, nine hours late,
    # and the entry stayed on the hotlist past the expiry the officer set.
    service = police.service
    kst = timezone(timedelta(hours=9))
    wanted_until = (police.clock() + timedelta(hours=2)).astimezone(kst)
    entry = await service.actions.register(draft(expires_at=wanted_until), REGISTRAR)
    assert entry.expires_at == wanted_until
    await service.actions.approve(entry.entry_id, APPROVER)
    police.clock.advance(hours=3)
    assert service.registry.active() == []
    change = await service.actions.sweep()
    assert change is not None
    assert change.removed == (entry.entry_id,)


async def test_renewal_moves_expiry_and_redistributes(police: Police) -> None:
    service = police.service
    entry = await service.actions.register(draft(), REGISTRAR)
    await service.actions.approve(entry.entry_id, APPROVER)
    with pytest.raises(GateRefused, match="reason: is required"):
        await service.actions.renew(entry.entry_id, Renewal(expires_in_hours=100), REGISTRAR)
    with pytest.raises(GateRefused, match="at most 30 days"):
        await service.actions.renew(
            entry.entry_id, Renewal(reason="x", expires_in_hours=24 * 31), APPROVER
        )
    outcome = await service.actions.renew(
        entry.entry_id, Renewal(reason="suspect still at large", expires_in_hours=100), APPROVER
    )
    assert outcome.entry.expires_at == police.clock() + timedelta(hours=100)
    assert outcome.entry.renewals == 1
    assert outcome.change is not None
    assert outcome.change.added == (entry.entry_id,)
    delta = _deltas(police)[-1]
    assert delta.added[0].expires_at == outcome.entry.expires_at

    resolved = await service.actions.resolve(
        entry.entry_id, Ending(reason="child found safe"), REGISTRAR
    )
    assert resolved.entry.status is Status.RESOLVED
    assert resolved.entry.end_reason == "child found safe"
    with pytest.raises(WrongState):
        await service.actions.renew(
            entry.entry_id, Renewal(reason="x", expires_in_hours=1), REGISTRAR
        )
    with pytest.raises(WrongState):
        await service.actions.cancel(entry.entry_id, Ending(reason="x"), REGISTRAR)


async def test_cancelling_a_pending_entry_makes_no_version(police: Police) -> None:
    entry = await police.service.actions.register(draft(), REGISTRAR)
    outcome = await police.service.actions.cancel(entry.entry_id, Ending(reason="typo"), REGISTRAR)
    assert outcome.change is None
    assert _deltas(police) == []


async def test_the_danger_to_life_policy_reaches_the_centers(police: Police) -> None:
    entry = await police.service.actions.register(draft(category="missing_person"), REGISTRAR)
    await police.service.actions.approve(entry.entry_id, APPROVER)
    sent = _deltas(police)[-1].added[0]
    assert sent.fuzzy_allowance == 1.0
    assert sent.confirm_before_send is False
    assert sent.policy == "default"


async def test_the_violent_crime_policy_reaches_the_centers(police: Police) -> None:
    entry = await police.service.actions.register(draft(category="homicide"), REGISTRAR)
    await police.service.actions.approve(entry.entry_id, APPROVER)
    sent = _deltas(police)[-1].added[0]
    assert (sent.policy, sent.fuzzy_allowance, sent.confirm_before_send) == ("default", 0.0, True)
    assert sent.vehicle == "현대 쏘나타 흰색"
