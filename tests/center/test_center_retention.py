"""Retention: non-hit reads are gone after the read retention, hits stay for theirs."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from safenet.audit.store import audit_log
from safenet.center.retention import purge
from safenet.center.tables import cameras, hits, reads, snapshots
from tests.center.conftest import CenterEnv, entry, read, snapshot_b64


def _count(center: CenterEnv, table: sa.Table) -> int:
    with center.service.db.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


async def test_non_hit_reads_older_than_retention_are_gone_and_hits_stay(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    old = center.clock() - timedelta(hours=20)
    await center.post(
        [
            read("n1", "34나5678", old, snapshot_jpeg=snapshot_b64()),
            read("n2", "56다7890", old + timedelta(minutes=1)),
            read("h1", "12가3456", old + timedelta(minutes=2), snapshot_jpeg=snapshot_b64()),
        ]
    )
    await center.reports(1)
    fresh = center.clock()
    await center.post([read("n3", "78라1234", fresh)])
    assert _count(center, reads) == 4
    # The first three are now 26 h old: past the retention by more than one partition
    # (PostgreSQL drops whole partitions of center.read_partition_hours, default 1 h).
    center.clock.advance(hours=6)
    result = await center.service.purge_now()
    assert (result.reads, result.snapshots, result.hits) == (2, 1, 0)
    with center.service.db.read() as conn:
        left = set(conn.execute(sa.select(reads.c.read_id)).scalars())
        (record,) = conn.execute(
            sa.select(audit_log).where(audit_log.c.action == "retention.purge")
        ).all()
    assert left == {"h1", "n3"}
    assert record.details["reads"] == 2
    assert _count(center, snapshots) == 1
    # After the hit retention the hit, its read and its snapshot go too.
    center.clock.advance(days=31)
    result = await center.service.purge_now()
    assert (result.hits, result.hit_reads, result.snapshots) == (1, 1, 1)
    assert _count(center, hits) == 0
    assert _count(center, reads) == 0


async def test_a_camera_with_a_shorter_retention_keeps_reads_shorter(
    sqlite_center: CenterEnv,
) -> None:
    center = sqlite_center
    with center.service.db.begin() as conn:
        conn.execute(
            sa.update(cameras).where(cameras.c.camera_id == "SC-02").values(retention_days=0)
        )
    center.service.registry.load()
    now = center.clock()
    response = await center.post(
        [
            read("a", "34나5678", now - timedelta(hours=1), camera="SC-02"),
            read("b", "34나5678", now - timedelta(hours=1), camera="SC-03"),
        ]
    )
    # SC-02 keeps nothing: its read is refused as older than that camera's retention.
    body = response.json()
    assert body["accepted"] == ["b"]
    assert body["rejected"][0]["field"] == "ts"
    with center.service.db.begin() as conn:
        conn.execute(
            sa.update(cameras).where(cameras.c.camera_id == "SC-03").values(retention_days=0)
        )
    result = purge(
        center.service.db,
        site="seocho",
        read_retention=timedelta(hours=24),
        hit_retention=timedelta(days=30),
        now=center.clock(),
    )
    assert result.reads == 1


async def test_a_dry_run_counts_and_deletes_nothing(sqlite_center: CenterEnv) -> None:
    center = sqlite_center
    await center.post([read("n1", "34나5678", center.clock() - timedelta(hours=23))])
    center.clock.advance(hours=2)
    result = await center.service.purge_now(dry_run=True)
    assert result.reads == 1
    assert "would delete" in str(result)
    assert _count(center, reads) == 1


async def test_a_rejected_candidates_read_goes_back_to_the_read_retention(
    sqlite_center: CenterEnv,
) -> None:
    """Issue 13: an uninvolved car an operator rejected was kept for the 30-day hit retention."""
    from safenet.auth import Principal, Role

    center = sqlite_center
    await center.snapshot([entry("E1", "12가3456")])
    old = center.clock() - timedelta(hours=2)
    await center.post(
        [
            read("c1", "12거3456", old, confidence=0.3),  # a look-alike: a candidate
            read("x1", "12가3456", old + timedelta(minutes=30), camera="SC-03"),  # the car
        ]
    )
    await center.reports(2)
    await center.settle()
    with center.service.db.read() as conn:
        candidate = conn.execute(
            sa.select(hits.c.hit_id).where(hits.c.read_id == "c1")
        ).scalar_one()
    operator = Principal("op-1", "tester", frozenset({Role.OPERATOR}), frozenset({"seocho"}))
    await center.service.candidates.decide(candidate, "rejected", "다른 차량", operator)
    center.clock.advance(hours=23)  # 25 h after the reads: past the read retention only
    result = await center.service.purge_now()
    assert (result.rejected_hits, result.hit_reads) == (1, 1)
    with center.service.db.read() as conn:
        left = set(conn.execute(sa.select(reads.c.read_id)).scalars())
        kept = set(conn.execute(sa.select(hits.c.read_id)).scalars())
    assert left == {"x1"}
    assert kept == {"x1"}  # the confirmed-by-nobody exact hit keeps its 30 days
