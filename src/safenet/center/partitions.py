"""The reads table on PostgreSQL: range partitions by read time, dropped whole by the purge.

Migration ``center_0011`` makes ``reads`` a table ``PARTITION BY RANGE (read_at)``. Its
partitions are of two kinds:

- **live** partitions ``reads_pYYYYMMDDHHMM``, one per ``center.read_partition_hours``
  (default 1 h) on a fixed UTC grid. The retention purge creates them ahead of the
  clock (:func:`ensure_ahead`); a read whose partition is missing (far in the past or
  future, within what ingest accepts) makes the writer create it on the spot
  (:func:`ensure_for`), so a read is never lost for want of a partition;
- one **kept** partition ``reads_kept`` covering everything before the oldest live
  partition (``FROM (MINVALUE) TO (horizon)``). When a live partition is past the read
  retention, :func:`drop_expired` copies its hit reads (``is_hit``) into ``reads_kept``,
  deletes the snapshots of its other reads, and drops it. Hits, their reads' fields and
  snapshots therefore survive the drop; ``reads_kept`` holds only hit reads (and the
  rare read that arrived late for a dropped range), which the purge deletes row by row
  like before — a small table, since hits are a tiny share of reads.

A read is therefore kept at least ``center.read_retention_hours`` and less than that
plus one partition. A partition's width is taken from the setting when it is created;
partitions of an earlier width stay as they are and new ones are clipped to the gaps.

The unique resend guard must include the partition key, so on PostgreSQL it is
``(camera_id, read_id, read_at)``: a resend (same camera, read id and read time) is
stored once; the same read id with a *different* read time is a different read (a
camera whose counter restarted) and is stored. SQLite keeps ``(camera_id, read_id)``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg.errors
import sqlalchemy as sa
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

DEFAULT_PARTITION = timedelta(hours=1)
"""``center.read_partition_hours``'s default: a read outlives its retention by < 1 h."""

KEPT = "reads_kept"
"""The partition holding hit reads of dropped ranges (and everything before them)."""

ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
"""The grid partitions are cut on (UTC): a width of 24 h starts at midnight UTC."""

_BOUND = re.compile(r"FROM \((MINVALUE|'[^']*')\) TO \((MAXVALUE|'[^']*')\)")


@dataclass(frozen=True)
class Partition:
    """One partition of ``reads`` and its range ``[lower, upper)`` (None: unbounded)."""

    name: str
    lower: datetime | None
    upper: datetime | None

    def holds(self, t: datetime) -> bool:
        return (self.lower is None or self.lower <= t) and (self.upper is None or t < self.upper)


def is_partitioned(conn: Connection) -> bool:
    """Whether ``reads`` is the partitioned table (PostgreSQL after ``center_0011``)."""
    if conn.dialect.name != "postgresql":
        return False
    kind = conn.execute(
        sa.text("SELECT relkind FROM pg_class WHERE oid = to_regclass('reads')")
    ).scalar()
    return kind == "p"


def partitions(conn: Connection) -> list[Partition]:
    """The partitions of ``reads`` now, oldest first (``reads_kept`` first if present)."""
    rows = conn.execute(
        sa.text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'reads'::regclass"
        )
    ).all()
    bounds: list[tuple[str, str | None, str | None]] = []
    for name, expr in rows:
        found = _BOUND.search(expr or "")
        if found is None:  # a DEFAULT partition: safenet never makes one
            continue
        low, high = found.groups()
        bounds.append(
            (
                name,
                None if low == "MINVALUE" else low.strip("'"),
                None if high == "MAXVALUE" else high.strip("'"),
            )
        )
    # Let PostgreSQL read its own timestamp text (session time zone and all).
    texts = sorted({t for _, lo, hi in bounds for t in (lo, hi) if t is not None})
    parsed: dict[str, datetime] = {}
    if texts:
        values = conn.execute(
            sa.text("SELECT t, t::timestamptz FROM unnest(CAST(:ts AS text[])) AS t"),
            {"ts": texts},
        ).all()
        parsed = {t: v.astimezone(UTC) for t, v in values}
    found_parts = [
        Partition(name, None if lo is None else parsed[lo], None if hi is None else parsed[hi])
        for name, lo, hi in bounds
    ]
    return sorted(found_parts, key=lambda p: p.lower or datetime.min.replace(tzinfo=UTC))


def slot(t: datetime, width: timedelta) -> datetime:
    """The start of the grid slot of ``width`` holding ``t``."""
    steps = (t.astimezone(UTC) - ORIGIN) // width
    return ORIGIN + steps * width


def partition_name(lower: datetime) -> str:
    t = lower.astimezone(UTC)
    return f"reads_p{t:%Y%m%d%H%M}" + (f"{t:%S}" if t.second else "")


