"""The reads table partitioned by read time on PostgreSQL (issue 16, migration center_0011).

The purge drops whole partitions; hits, their reads, snapshots and evidence survive it;
a read whose partition is missing is still stored; a resend is stored once. SQLite
keeps the plain table (its own test at the end).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from safenet.auth import Role
from safenet.center import partitions
from safenet.center.evidence_files import stored_files
from safenet.center.retention import purge
from safenet.center.tables import hits, reads, snapshots
from safenet.evidence import SnapshotQuery
from safenet.store import migrate, open_database
from tests.center.conftest import (
    JPEG,
    SITE,
    CenterEnv,
    auth,
    entry,
    read,
    running_center,
    snapshot_b64,
)
from tests.support.services import fresh_pg_database

pg = pytest.mark.pg


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
async def pg_center(pg_url: str, tmp_path: Path) -> AsyncIterator[CenterEnv]:
    async with running_center(pg_url, tmp_path) as env:
        yield env


def _read_ids(env: CenterEnv) -> list[str]:
    with env.service.db.read() as conn:
        return sorted(conn.execute(sa.select(reads.c.read_id)).scalars())


def _live(env: CenterEnv) -> list[partitions.Partition]:
    with env.service.db.read() as conn:
        return [p for p in partitions.partitions(conn) if p.name != partitions.KEPT]


def _count(env: CenterEnv, table: sa.Table) -> int:
    with env.service.db.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


@pg
async def test_reads_is_partitioned_and_the_purge_drops_partitions_not_rows(
    pg_center: CenterEnv,
) -> None:
    center = pg_center
    with center.service.db.read() as conn:
        assert partitions.is_partitioned(conn)
    old = center.clock() - timedelta(hours=20)
    await center.post(
        [read(f"n{k}", f"34나{5600 + k}", old + timedelta(seconds=k)) for k in range(5)]
    )
    await center.post([read("fresh", "78라1234", center.clock())])
    old_part = next(p for p in _live(center) if p.holds(old))
    center.clock.advance(hours=6)
    deletes: list[str] = []

    def note(_c: object, _cur: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM READS"):
            deletes.append(statement)

    sa.event.listen(center.service.db.engine, "before_cursor_execute", note)
    try:
        result = await center.service.purge_now()
    finally:
        sa.event.remove(center.service.db.engine, "before_cursor_execute", note)
    assert result.partitions >= 1
    assert result.reads == 5
    assert old_part.name not in {p.name for p in _live(center)}
    assert _read_ids(center) == ["fresh"]
    # The non-hit reads went with their partition: no row-by-row DELETE on live ones
    # (one on the small kept partition's range, which finds nothing here).
    assert all("read_at <" in d for d in deletes)
    # Partitions ahead of the clock were made by the purge.
    assert any(p.lower is not None and p.lower > center.clock() for p in _live(center))


@pg
async def test_a_hit_its_read_snapshot_and_evidence_survive_the_partition_drop(
    pg_center: CenterEnv,
) -> None:
    center = pg_center
    await center.snapshot([entry("E1", "12가3456")])
    old = center.clock() - timedelta(hours=20)
    posted = await center.post(
        [
            read(
                "h1",
                "12가3456",
                old,
                snapshot_jpeg=snapshot_b64(),
                vehicle={"colour": "grey", "type": "sedan"},
                alternatives=[{"plate": "12가3458", "confidence": 0.4}],
            ),
            read("n1", "34나5678", old, snapshot_jpeg=snapshot_b64()),
        ]
    )
    assert sorted(posted.json()["accepted"]) == ["h1", "n1"], posted.text
    await center.reports(1)
    with center.service.db.read() as conn:
        (hit_id,) = conn.execute(sa.select(hits.c.hit_id)).scalars().all()
    operator = auth(Role.OPERATOR)
    before = (await center.client.get(f"/api/v1/hits/{hit_id}", headers=operator)).json()
    center.clock.advance(hours=6)
    result = await center.service.purge_now()
    assert result.partitions >= 1
    assert (result.reads, result.snapshots) == (1, 1)
    assert not [p for p in _live(center) if p.holds(old)]  # its partition is gone
    assert _read_ids(center) == ["h1"]
    with center.service.db.read() as conn:
        kept = conn.execute(sa.text(f"SELECT read_id FROM {partitions.KEPT}")).scalars().all()
        files = stored_files(
            conn,
            [
                SnapshotQuery(
                    item=0,
                    form="still",
                    camera_id="SC-01",
                    time_from=old - timedelta(minutes=1),
                    time_to=old + timedelta(minutes=1),
                    hit_id=hit_id,
                )
            ],
            frozenset({0}),
            center.service.registry,
            SITE,
        )
    assert kept == ["h1"]
    after = await center.client.get(f"/api/v1/hits/{hit_id}", headers=operator)
    assert after.status_code == 200
    assert after.json() == before
    assert after.json()["read_confidence"] == 0.95
    assert after.json()["vehicle_seen"]["colour"] == "grey"
    picture = await center.client.get(f"/api/v1/hits/{hit_id}/snapshot", headers=operator)
    assert picture.status_code == 200
    assert picture.content == JPEG
    assert len(files) == 1  # the hit's picture, not the dropped non-hit read's
    # After the hit retention the hit goes, its read and snapshot with it (row delete).
    center.clock.advance(days=31)
    result = await center.service.purge_now()
    assert (result.hits, result.hit_reads) == (1, 1)
    assert _count(center, reads) == 0
    assert _count(center, snapshots) == 0


@pg
async def test_a_long_reader_of_reads_makes_the_purge_skip_the_drop_not_stall_writers(
    pg_center: CenterEnv,
) -> None:
    center = pg_center
    old = center.clock() - timedelta(hours=20)
    await center.post([read("n1", "34나5678", old)])
    center.clock.advance(hours=6)
    reader = center.service.db.engine.connect()  # a retrospective look-up, say
    try:
        reader.execute(sa.text("SELECT count(*) FROM reads"))  # holds ACCESS SHARE
        skipped = purge(
            center.service.db,
            site=SITE,
            read_retention=timedelta(hours=24),
            hit_retention=timedelta(days=30),
            now=center.clock(),
        )
        # Waiting the lock out would have queued every writer behind the purge.
        assert (skipped.partitions, skipped.reads) == (0, 0)
        assert _read_ids(center) == ["n1"]
    finally:
        reader.close()
    result = await center.service.purge_now()
    assert result.partitions >= 1
    assert result.reads == 1
    assert _read_ids(center) == []


@pg
async def test_a_read_for_a_missing_partition_is_stored_not_lost(pg_center: CenterEnv) -> None:
    center = pg_center
    now = center.clock()
    with center.service.db.begin() as conn:
        for p in partitions.partitions(conn):
            conn.execute(sa.text(f"DROP TABLE {p.name}"))
    past = now - timedelta(hours=23, minutes=30)  # within the read retention
    future = now + timedelta(seconds=290)  # within center.max_clock_skew_s
    response = await center.post(
        [read("past", "34나5678", past), read("future", "56다7890", future)]
    )
    assert sorted(response.json()["accepted"]) == ["future", "past"]
    assert _read_ids(center) == ["future", "past"]
    live = _live(center)
    assert any(p.holds(past) for p in live)
    assert any(p.holds(future) for p in live)


@pg
async def test_a_resend_after_its_window_is_stored_once_and_a_reused_id_with_another_time_twice(
    pg_center: CenterEnv,
) -> None:
    center = pg_center
    now = center.clock()
    assert (await center.post([read("r1", "34나5678", now)])).json()["accepted"] == ["r1"]
    center.service.ctx.recent._ids.clear()  # the de-duplicate window has forgotten it
    center.service.ctx.recent._last.clear()
    again = await center.post([read("r1", "34나5678", now)])
    assert again.json()["duplicates"] == ["r1"]
    assert _read_ids(center) == ["r1"]
    # Decision: on PostgreSQL a read is (camera, read id, read time). A camera whose id
    # counter restarted sends a new read under an old id: it is stored, not dropped.
    center.service.ctx.recent._ids.clear()
    center.service.ctx.recent._last.clear()
    reused = await center.post([read("r1", "90마1234", now + timedelta(minutes=3))])
    assert reused.json()["accepted"] == ["r1"]
    assert _read_ids(center) == ["r1", "r1"]


@pg
def test_migration_0011_moves_existing_rows_into_the_partitioned_table(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        migrate(db, "center", to="center_0009")
        now = datetime.now(UTC).replace(microsecond=0)
        rows = [
            ("fresh", now - timedelta(minutes=10), False),
            ("day-old", now - timedelta(days=3), False),
            ("hit", now - timedelta(days=3, minutes=1), True),
        ]
        with db.begin() as conn:
            for read_id, at, is_hit in rows:
                conn.execute(
                    sa.text(
                        "INSERT INTO reads (read_id, camera_id, read_at, received_at, plate, "
                        "confidence, has_snapshot, is_hit) "
                        "VALUES (:id, 'SC-01', :at, :at, '12가3456', 0.9, :snap, :hit)"
                    ),
                    {"id": read_id, "at": at, "snap": is_hit, "hit": is_hit},
                )
            hit_seq = conn.execute(
                sa.text("SELECT seq FROM reads WHERE read_id = 'hit'")
            ).scalar_one()
            conn.execute(sa.insert(snapshots).values(read_seq=hit_seq, jpeg=JPEG, sha256="0" * 64))
            top = conn.execute(sa.text("SELECT max(seq) FROM reads")).scalar_one()
        migrate(db, "center")
        with db.begin() as conn:
            assert partitions.is_partitioned(conn)
            names = {p.name for p in partitions.partitions(conn)}
            assert partitions.KEPT in names
            assert len(names) >= 3
            where = dict(
                conn.execute(sa.text("SELECT read_id, tableoid::regclass::text FROM reads")).all()
            )
            assert where["day-old"] == where["hit"] == partitions.KEPT
            assert where["fresh"].startswith("reads_p")
            assert (
                conn.execute(sa.text("SELECT seq FROM reads WHERE read_id = 'hit'")).scalar_one()
                == hit_seq
            )
            assert conn.execute(sa.select(sa.func.count()).select_from(snapshots)).scalar() == 1
            # The sequence goes on where it was; the resend guard is in place.
            nxt = conn.execute(
                sa.text("SELECT nextval(pg_get_serial_sequence('reads', 'seq'))")
            ).scalar_one()
            assert nxt > top
        with pytest.raises(sa.exc.IntegrityError), db.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO reads (read_id, camera_id, read_at, received_at, plate, "
                    "confidence, has_snapshot, is_hit) "
                    "VALUES ('fresh', 'SC-01', :at, :at, '12가3456', 0.9, false, false)"
                ),
                {"at": rows[0][1]},
            )
        # The purge on the migrated table: the old rows in the kept partition go row by
        # row (the hit read has no hit left, so it goes with its snapshot too).
        result = purge(
            db,
            site=SITE,
            read_retention=timedelta(hours=24),
            hit_retention=timedelta(days=30),
            now=datetime.now(UTC),
        )
        assert (result.reads, result.hit_reads, result.snapshots) == (1, 1, 1)
        with db.read() as conn:
            left = sorted(conn.execute(sa.select(reads.c.read_id)).scalars())
        assert left == ["fresh"]
    finally:
        db.dispose()


@pg
def test_a_changed_partition_width_fills_the_gaps_around_the_old_partitions(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        migrate(db, "center")
        day = timedelta(hours=24)
        with db.begin() as conn:
            last = max(p.upper for p in partitions.partitions(conn) if p.upper is not None)
            t = last + timedelta(hours=5)
            created = partitions.ensure_for(conn, [t], width=day)
            after = {p.name: p for p in partitions.partitions(conn)}
        (new,) = [after[name] for name in created]
        assert new.holds(t)
        assert new.lower == max(partitions.slot(t, day), last)  # clipped, no overlap
        assert new.upper == partitions.slot(t, day) + day
    finally:
        db.dispose()


@pg
def test_a_read_between_two_old_partitions_gets_the_gap_it_falls_in(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        migrate(db, "center")
        day = timedelta(hours=24)
        midnight = partitions.slot(datetime.now(UTC) + 3 * day, day)
        hour = timedelta(hours=1)
        with db.begin() as conn:
            partitions.ensure_for(conn, [midnight + 3 * hour], width=hour)  # [3 h, 4 h)
            late, early = (
                partitions.ensure_for(conn, [midnight + 10 * hour], width=day),
                partitions.ensure_for(conn, [midnight + 1 * hour], width=day),
            )
            by_name = {p.name: p for p in partitions.partitions(conn)}
        (after,) = [by_name[n] for n in late]
        (before,) = [by_name[n] for n in early]
        assert (after.lower, after.upper) == (midnight + 4 * hour, midnight + day)
        assert (before.lower, before.upper) == (midnight, midnight + 3 * hour)
    finally:
        db.dispose()


def test_sqlite_keeps_the_plain_table(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        migrate(db, "center")
        with db.read() as conn:
            assert not partitions.is_partitioned(conn)
    finally:
        db.dispose()


@pg
async def test_the_match_keys_of_dropped_reads_go_with_their_partition(
    pg_center: CenterEnv,
) -> None:
    """A plate's match keys must not outlive its read: the retro index is no back door."""
    from safenet.center.retro_index import read_key_sets

    center = pg_center
    old = center.clock() - timedelta(hours=20)
    await center.post(
        [read(f"k{k}", f"34나{5600 + k}", old + timedelta(seconds=k)) for k in range(5)]
    )
    await center.post([read("fresh", "78라1234", center.clock())])
    assert _count(center, read_key_sets) == 6
    center.clock.advance(hours=6)
    result = await center.service.purge_now()
    assert result.partitions >= 1
    assert result.reads == 5
    with center.service.db.read() as conn:
        kept = conn.execute(
            sa.select(reads.c.read_id).join(read_key_sets, read_key_sets.c.read_seq == reads.c.seq)
        ).scalars()
        assert list(kept) == ["fresh"]
    assert _count(center, read_key_sets) == 1
