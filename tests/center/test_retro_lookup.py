"""The retrospective look-up by match keys (issue 16): the scan's hits, keys kept with reads."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from safenet.bench.retro import entry_info, read_rows, store_rows
from safenet.center.bulk import write_reads
from safenet.center.retention import purge
from safenet.center.retro import THREAD_NAME, RetroLookup, Search
from safenet.center.retro_index import stored_keys
from safenet.center.retro_keys import read_keys
from safenet.center.tables import reads
from safenet.center.types import EntryInfo
from safenet.store import migrate, open_database
from tests.center.conftest import CenterEnv, entry, read

CAMERAS = ["SC-01", "SC-02", "SC-03"]
TARGETS = ["12가3456", "123나4567", "서울12바3456", "34다5678", "567무8901"]


def _hits(search: Search) -> set[tuple[int, str, str, float]]:
    return {
        (seq, d.entry.entry_id, d.match.level.value, round(d.match.score, 9))
        for seq, (_, drafts) in search.found.items()
        for d in drafts
    }


def _seed(center: CenterEnv, n: int = 3000) -> int:
    rows = read_rows(n, TARGETS, random.Random(16), center.clock(), CAMERAS)
    store_rows(center.service.db, rows)
    with center.service.db.read() as conn:
        return int(conn.execute(sa.select(sa.func.max(reads.c.seq))).scalar_one())


def _both(center: CenterEnv, entries: list[EntryInfo], up_to: int) -> tuple[Search, Search]:
    # Every match, however weak (min_score 0): the near misses count, not just alerts.
    retro = RetroLookup(dataclasses.replace(center.service.ctx, min_score=0.0))
    oldest = center.clock() - timedelta(hours=24)
    keyed = retro.search(entries, 1, up_to, oldest)
    scanned = retro.search(entries, 1, up_to, oldest, by_keys=False)
    return keyed, scanned


async def test_the_keyed_look_up_finds_exactly_what_the_scan_finds(center: CenterEnv) -> None:
    up_to = _seed(center)
    entries = [
        entry_info(f"E{i}", plate, policy=("lenient", "default", "strict")[i % 3])
        for i, plate in enumerate(TARGETS)
    ]
    keyed, scanned = _both(center, entries, up_to)
    assert keyed.lookup == "keys"
    assert scanned.lookup == "scan"
    assert scanned.searched == 3000
    assert _hits(keyed) == _hits(scanned)
    levels = {level for _, _, level, _ in _hits(scanned)}
    assert {"exact", "equivalent", "fuzzy"} <= levels  # near misses matched too
    assert len(_hits(scanned)) > 3 * len(TARGETS)
    assert keyed.searched < scanned.searched / 10  # candidates only


async def test_a_witness_pattern_is_looked_up_by_the_scan(center: CenterEnv) -> None:
    up_to = _seed(center)
    pattern = [entry_info("W", "12가34??")]
    keyed, scanned = _both(center, pattern, up_to)
    assert keyed.lookup == "scan"
    assert _hits(keyed) == _hits(scanned)
    assert _hits(keyed)
    mixed = [*pattern, entry_info("E0", "12가3456", policy="lenient")]
    keyed, scanned = _both(center, mixed, up_to)
    assert keyed.lookup == "keys+scan"
    assert _hits(keyed) == _hits(scanned)
    # One read can match both: its hits come together, once.
    assert {e for _, e, _, _ in _hits(keyed)} == {"W", "E0"}


async def test_an_added_entry_is_found_by_keys_on_the_look_up_thread(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    seen = center.clock() - timedelta(hours=1)
    await center.post(
        [
            read("a", "78라1234", seen, alternatives=[{"plate": "78라1284", "confidence": 0.03}]),
            read("b", "11가1111", seen),
        ]
    )
    await center.delta(added=[entry("E2", "78라1234")])
    (report,) = await center.reports(1)
    assert report.retrospective is True
    assert center.service.retro.last_thread == THREAD_NAME
    with center.service.db.read() as conn:
        stored = sum(stored_keys(conn).values())
    assert stored == len(read_keys(["78라1234", "78라1284"])) + len(read_keys(["11가1111"]))


async def test_keys_are_written_in_the_reads_transaction(center: CenterEnv) -> None:
    db = center.service.db
    rows = read_rows(10, [], random.Random(1), center.clock(), CAMERAS)

    def fail_after_the_reads() -> None:
        with db.begin() as conn:
            write_reads(conn, rows)
            raise RuntimeError("the batch's transaction fails after the reads")

    with pytest.raises(RuntimeError):
        fail_after_the_reads()
    with db.read() as conn:
        assert stored_keys(conn) == {}
    with db.begin() as conn:
        write_reads(conn, rows)
    # A resend of one of them takes the slow path: the refused read brings no second keys.
    again = read_rows(10, [], random.Random(1), center.clock(), CAMERAS)[:1]
    again += read_rows(1, [], random.Random(2), center.clock(), CAMERAS, prefix="new")
    with db.begin() as conn:
        _, refused = write_reads(conn, again)
    assert refused == [0]
    with db.read() as conn:
        per_read = stored_keys(conn)
        seqs = conn.execute(sa.select(reads.c.seq)).scalars().all()
    assert sorted(per_read) == sorted(seqs)
    assert set(per_read.values()) <= {6, 12}


async def test_the_retention_purge_deletes_keys_with_their_reads(center: CenterEnv) -> None:
    db = center.service.db
    now = center.clock()
    old = read_rows(20, [], random.Random(3), now - timedelta(hours=30), CAMERAS, prefix="old")
    fresh = read_rows(20, [], random.Random(4), now, CAMERAS, prefix="fresh")
    store_rows(db, old + fresh)
    purge(
        db,
        site=center.service.ctx.site,
        read_retention=timedelta(hours=24),
        hit_retention=timedelta(days=30),
        now=now,
    )
    with db.read() as conn:
        kept = set(conn.execute(sa.select(reads.c.seq)).scalars())
        keyed = set(stored_keys(conn))
    assert len(kept) == 20
    assert keyed == kept


def test_the_migration_keys_the_reads_stored_before_it(db_url: str) -> None:
    db = open_database(db_url)
    try:
        migrate(db, "center", to="center_0009")
        rows = read_rows(50, ["12가3456"], random.Random(5), datetime.now(UTC), CAMERAS)
        with db.begin() as conn:
            for k, row in enumerate(rows, start=1):
                conn.execute(reads.insert().values(seq=k, **row))
        migrate(db, "center")
        with db.read() as conn:
            stored = sum(stored_keys(conn).values())
        expected = sum(
            len(read_keys([r["plate"], *(a[0] for a in r["alternatives"] or ())])) for r in rows
        )
        assert stored == expected
    finally:
        db.dispose()


async def test_an_entry_older_than_every_retained_read_does_not_ask_the_keys(
    center: CenterEnv,
) -> None:
    """A center's first hotlist: nothing stored before it, so no key query at all."""
    from safenet.center.retro_index import candidate_seqs

    up_to = _seed(center, 200)
    with center.service.db.read() as conn:
        lowest = int(conn.execute(sa.select(sa.func.min(reads.c.seq))).scalar_one())
    asked: list[str] = []

    def note(_c: object, _cur: object, statement: str, *_: object) -> None:
        if "read_keys" in statement:
            asked.append(statement)

    keys = read_keys(TARGETS)
    sa.event.listen(center.service.db.engine, "before_cursor_execute", note)
    try:
        with center.service.db.read() as conn:
            assert candidate_seqs(conn, keys, lowest - 1) == []
            assert not asked
            found = candidate_seqs(conn, keys, up_to)
    finally:
        sa.event.remove(center.service.db.engine, "before_cursor_execute", note)
    assert found  # the same keys, asked with a bound the reads fall under
    assert asked
