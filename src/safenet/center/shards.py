"""Which worker holds which shard of a site's cameras: one holder at a time, in the database.

A shard's reads must all go to one pipeline, or the de-duplication window (same plate,
same camera, within ``center.dedup_window_s``) is split between workers and a repeat
is stored twice. A worker holds a shard while it holds that shard's lock; the locks
are PostgreSQL session advisory locks on a connection of the worker's own, so a worker
that dies (SIGKILL, a lost machine) loses them with its connection and another worker
takes its shards at its next look (``center.worker_rebalance_s``). Every worker also
holds a member lock, so each can count the workers of the site (in ``pg_locks``) and
take at most its share, ``ceil(shards / workers)``: a new worker gets shards as the
others give back their extra ones.

On SQLite (one machine, one worker process) the locks are kept in this process.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import threading
import zlib
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa

from safenet.center.recent import RecentPlates
from safenet.center.tables import reads, utc
from safenet.store import Database


def _key(site: str, what: str) -> int:
    """An int4 lock class for the site, the same in every process."""
    return zlib.crc32(f"safenet-{what}:{site}".encode()) & 0x7FFFFFFF


class ShardLocks(Protocol):
    """The shard locks of one worker process."""

    def join(self) -> None:
        """Count as one of the site's workers."""

    def members(self) -> int:
        """How many workers of the site are alive (at least this one)."""

    def take(self, shard: int) -> bool:
        """Try to take ``shard``; False when another worker holds it."""

    def give_back(self, shard: int) -> None: ...

    def alive(self) -> bool:
        """Whether the locks are still held (the connection they live on is up)."""

    def close(self) -> None:
        """Drop every lock at once (what the death of the process does)."""


class PgShardLocks:
    """Advisory locks on a connection of their own; see the module docstring."""

    def __init__(self, db: Database, site: str) -> None:
        self._shard_class = _key(site, "shard")
        self._member_class = _key(site, "worker")
        self._lock = threading.Lock()
        conn = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        conn.detach()  # closing it must close it, not keep its locks alive in the pool
        self._conn: sa.Connection | None = conn

    def _one(self, sql: str, **params: int) -> object:
        with self._lock:
            if self._conn is None:
                raise ConnectionError("shard locks closed")
            return self._conn.execute(sa.text(sql), params).scalar()

    def join(self) -> None:
        while not self._one(
            "SELECT pg_try_advisory_lock(:c, :o)",
            c=self._member_class,
            o=secrets.randbelow(0x7FFFFFFF),
        ):
            pass  # that id is another worker's: draw again

    def members(self) -> int:
        count = self._one(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 2 AND classid = CAST(:c AS oid) AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            c=self._member_class,
        )
        return max(1, int(str(count)))

    def take(self, shard: int) -> bool:
        got = self._one("SELECT pg_try_advisory_lock(:c, :o)", c=self._shard_class, o=shard)
        return bool(got)

    def give_back(self, shard: int) -> None:
        self._one("SELECT pg_advisory_unlock(:c, :o)", c=self._shard_class, o=shard)

    def alive(self) -> bool:
        try:
            self._one("SELECT 1")
        except Exception:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # a dead connection's locks are gone already
                conn.close()


_LOCAL: dict[tuple[str, str], dict[int, object]] = {}
_LOCAL_MEMBERS: dict[tuple[str, str], set[int]] = {}
_LOCAL_LOCK = threading.Lock()


class LocalShardLocks:
    """The same locks within one process (SQLite: one worker process per site)."""

    def __init__(self, db: Database, site: str) -> None:
        self._key = (db.url, site)
        self._open = True

    def join(self) -> None:
        with _LOCAL_LOCK:
            _LOCAL_MEMBERS.setdefault(self._key, set()).add(id(self))

    def members(self) -> int:
        with _LOCAL_LOCK:
            return max(1, len(_LOCAL_MEMBERS.get(self._key, ())))

    def take(self, shard: int) -> bool:
        with _LOCAL_LOCK:
            held = _LOCAL.setdefault(self._key, {})
            if not self._open or held.get(shard, self) is not self:
                return False
            held[shard] = self
            return True

    def give_back(self, shard: int) -> None:
        with _LOCAL_LOCK:
            held = _LOCAL.get(self._key, {})
            if held.get(shard) is self:
                del held[shard]

    def alive(self) -> bool:
        return self._open

    def close(self) -> None:
        with _LOCAL_LOCK:
            self._open = False
            held = _LOCAL.get(self._key, {})
            for shard in [s for s, owner in held.items() if owner is self]:
                del held[shard]
            _LOCAL_MEMBERS.get(self._key, set()).discard(id(self))


def shard_locks(db: Database, site: str) -> ShardLocks:
    return PgShardLocks(db, site) if db.dialect == "postgresql" else LocalShardLocks(db, site)


def share(shards: int, workers: int) -> int:
    """The most shards one of ``workers`` workers should hold."""
    return math.ceil(shards / max(1, workers))


def preferred_order(shards: int, name: str) -> list[int]:
    """The shards in the order this worker tries them (workers start at different ones)."""
    start = zlib.crc32(name.encode()) % shards
    return [(start + k) % shards for k in range(shards)]


def newest_read(db: Database) -> tuple[int, datetime | None]:
    """The newest sequence number and read time committed up to now (0, None: no reads)."""
    with db.read() as conn:
        seq, at = conn.execute(
            sa.select(sa.func.max(reads.c.seq), sa.func.max(reads.c.read_at))
        ).one()
    return int(seq or 0), None if at is None else utc(at)


def remember_committed(
    db: Database,
    recent: RecentPlates,
    cameras: list[str],
    between: tuple[datetime, datetime],
    up_to_seq: int,
) -> int:
    """Remember the reads committed at ``cameras`` in ``between`` up to ``up_to_seq``.

    A worker that takes a shard calls this for the reads it is given, so the commits of
    the shard's previous holder are in its de-duplication window; its own commits are
    there already and are not read again.
    """
    lo, hi = between
    with db.read() as conn:
        rows = conn.execute(
            sa.select(reads.c.camera_id, reads.c.plate, reads.c.read_at, reads.c.read_id).where(
                reads.c.camera_id.in_(cameras),
                reads.c.read_at.between(lo, hi),
                reads.c.seq <= up_to_seq,
            )
        ).all()
    for r in rows:
        recent.remember(r.camera_id, r.plate, utc(r.read_at))
        recent.remember_id(r.camera_id, r.read_id)
    return len(rows)
