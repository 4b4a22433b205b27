"""Issue 13's look-up attack on a running center: ``*4321`` must not send everyone's reads.

Before: a ``missing_person`` entry ``*4321`` looked back over 24 hours and sent 8 of 8
uninvolved cars' reads to the police, unconfirmed. Now every look-up hit on a pattern
is held for an operator, at most ``privacy.lookup_max_vehicles`` vehicles are kept, and
more is a ``lookup_cap`` alarm on the center and a message that alarms the police.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from safenet.audit.store import audit_log
from safenet.center.tables import hits
from safenet.link import LookupCapExceeded
from safenet.link.alarms import AlarmKind
from tests.center.conftest import entry, read, running_center

EIGHT_CARS = ["12가4321", "34나4321", "56다4321", "78라4321", "91마4321", "23거4321", "45너4321"]
EIGHT_CARS.append("67더4321")


async def test_a_vague_pattern_look_up_is_capped_held_and_alarmed(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with running_center(sqlite_url, tmp_path) as center:
        await center.snapshot([entry("E1", "12가3456")])
        seen = center.clock() - timedelta(hours=3)
        await center.post(
            [
                read(f"old-{i}", plate, seen + timedelta(minutes=i))
                for i, plate in enumerate(EIGHT_CARS)
            ]
        )
        await center.settle(0.1)
        await center.delta(
            added=[entry("E2", "*4321", category="missing_person", vehicle="흰색 SUV")]
        )
        [cap] = await center.police.wait_for("LookupCapExceeded", 1)
        assert isinstance(cap, LookupCapExceeded)
        assert (cap.entry_id, cap.vehicles, cap.max_vehicles) == ("E2", 8, 3)
        await center.settle(0.3)
        # Nothing went to the police unconfirmed: every look-up hit waits for an operator.
        assert [r for r in center.police.of("LocationReport") if r.entry_id == "E2"] == []
        with center.service.db.read() as conn:
            rows = conn.execute(sa.select(hits).where(hits.c.entry_id == "E2")).all()
            [record] = conn.execute(
                sa.select(audit_log).where(
                    audit_log.c.action == "hotlist.retrospective_lookup",
                    audit_log.c.subject == "E2",
                )
            ).all()
        assert len(rows) == 3
        assert {(r.state, r.reported) for r in rows} <= {("pending", False), ("suppressed", False)}
        assert record.details["outcome"] == "capped"
        assert record.details["vehicles"] == 8
        alarms = center.service.transport.alarms
        assert alarms.count(AlarmKind.LOOKUP_CAP, site="seocho") == 1
        for _ in range(50):  # the alarm's own audit record follows in the event loop
            with center.service.db.read() as conn:
                n = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(audit_log)
                    .where(audit_log.c.action == "link.alarm.lookup_cap")
                ).scalar_one()
            if n:
                break
            await asyncio.sleep(0.05)
        assert n == 1


async def test_a_full_plate_exact_look_up_hit_still_goes_at_once(
    sqlite_url: str, tmp_path: Path
) -> None:
    async with running_center(sqlite_url, tmp_path) as center:
        await center.snapshot([entry("E1", "12가3456")])
        await center.post([read("old-1", "78라1234", center.clock() - timedelta(hours=1))])
        await center.settle(0.1)
        await center.delta(added=[entry("E2", "78라1234")])
        [report] = await center.reports(1)
        assert report.retrospective is True
        assert center.service.transport.alarms.count() == 0
