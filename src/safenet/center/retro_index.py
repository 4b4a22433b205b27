"""The retained reads' match keys on disk: ``read_keys``, written with the reads (issue 16).

Each stored read has the keys of its plate and OCR alternatives
(:func:`safenet.center.retro_keys.read_keys`, usually six) in ``read_keys``, so the
retrospective look-up finds the candidate reads of an entry by index, whatever the
size of the table:

- on PostgreSQL one row per read, ``(read_seq, read_at, keys BIGINT[])``, with a GIN
  index on ``keys`` (its pending list takes inserts cheaply: measured 2.5 times cheaper
  than a row per key in a B-tree) and a BRIN index on ``read_seq`` for the purge (the
  sequence only grows, so it costs next to nothing); written with COPY;
- on SQLite one row per key, ``(read_seq, key, read_at)``, with an index on
  ``(key, read_seq)`` and one on ``read_seq``; written with one ``executemany``.

The rows are written in the transaction that writes the reads
(:func:`safenet.center.bulk.write_reads`). They carry the read's time so that they can
be purged by time as well as with their read (:func:`delete_keys_of`, which the
retention purge calls before deleting reads). The table has no foreign key to
``reads`` (so a partitioned ``reads`` table and COPY stay simple): the look-up joins
back to ``reads``, and a key whose read is gone finds nothing.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, cast

import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from safenet.center.retro_keys import (
    MIN_KEYED_LENGTH,
    keyable,
    normalized_read_keys,
    read_keys,
    text_keys,
)
from safenet.center.tables import reads
from safenet.matching.keys import WIDTH
from safenet.store import UtcDateTime

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

read_keys_table = sa.Table(
    "read_keys",
    sa.MetaData(),
    sa.Column("read_seq", _SEQ, nullable=False),
    sa.Column("key", sa.BigInteger, nullable=False),
    sa.Column("read_at", UtcDateTime(), nullable=False),
)
"""SQLite: one row per key (created by migration ``center_0010``)."""

read_key_sets = sa.Table(
    "read_keys",
    sa.MetaData(),
    sa.Column("read_seq", sa.BigInteger, nullable=False),
    sa.Column("read_at", UtcDateTime(), nullable=False),
    sa.Column("keys", postgresql.ARRAY(sa.BigInteger), nullable=False),
)
"""PostgreSQL: one row per read with its keys (created by migration ``center_0010``)."""

_COPY_SQL = "COPY read_keys (read_seq, read_at, keys) FROM STDIN (FORMAT BINARY)"
_ARRAY_HEAD = struct.Struct(">iiiii")
_INT8_OID = 20
_SIX = struct.Struct(">" + "iq" * 6)
_INSERT_SQL = "INSERT INTO read_keys (read_seq, key, read_at) VALUES (?, ?, ?)"
_PG_LOOKUP = sa.text(
    "SELECT read_seq FROM read_keys WHERE keys && CAST(:keys AS BIGINT[]) AND read_seq <= :up_to"
)

LOOKUP_CHUNK = 500
"""Keys per ``IN (…)`` list when looking up candidates on SQLite."""


def int8_array(keys: Collection[int]) -> bytes:
    """``keys`` as PostgreSQL's binary form of a ``BIGINT[]`` (what binary COPY sends).

    One dimension, no NULLs, element type int8, then each element as its length (8)
    and its big-endian value. Sent under the ``bytea`` dumper, whose binary form is the
    bytes as they are; the server reads them with the column's own ``array_recv``.
    """
    n = len(keys)
    head = _ARRAY_HEAD.pack(1, 0, _INT8_OID, n, 1)
    if n == 6:  # a read's plate alone: the usual case
        a, b, c, d, e, f = keys
        return head + _SIX.pack(8, a, 8, b, 8, c, 8, d, 8, e, 8, f)
    return head + struct.pack(">" + "iq" * n, *[v for k in keys for v in (8, k)])


def _is_pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def keys_of(row: dict[str, Any], *, normalized: bool = False) -> set[int]:
    """The keys of one read row (``plate`` and ``alternatives`` as the persist stage has them).

    ``normalized``: the texts are normalized already (the pipeline's rows), so they are
    not normalized again.
    """
    alternatives = row.get("alternatives")
    if normalized:
        plate = row["plate"]
        # the usual read: its plate alone, keyed without building a list of texts
        keys = text_keys(plate) if MIN_KEYED_LENGTH <= len(plate) <= WIDTH else set()
        if alternatives:
            keys |= normalized_read_keys(str(a[0]) for a in alternatives)
        return keys
    if alternatives:
        return read_keys([row["plate"], *(str(a[0]) for a in alternatives)])
    text = keyable(row["plate"])
    return text_keys(text) if text is not None else set()


def key_rows(
    rows: Iterable[dict[str, Any]], stamp: Callable[[Any], Any] | None = None
) -> list[tuple[int, int, Any]]:
    """``(read_seq, key, read_at)`` for every key of each read row (``seq``, ``plate``, …).

    ``stamp`` turns a read's time into the value written (once per read, not per key).
    """
    out: list[tuple[int, int, Any]] = []
    append = out.append
    for row in rows:
        seq = int(row["seq"])
        read_at = row["read_at"] if stamp is None else stamp(row["read_at"])
        for key in keys_of(row):
            append((seq, key, read_at))
    return out


def write_keys(
    conn: Connection, rows: Sequence[dict[str, Any]], *, normalized: bool = False
) -> int:
    """Store the keys of the stored read ``rows`` in the caller's transaction; how many.

    ``normalized``: the rows' texts are normalized already (see :func:`keys_of`).
    """
    if _is_pg(conn):
        keyed = []
        count = 0
        for row in rows:
            keys = keys_of(row, normalized=normalized)
            if keys:
                count += len(keys)
                keyed.append((int(row["seq"]), row["read_at"], int8_array(keys)))
        if keyed:
            dbapi = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
            with dbapi.cursor() as cur, cur.copy(_COPY_SQL) as copy:
                copy.set_types(["int8", "timestamptz", "bytea"])
                for line in keyed:
                    copy.write_row(line)
        return count
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
    """Delete the keys of the reads ``read_condition`` selects (before the reads go).

    Whatever deletes reads calls this first with the same condition: the row-by-row
    purge does; a purge that drops a whole partition of ``reads`` calls it with the
    partition's time range and ``NOT is_hit`` before the drop.
    """
    table = read_key_sets if _is_pg(conn) else read_keys_table
    return int(
        conn.execute(
            sa.delete(table).where(
                table.c.read_seq.in_(sa.select(reads.c.seq).where(read_condition))
            )
        ).rowcount
    )


def candidate_seqs(conn: Connection, keys: Collection[int], up_to: int) -> list[int]:
    """The sequence numbers (at most ``up_to``) of the reads holding any of ``keys``, sorted."""
    if not keys:
        return []
    lowest = conn.execute(sa.select(sa.func.min(reads.c.seq))).scalar()
    if lowest is None or up_to < lowest:
        # Nothing retained was stored before the entry came (a center's first hotlist):
        # the keys' index is not asked at all (GIN would match first and filter after).
        return []
    seqs: set[int] = set()
    ordered = sorted(keys)
    pg = _is_pg(conn)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        query = (
            _PG_LOOKUP.bindparams(keys=chunk, up_to=up_to)
            if pg
            else sa.select(read_keys_table.c.read_seq).where(
                read_keys_table.c.key.in_(chunk), read_keys_table.c.read_seq <= up_to
            )
        )
        seqs.update(int(s) for s in conn.execute(query).scalars())
    return sorted(seqs)


def stored_keys(conn: Connection) -> dict[int, int]:
    """How many keys each read has stored, by read sequence number (for tests and checks)."""
    if _is_pg(conn):
        rows = conn.execute(
            sa.select(read_key_sets.c.read_seq, sa.func.cardinality(read_key_sets.c["keys"]))
        ).all()
    else:
        rows = conn.execute(
            sa.select(read_keys_table.c.read_seq, sa.func.count()).group_by(
                read_keys_table.c.read_seq
            )
        ).all()
    return {int(seq): int(n) for seq, n in rows}
