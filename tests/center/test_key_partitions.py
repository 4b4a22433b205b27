"""The reads' match keys partitioned with the reads on PostgreSQL (issue 16, center_0013).

A key partition for each read partition, with the same bounds; the purge drops the
keys' partition with the reads' (no row-by-row DELETE on ``read_keys``), keeps the hit
reads' keys, and a read for a missing partition gets its key partition too. SQLite
keeps its plain table of key rows.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from safenet.bench.retro import read_rows, store_rows
from safenet.center import partitions
from safenet.center.retro_index import read_key_sets, read_keys_table
from safenet.center.tables import reads
from safenet.store import migrate, open_database
from tests.center.conftest import CenterEnv, entry, read, running_center
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


def _children(env: CenterEnv, parent: str) -> dict[str, str]:
    """Partition name (without the parent's prefix) → its bound expression."""
    with env.service.db.read() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:p)"
            ),
            {"p": parent},
        ).all()
    return {str(name).removeprefix(parent): str(bound) for name, bound in rows}


def _keyed_read_ids(env: CenterEnv) -> list[str]:
    with env.service.db.read() as conn:
        return sorted(
            conn.execute(
                sa.select(reads.c.read_id).join(
                    read_key_sets, read_key_sets.c.read_seq == reads.c.seq
                )
            ).scalars()
        )


@pg
async def test_each_read_partition_has_its_key_partition_and_the_purge_drops_both(
    pg_center: CenterEnv,
) -> None:
    center = pg_center
    with center.service.db.read() as conn:
        assert partitions.keys_partitioned(conn)
    assert _children(center, "read_keys") == _children(center, "reads")
    await center.snapshot([entry("E1", "12가3456")])
    old = center.clock() - timedelta(hours=20)
    await center.post(
        [read(f"n{k}", f"34나{5600 + k}", old + timedelta(seconds=k)) for k in range(5)]
    )
    await center.post([read("hit", "12가3456", old + timedelta(seconds=9), camera="SC-02")])
    await center.post([read("fresh", "78라1234", center.clock())])
    await center.reports(1)
    assert len(_keyed_read_ids(center)) == 7
    center.clock.advance(hours=6)
    statements: list[str] = []

    def note(_c: object, _cur: object, statement: str, *_: object) -> None:
        statements.append(statement.lstrip().upper())

    sa.event.listen(center.service.db.engine, "before_cursor_execute", note)
    try:
        result = await center.service.purge_now()
    finally:
        sa.event.remove(center.service.db.engine, "before_cursor_execute", note)
    assert result.partitions >= 1
    assert result.reads == 5
    # The keys went with their partition, not row by row.
    assert not [s for s in statements if s.startswith("DELETE FROM READ_KEYS K USING READS_P")]
    assert any(s.startswith("DROP TABLE READ_KEYS_P") for s in statements)
    assert _children(center, "read_keys") == _children(center, "reads")
    # The hit read's keys were kept with it (a later entry may still find that read).
    assert _keyed_read_ids(center) == ["fresh", "hit"]


@pg
async def test_a_read_for_a_missing_partition_gets_its_key_partition(
    pg_center: CenterEnv,
) -> None:
    center = pg_center
    far = center.clock() - timedelta(hours=23, minutes=30)
    with center.service.db.begin() as conn:
        for p in partitions.partitions(conn):  # the keys' partitions go with them
            conn.execute(sa.text(f"DROP TABLE {p.name}"))
            conn.execute(sa.text(f"DROP TABLE {partitions.keys_partition(p.name)}"))
    assert not _children(center, "read_keys")
    response = await center.post([read("far", "34나5678", far)])
    assert response.json()["accepted"] == ["far"]
    assert _children(center, "read_keys") == _children(center, "reads")
    assert _keyed_read_ids(center) == ["far"]


def _key_sets(conn: sa.Connection) -> dict[int, list[int]]:
    rows = conn.execute(sa.select(read_key_sets.c.read_seq, read_key_sets.c["keys"]))
    return {int(seq): sorted(keys) for seq, keys in rows}


@pg
def test_migration_0013_moves_the_keys_of_stored_reads_into_partitions(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        migrate(db, "center", to="center_0012")
        with db.read() as conn:
            assert not partitions.keys_partitioned(conn)
        now = datetime.now(UTC)
        rows = read_rows(50, ["12가3456"], random.Random(3), now, ["SC-01"])
        rows += read_rows(5, [], random.Random(4), now - timedelta(days=3), ["SC-01"], prefix="o")
        store_rows(db, rows)
        with db.begin() as conn:
            before = _key_sets(conn)
            # A key row whose read is gone: not carried over.
            conn.execute(read_key_sets.insert().values(read_seq=10**9, read_at=now, keys=[1, 2]))
        migrate(db, "center")
        with db.read() as conn:
            assert partitions.keys_partitioned(conn)
            after = _key_sets(conn)
            children = conn.execute(
                sa.text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'read_keys'::regclass")
            ).scalar_one()
            reads_children = conn.execute(
                sa.text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'reads'::regclass")
            ).scalar_one()
        assert len(before) == 55
        assert after == before
        assert children == reads_children
    finally:
        db.dispose()


def test_sqlite_keeps_its_plain_table_of_key_rows(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        migrate(db, "center")
        with db.read() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("read_keys")}
        assert columns == {"read_seq", "key", "read_at"}
        rows = read_rows(5, [], random.Random(5), datetime.now(UTC), ["SC-01"])
        store_rows(db, rows)
        with db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(read_keys_table)).scalar()
    finally:
        db.dispose()
