"""Reads written in bulk (COPY / executemany); resends caught by the unique index, not look-ups.

Runs on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from safenet.center.tables import hits, reads
from tests.center.conftest import CenterEnv, entry, read, snapshot_b64


@contextmanager
def statements(env: CenterEnv) -> Iterator[list[str]]:
    """Every SQL statement SQLAlchemy sends while the block runs."""
    seen: list[str] = []
    engine = env.service.db.engine

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def _count(env: CenterEnv, table: sa.Table) -> int:
    with env.service.db.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


async def test_a_batch_is_written_without_an_id_look_up_or_a_row_per_statement(
    center: CenterEnv,
) -> None:
    now = center.clock()
    batch = [read(f"b{k}", f"{10 + k}가{1000 + k}", now) for k in range(50)]
    with statements(center) as sql:
        response = await center.post(batch)
    assert response.status_code == 200, response.text
    assert len(response.json()["accepted"]) == 50
    on_reads = [s for s in sql if " reads" in s.lower()]
    flat = [s.lower().replace("reads.read_id", "read_id") for s in on_reads]
    look_ups = [s for s in flat if "read_id in" in s]
    assert not look_ups
    # At most one statement puts reads in (SQLite: one executemany; PostgreSQL: COPY,
    # which goes past SQLAlchemy and does not show here at all).
    assert len([s for s in on_reads if s.lower().startswith("insert into reads")]) <= 1
    assert _count(center, reads) == 50


async def test_a_resend_the_memory_forgot_is_still_a_duplicate_and_loses_no_other_read(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456")])
    now = center.clock()
    old_1 = read("old-1", "12가3456", now, snapshot_jpeg=snapshot_b64())
    first = await center.post([old_1, read("old-2", "34나5678", now)])
    assert first.json()["accepted"] == ["old-1", "old-2"]
    await center.reports(1)
    # A restarted center (or one that has seen 200,000 reads since) no longer remembers
    # these ids; the camera resends them, later, mixed with new reads.
    center.service.ctx.recent._ids.clear()
    center.service.ctx.recent._last.clear()
    later = now + timedelta(minutes=5)
    resent = await center.post(
        [
            read("old-1", "12가3456", now, snapshot_jpeg=snapshot_b64()),
            read("new-1", "56다7890", later),
            read("old-2", "34나5678", now),
            read("new-2", "12가3456", later),
        ]
    )
    body = resent.json()
    assert body["accepted"] == ["new-1", "new-2"]
    assert sorted(body["duplicates"]) == ["old-1", "old-2"]
    assert body["rejected"] == []
    assert _count(center, reads) == 4
    # The resent wanted read made no second hit (nor report); the new one made its own.
    await center.settle()
    assert len(center.police.of("LocationReport")) in (1, 2)  # new-2 may be suppressed
    with center.service.db.read() as conn:
        hit_reads = conn.execute(sa.select(hits.c.read_id)).scalars().all()
        seqs = conn.execute(sa.select(reads.c.seq).order_by(reads.c.seq)).scalars().all()
    assert sorted(hit_reads) == ["new-2", "old-1"]
    assert len(set(seqs)) == 4


async def test_a_resend_in_memory_is_answered_without_touching_the_database(
    center: CenterEnv,
) -> None:
    now = center.clock()
    await center.post([read("m1", "34나5678", now)])
    with statements(center) as sql:
        again = await center.post([read("m1", "34나5678", now)])
    assert again.json()["duplicates"] == ["m1"]
    assert not [s for s in sql if "reads" in s.lower() and "insert" in s.lower()]