def whole_minutes(width: timedelta) -> timedelta:
    """A partition width on whole minutes (at least one), so names and bounds stay round."""
    return timedelta(minutes=max(1, round(width.total_seconds() / 60)))


def ensure_for(
    conn: Connection,
    times: Iterable[datetime],
    width: timedelta | None = None,
    lock_wait: timedelta | None = None,
) -> list[str]:
    """Create the missing partitions holding ``times``; return the names created.

    ``width`` defaults to that of the newest live partition (the writer does not know
    the setting; the purge, which does, creates them ahead). Each new partition is its
    grid slot clipped to the gap between the partitions that exist, so partitions of
    another width never overlap it. A concurrent writer that created the same one first
    is no error (it is looked at again). With ``lock_wait`` (the purge), the lock on
    ``reads`` is waited for at most that long, else nothing is created; without it (a
    writer holding a read that needs the partition) it is waited for.
    """
    created: list[str] = []
    width = whole_minutes(_width_in_use(partitions(conn)) if width is None else width)
    wanted = sorted(set(times))
    for attempt in range(3):
        existing = partitions(conn)
        missing = [t for t in wanted if not _held(existing, t)]
        if not missing:
            return created
        if lock_wait is not None and not lock_reads(conn, lock_wait):
            return created
        try:
            with conn.begin_nested():
                for t in missing:
                    if not _held(existing, t):
                        created.append(_create(conn, existing, t, width))
                        existing = partitions(conn)
            return created
        except sa.exc.DBAPIError:  # lost a race for the same range: look again
            created.clear()
            if attempt == 2:
                raise
    return created


def _width_in_use(existing: list[Partition]) -> timedelta:
    widths = [
        (p.lower, p.upper - p.lower)
        for p in existing
        if p.name != KEPT and p.lower is not None and p.upper is not None
    ]
    return max(widths)[1] if widths else DEFAULT_PARTITION


def _held(existing: list[Partition], t: datetime) -> bool:
    return any(p.holds(t) for p in existing)


def _create(conn: Connection, existing: list[Partition], t: datetime, width: timedelta) -> str:
    """A partition holding ``t``: its grid slot, clipped to the gap between partitions."""
    start = slot(t, width)
    lower = max([start] + [p.upper for p in existing if p.upper is not None and p.upper <= t])
    upper = min(
        [start + width] + [p.lower for p in existing if p.lower is not None and p.lower > t]
    )
    name = partition_name(lower)
    bounds = f"FOR VALUES FROM ('{lower.isoformat()}') TO ('{upper.isoformat()}')"
    conn.execute(sa.text(f"CREATE TABLE {name} PARTITION OF reads {bounds}"))
    if keys_partitioned(conn):
        keys = keys_partition(name)
        # A key partition left without its read partition (dropped by hand) holds only
        # keys whose reads are gone: it goes, and one with the new bounds is made.
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {keys}"))
        conn.execute(sa.text(f"CREATE TABLE {keys} PARTITION OF read_keys {bounds}"))
    return name


def keys_partitioned(conn: Connection) -> bool:
    """Whether ``read_keys`` is partitioned with ``reads`` (PostgreSQL after ``center_0013``)."""
    kind = conn.execute(
        sa.text("SELECT relkind FROM pg_class WHERE oid = to_regclass('read_keys')")
    ).scalar()
    return kind == "p"


def keys_partition(name: str) -> str:
    """The ``read_keys`` partition that goes with the ``reads`` partition ``name``."""
    return "read_keys" + name.removeprefix("reads")


def ensure_ahead(
    conn: Connection, now: datetime, width: timedelta = DEFAULT_PARTITION, ahead: int = 2
) -> list[str]:
    """Partitions from ``now``'s slot to ``ahead`` slots beyond it (the purge's chore)."""
    width = whole_minutes(width)
    first = slot(now, width)
    times = [first + k * width for k in range(ahead + 1)]
    return ensure_for(conn, times, width, lock_wait=LOCK_WAIT)


LOCK_WAIT = timedelta(seconds=2)
"""How long the purge waits for the exclusive lock on ``reads`` before giving up."""


