"""Writing a batch of reads without per-statement waste: COPY on PostgreSQL, executemany on SQLite.

The read sequence numbers are taken first (one ``nextval`` round trip on PostgreSQL;
on SQLite, whose writers are serialised, the next free rowids), so snapshots and hits
can point at their reads without ``INSERT … RETURNING``. The rows then go in one
``COPY … FROM STDIN`` (PostgreSQL) or one ``executemany`` (SQLite) inside a savepoint.

On PostgreSQL ``reads`` is partitioned by read time (:mod:`safenet.center.partitions`):
a read whose partition does not exist yet (far in the past or future) makes the COPY
fail; the savepoint is rolled back, the missing partitions are created and the COPY
runs again, so such a read is stored, never lost.

De-duplication does not look reads up by id first: the unique index on
``(camera_id, read_id)`` (PostgreSQL: ``(camera_id, read_id, read_at)``, the partition
key must be in it) is the judge. When a resent read makes the fast write fail,
the savepoint is rolled back and the batch is written again row by row with
``ON CONFLICT DO NOTHING``; the reads the index refused are reported as duplicates.
The stored reads' match keys (:mod:`safenet.center.retro_index`) follow in the same
transaction.
Neither path depends on table size, planner statistics or vacuum state.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

import psycopg
import psycopg.errors
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from safenet.center import partitions
from safenet.center.retro_index import write_keys
from safenet.center.tables import reads

COLUMNS: tuple[str, ...] = (
    "seq",
    "read_id",
    "camera_id",
    "read_at",
    "received_at",
    "plate",
    "confidence",
    "alternatives",
    "vehicle_colour",
    "vehicle_type",
    "snapshot_ref",
    "has_snapshot",
    "is_hit",
)
"""The columns of ``reads`` each row dict carries (``seq`` is filled in here)."""

_COPY_SQL = f"COPY reads ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)"
COPY_TYPES: tuple[str, ...] = (
    "int8",
    "text",
    "text",
    "timestamptz",
    "timestamptz",
    "text",
    "float8",
    "text",  # json: its binary form is the JSON text (a "json" dumper would encode it again)
    "text",
    "text",
    "text",
    "bool",
    "bool",
)
"""What each of :data:`COLUMNS` is sent as. Binary COPY: the values go as psycopg's C
dumpers write them, with no text to format here or to parse on the server (a tenth of
the CPU of text COPY per row, measured); ``varchar`` takes ``text``'s binary form."""
_SEQUENCE_SQL = "SELECT pg_get_serial_sequence('reads', 'seq')"
_NEXTVAL_SQL = "SELECT nextval(%s::regclass) FROM generate_series(1, %s)"
_SEQUENCE_KEY = "safenet.reads_seq"
"""Where a connection keeps the name of ``reads.seq``'s sequence (its ``info``)."""


def write_reads(
    conn: Connection, rows: Sequence[dict[str, Any]], *, keys: bool = True
) -> tuple[list[int], list[int]]:
    """Store ``rows``; return each row's seq and the positions refused as already stored.

    ``rows`` must be free of repeats among themselves (the dedup stage sees to that),
    and their plate and alternative texts normalized (the normalize stage sees to that:
    their match keys are computed without normalizing them again).
    Runs inside the caller's transaction. ``keys=False`` leaves out the match keys
    (only ``safenet bench retro`` does, to measure what they cost).
    """
    if not rows:
        return [], []
    if conn.dialect.name == "postgresql":
        seqs = _pg_seqs(conn, len(rows))
    else:
        seqs = _sqlite_seqs(conn, len(rows))
    for seq, row in zip(seqs, rows, strict=True):
        row["seq"] = seq
    for attempt in range(2):
        savepoint = conn.begin_nested()
        try:
            if conn.dialect.name == "postgresql":
                _pg_copy(conn, rows)
            else:
                _sqlite_insert(conn, rows)
        except _NoPartition:
            savepoint.rollback()
            if attempt:
                raise
            partitions.ensure_for(conn, (row["read_at"] for row in rows))
        except sa.exc.IntegrityError:
            savepoint.rollback()
            break
        else:
            savepoint.commit()
            if keys:
                # The persist stage's texts: normalized by the normalize stage.
                write_keys(conn, rows, normalized=True)
            return seqs, []
    refused = _write_one_by_one(conn, rows)
    gone = set(refused)
    if keys:
        write_keys(conn, [row for k, row in enumerate(rows) if k not in gone], normalized=True)
    return seqs, refused


