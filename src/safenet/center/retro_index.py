"""The retained reads' match keys on disk: ``read_keys``, written with the reads (issue 16).

Each stored read has the keys of its plate and OCR alternatives
(:func:`safenet.center.retro_keys.read_keys`, usually six) in ``read_keys``, one row
per key: ``(read_seq, key, read_at)``, with a B-tree index on ``(key, read_seq)`` and
one on ``read_seq`` for the purge (BRIN on PostgreSQL: the sequence only grows, so it
costs next to nothing to keep), so the retrospective look-up finds the candidate reads of an entry
with one index scan per key, whatever the size of the table. The rows are written in
the transaction that writes the reads (:func:`safenet.center.bulk.write_reads`): with
COPY on PostgreSQL, with one ``executemany`` on SQLite. They carry the read's time so
that they can be purged by time as well as with their read
(:func:`delete_keys_of`, which the retention purge calls before deleting reads).

The table has no foreign key to ``reads`` (so a partitioned ``reads`` table and COPY
stay simple): the look-up joins back to ``reads``, and a key whose read is gone finds
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.center.retro_keys import keyable, read_keys, text_keys
from safenet.center.tables import metadata, reads
from safenet.store import UtcDateTime

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

read_keys_table = sa.Table(
    "read_keys",
    metadata,
    sa.Column("read_seq", _SEQ, nullable=False),
    sa.Column("key", sa.BigInteger, nullable=False),
    sa.Column("read_at", UtcDateTime(), nullable=False),
    sa.Index("ix_read_keys_key", "key", "read_seq"),
    sa.Index("ix_read_keys_read_seq", "read_seq", postgresql_using="brin"),
)
"""The match keys of every retained read (created by migration ``center_0010``)."""

_COPY_SQL = "COPY read_keys (read_seq, key, read_at) FROM STDIN"
_INSERT_SQL = "INSERT INTO read_keys (read_seq, key, read_at) VALUES (?, ?, ?)"

LOOKUP_CHUNK = 500
"""Keys per ``IN (…)`` list when looking up candidates."""


def key_rows(
    rows: Iterable[dict[str, Any]], stamp: Callable[[Any], Any] | None = None
) -> list[tuple[int, int, Any]]:
    """``(read_seq, key, read_at)`` for every key of each read row (``seq``, ``plate``, …).

    ``stamp`` turns a read's time into the value written (once per read, not per key).
    """
    out: list[tuple[int, int, Any]] = []
    append = out.append
    for row in rows:
        alternatives = row.get("alternatives")
        if alternatives:
            keys = read_keys([row["plate"], *(str(a[0]) for a in alternatives)])
        else:
            text = keyable(row["plate"])
            keys = text_keys(text) if text is not None else set()
        seq = int(row["seq"])
        read_at = row["read_at"] if stamp is None else stamp(row["read_at"])
        for key in keys:
            append((seq, key, read_at))
    return out


def write_keys(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Store the keys of the stored read ``rows`` in the caller's transaction; how many."""
    if conn.dialect.name == "postgresql":
        # One text buffer for the whole batch: the times as ISO text, once per read.
        keyed = key_rows(rows, datetime.isoformat)
        if keyed:
            data = "".join(f"{s}\t{k}\t{t}\n" for s, k, t in keyed)
            dbapi = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
            with dbapi.cursor() as cur, cur.copy(_COPY_SQL) as copy:
                copy.write(data)
        return len(keyed)
    # SQLite: one executemany of plain tuples, the time converted as the column would.
    column = read_keys_table.c.read_at.type
    to_utc = column.process_bind_param  # type: ignore[attr-defined]
    to_sqlite = column.impl.bind_processor(conn.dialect)  # type: ignore[attr-defined]

    def stamp(value: Any) -> Any:
        value = to_utc(value, conn.dialect)
        return value if to_sqlite is None else to_sqlite(value)

    keyed = key_rows(rows, stamp)
    if keyed:
        conn.exec_driver_sql(_INSERT_SQL, keyed)
    return len(keyed)


def delete_keys_of(conn: Connection, read_condition: sa.ColumnElement[bool]) -> int:
    """Delete the keys of the reads ``read_condition`` selects (before the reads go)."""
    return int(
        conn.execute(
            sa.delete(read_keys_table).where(
                read_keys_table.c.read_seq.in_(sa.select(reads.c.seq).where(read_condition))
            )
        ).rowcount
    )


def candidate_seqs(conn: Connection, keys: Collection[int], up_to: int) -> list[int]:
    """The sequence numbers (at most ``up_to``) of the reads holding any of ``keys``, sorted."""
    found: set[int] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        found.update(
            int(s)
            for s in conn.execute(
                sa.select(read_keys_table.c.read_seq).where(
                    read_keys_table.c.key.in_(chunk), read_keys_table.c.read_seq <= up_to
                )
            ).scalars()
        )
    return sorted(found)