def lock_reads(conn: Connection, wait: timedelta = LOCK_WAIT, *, tables: str = "reads") -> bool:
    """Take ``reads``'s exclusive lock for the transaction, waiting at most ``wait``.

    ``tables`` (``"reads, read_keys"``) locks more, in that order: the order writers
    take them in (a batch writes its reads, then their keys), so no deadlock.
    """
    previous = conn.execute(sa.text("SHOW lock_timeout")).scalar_one()
    try:
        with conn.begin_nested():
            conn.execute(
                sa.text("SELECT set_config('lock_timeout', :t, true)"),
                {"t": f"{max(1, int(wait.total_seconds() * 1000))}ms"},
            )
            conn.execute(sa.text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
    except sa.exc.OperationalError as exc:
        if not isinstance(exc.orig, psycopg.errors.LockNotAvailable):
            raise
        log.warning("retention: %s busy (lock not had in %s); partitions kept", tables, wait)
        return False
    conn.execute(sa.text("SELECT set_config('lock_timeout', :t, true)"), {"t": previous})
    return True


@dataclass
class Dropped:
    """What :func:`drop_expired` removed: non-hit reads and their snapshots."""

    partitions: list[str]
    reads: int
    snapshots: int
    kept_reads: int
    horizon: datetime | None
    busy: bool = False


def drop_expired(conn: Connection, cutoff: datetime, lock_wait: timedelta = LOCK_WAIT) -> Dropped:
    """Drop the live partitions wholly before ``cutoff``, keeping their hit reads.

    Holds an exclusive lock on ``reads`` until the caller's transaction ends (writers
    wait; the work is a few statements per partition, no row-by-row delete). The lock
    is waited for at most ``lock_wait``: a long reader of ``reads`` (a retrospective
    look-up) would otherwise queue every writer behind the purge. When it cannot be
    had, nothing is dropped this time (``Dropped.busy``); the next purge tries again.
    """
    existing = partitions(conn)
    kept = next((p for p in existing if p.name == KEPT), None)
    expired = [p for p in existing if p.name != KEPT and p.upper is not None and p.upper <= cutoff]
    with_keys = bool(expired) and keys_partitioned(conn)
    tables = "reads, read_keys" if with_keys else "reads"
    if not expired or not lock_reads(conn, lock_wait, tables=tables):
        return Dropped([], 0, 0, 0, kept.upper if kept else None, busy=bool(expired))
    kept_keys = keys_partition(KEPT)
    if kept is not None:
        conn.execute(sa.text(f"ALTER TABLE reads DETACH PARTITION {KEPT}"))
        if with_keys:
            conn.execute(sa.text(f"ALTER TABLE read_keys DETACH PARTITION {kept_keys}"))
    else:
        conn.execute(sa.text(f"CREATE TABLE {KEPT} (LIKE reads INCLUDING DEFAULTS)"))
        if with_keys:
            conn.execute(sa.text(f"CREATE TABLE {kept_keys} (LIKE read_keys)"))
    result = Dropped([], 0, 0, 0, None)
    for p in expired:
        non_hit, hit = conn.execute(
            sa.text(
                f"SELECT count(*) FILTER (WHERE NOT is_hit), count(*) FILTER (WHERE is_hit) "
                f"FROM {p.name}"
            )
        ).one()
        result.snapshots += conn.execute(
            sa.text(
                f"DELETE FROM read_snapshots s USING {p.name} r "
                f"WHERE s.read_seq = r.seq AND r.has_snapshot AND NOT r.is_hit"
            )
        ).rowcount
        if with_keys:
            # The dropped reads' match keys go with them (the retrospective look-up's
            # index), their partition dropped whole; the hit reads' keys are kept.
            keys = keys_partition(p.name)
            if hit:
                conn.execute(
                    sa.text(
                        f"INSERT INTO {kept_keys} SELECT k.* FROM {keys} k JOIN {p.name} r "
                        f"ON r.seq = k.read_seq WHERE r.is_hit"
                    )
                )
            conn.execute(sa.text(f"ALTER TABLE read_keys DETACH PARTITION {keys}"))
            conn.execute(sa.text(f"DROP TABLE {keys}"))
        else:
            # Before center_0013: the keys are deleted row by row, found by their seq range.
            conn.execute(
                sa.text(
                    f"DELETE FROM read_keys k USING {p.name} r "
                    f"WHERE k.read_seq = r.seq AND NOT r.is_hit AND k.read_seq BETWEEN "
                    f"(SELECT min(seq) FROM {p.name}) AND (SELECT max(seq) FROM {p.name})"
                )
            )
        if hit:
            conn.execute(sa.text(f"INSERT INTO {KEPT} SELECT * FROM {p.name} WHERE is_hit"))
        conn.execute(sa.text(f"ALTER TABLE reads DETACH PARTITION {p.name}"))
        conn.execute(sa.text(f"DROP TABLE {p.name}"))
        result.partitions.append(p.name)
        result.reads += int(non_hit)
        result.kept_reads += int(hit)
    # Every live partition below the new horizon was expired, so nothing overlaps it.
    horizon = max(p.upper for p in expired if p.upper is not None)
    if kept is not None and kept.upper is not None:
        horizon = max(horizon, kept.upper)
    kept_bounds = f"FOR VALUES FROM (MINVALUE) TO ('{horizon.isoformat()}')"
    conn.execute(sa.text(f"ALTER TABLE reads ATTACH PARTITION {KEPT} {kept_bounds}"))
    if with_keys:
        conn.execute(sa.text(f"ALTER TABLE read_keys ATTACH PARTITION {kept_keys} {kept_bounds}"))
    result.horizon = horizon
    return result