class _NoPartition(sa.exc.IntegrityError):
    """A read's time is in no partition of ``reads`` (PostgreSQL)."""


def _psycopg(conn: Connection) -> psycopg.Connection[Any]:
    return cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)


def _pg_seqs(conn: Connection, n: int) -> list[int]:
    """``n`` new sequence numbers of ``reads`` (one round trip).

    The sequence is named as a parameter, looked up once per connection:
    ``nextval(pg_get_serial_sequence(...))`` looked it up again for every number, which
    cost the server several times the ``nextval`` itself (measured: 3–4 µs against
    0.5–0.9 µs a read).
    """
    info = conn.connection.info
    name = info.get(_SEQUENCE_KEY)
    with _psycopg(conn).cursor() as cur:
        if name is None:
            cur.execute(_SEQUENCE_SQL)
            found = cur.fetchone()
            if found is None or found[0] is None:
                raise RuntimeError("reads.seq has no sequence (migrations not applied?)")
            name = info[_SEQUENCE_KEY] = str(found[0])
        cur.execute(_NEXTVAL_SQL, (name, n))
        return [int(r[0]) for r in cur.fetchall()]


def _sqlite_seqs(conn: Connection, n: int) -> list[int]:
    # The write transaction holds SQLite's lock (BEGIN IMMEDIATE): nobody else can take
    # these rowids, and max(seq) is one step down the rowid B-tree.
    top = conn.execute(sa.select(sa.func.max(reads.c.seq))).scalar()
    start = int(top or 0) + 1
    return list(range(start, start + n))


def copy_tuple(row: dict[str, Any]) -> tuple[Any, ...]:
    """One read row as COPY takes it, in the order of :data:`COLUMNS`."""
    alternatives = row["alternatives"]
    return (
        row["seq"],
        row["read_id"],
        row["camera_id"],
        row["read_at"],
        row["received_at"],
        row["plate"],
        row["confidence"],
        None if alternatives is None else json.dumps(alternatives),
        row["vehicle_colour"],
        row["vehicle_type"],
        row["snapshot_ref"],
        row["has_snapshot"],
        row["is_hit"],
    )


def _pg_copy(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    try:
        with _psycopg(conn).cursor() as cur, cur.copy(_COPY_SQL) as copy:
            copy.set_types(list(COPY_TYPES))
            for row in rows:
                copy.write_row(copy_tuple(row))
    except psycopg.errors.UniqueViolation as exc:
        raise sa.exc.IntegrityError(_COPY_SQL, None, exc) from exc
    except psycopg.errors.CheckViolation as exc:
        if "no partition" not in str(exc):
            raise
        raise _NoPartition(_COPY_SQL, None, exc) from exc


_INSERT_SQL = f"INSERT INTO reads ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"


def _sqlite_insert(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """One executemany of plain tuples, each value converted as its column would convert it.

    The columns' own bind processors (UTC times, JSON), taken once a batch: the same
    values SQLAlchemy's ``insert()`` would send, without its per-row parameter handling.
    """
    dialect = conn.dialect
    # dialect_impl: the type as this dialect runs it (a TypeDecorator's SQLite impl formats
    # times as SQLite's own DateTime does; the generic impl's processor is None, and sqlite3
    # would then store an aware time with its offset, which no time range query matches).
    processors = [
        reads.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in COLUMNS
    ]
    conn.exec_driver_sql(
        _INSERT_SQL,
        [
            tuple(
                value if convert is None else convert(value)
                for convert, value in zip(processors, (row[c] for c in COLUMNS), strict=True)
            )
            for row in rows
        ],
    )


def _write_one_by_one(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """The slow path after a conflict: each row on its own, resends skipped by the index."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    key = ["camera_id", "read_id"]
    if partitions.is_partitioned(conn):
        key.append("read_at")
        partitions.ensure_for(conn, (row["read_at"] for row in rows))
    stmt = dialect.insert(reads).on_conflict_do_nothing(index_elements=key).returning(reads.c.seq)
    refused: list[int] = []
    for k, row in enumerate(rows):
        if conn.execute(stmt, row).first() is None:
            refused.append(k)
    return refused
