"""The center's hotlist: snapshots, deltas, acks, gaps, restarts and retrospective look-ups."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from safenet.audit import store as audit_store
from safenet.audit.store import audit_log
from safenet.center.tables import hits, retro_lookups
from safenet.link import MemoryBroker
from tests.center.conftest import CenterEnv, Clock, entry, read, running_center


async def test_a_snapshot_and_a_delta_are_applied_and_acknowledged(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3456"), entry("E2", "34나5678")])
    (ack,) = await center.police.wait_for("HotlistAck", 1)
    assert (ack.site, ack.version, ack.entry_count) == ("seocho", 1, 2)
    await center.delta(added=[entry("E3", "56다7890")], removed=["E1"])
    acks = await center.police.wait_for("HotlistAck", 2)
    assert (acks[1].version, acks[1].entry_count) == (2, 2)
    assert {e.entry_id for e in center.service.hotlist.entries()} == {"E2", "E3"}
    await center.post([read("r1", "12가3456", center.clock())])
    await center.post([read("r2", "56다7890", center.clock(), camera="SC-02")])
    (report,) = await center.reports(1)
    assert report.entry_id == "E3"
    assert report.hotlist_version == 2
    await center.settle()
    assert len(center.police.of("LocationReport")) == 1


async def test_a_delta_that_does_not_build_on_our_version_waits_for_a_snapshot(
    sqlite_center: CenterEnv,
) -> None:
    center = sqlite_center
    await center.snapshot([entry("E1", "12가3456")])
    await center.police.wait_for("HotlistAck", 1)
    # Version 3 built on 2, which this center never got: not applied, not acknowledged,
    # and a heartbeat tells the police which version the center still has.
    await center.delta(added=[entry("E9", "99가9999")], base=2, wait=False)
    (beat,) = await center.police.wait_for("Heartbeat", 1)
    assert beat.hotlist_version == 1
    assert center.service.hotlist.version == 1
    assert len(center.police.of("HotlistAck")) == 1
    # The police answer with a snapshot of the current version.
    center.version = 3
    await center.snapshot([entry("E1", "12가3456"), entry("E9", "99가9999")])
    assert center.service.hotlist.version == 4
    assert (await center.police.wait_for("HotlistAck", 2))[1].version == 4


async def test_a_snapshot_in_parts_is_applied_once_all_parts_are_in(
    sqlite_center: CenterEnv,
) -> None:
    from safenet.link import HotlistSnapshot

    center = sqlite_center
    issued = center.clock()
    first = HotlistSnapshot(
        target="all",
        version=1,
        issued_at=issued,
        part=1,
        parts=2,
        entries=[entry("E1", "12가3456")],
    )
    second = HotlistSnapshot(
        target="all",
        version=1,
        issued_at=issued,
        part=2,
        parts=2,
        entries=[entry("E2", "34나5678")],
    )
    await center.police_transport.publish(first)
    await center.settle(0.2)
    assert center.service.hotlist.version == 0
    await center.police_transport.publish(second)
    await center.wait_version(1)
    assert len(center.service.hotlist) == 2


async def test_a_restarted_center_matches_with_its_last_hotlist_while_the_link_is_down(
    sqlite_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    async with running_center(sqlite_url, tmp_path, clock=clock) as env:
        await env.snapshot([entry("E1", "12가3456")])
    broker = MemoryBroker()
    broker.set_available(False)
    async with running_center(sqlite_url, tmp_path, broker=broker, clock=clock) as env:
        assert env.service.hotlist.version == 1
        response = await env.post([read("r1", "12가3456", clock())])
        assert response.json()["accepted"] == ["r1"]
        with env.service.db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one() == 1
        broker.set_available(True)
        (report,) = await env.reports(1, within_s=15)
        assert report.entry_id == "E1"


async def test_an_entry_added_after_its_read_is_found_retrospectively(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    seen = center.clock() - timedelta(hours=2)
    await center.post(
        [
            read("old-1", "78라1234", seen, camera="SC-02"),
            read("old-2", "11가1111", seen + timedelta(minutes=1)),
            read("old-3", "22나2222", seen + timedelta(minutes=2)),
        ]
    )
    await center.settle(0.1)
    assert center.police.of("LocationReport") == []
    await center.delta(added=[entry("E2", "78라1234")])
    (report,) = await center.reports(1)
    assert report.entry_id == "E2"
    assert report.retrospective is True
    assert report.camera_id == "SC-02"
    assert "Retrospective" in report.explanation
    with center.service.db.read() as conn:
        (record,) = conn.execute(
            sa.select(audit_log).where(
                audit_log.c.action == "hotlist.retrospective_lookup", audit_log.c.subject == "E2"
            )
        ).all()
        assert record.subject == "E2"
        assert record.details["reads_searched"] == 1  # the key candidates: 78라1234 only
        assert record.details["lookup"] == "keys"
        assert record.details["hits"] == 1
        # The audit never holds the plates of the reads that did not match.
        assert "11가1111" not in str(record.details)
        assert audit_store.verify(conn).ok
        done = conn.execute(sa.select(retro_lookups.c.done_at)).scalars().all()
        assert all(d is not None for d in done)
