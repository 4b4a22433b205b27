"""The retention purge: non-hit reads forgotten after the read retention, hits after theirs.

By read time (when the camera saw the car), never by arrival:

- a read that hit nothing goes after ``center.read_retention_hours`` (default 24), or
  sooner when its camera's 보관일수 is shorter: a center never keeps a read longer than
  the camera's own footage may be kept;
- a hit goes after ``center.hit_retention_days``, and its read and snapshot with it once
  no other hit refers to the read;
- a hit an operator *rejected* (an uninvolved car) goes back to the read retention: it
  and its read go after ``center.read_retention_hours``, like any read that hit nothing;
- snapshots and match keys (``read_keys``) go with their read; done retrospective
  look-ups with the hits' retention; link inbox ids after the link's longest
  redelivery horizon.

On PostgreSQL ``reads`` is partitioned by read time (:mod:`safenet.center.partitions`):
the non-hit reads go by whole partitions — a partition wholly older than the read
retention is dropped after its hit reads were copied to the kept partition — so a read
is kept less than one ``center.read_partition_hours`` beyond its retention, and no row
of it is deleted one by one. The purge also creates the partitions of the next hours.
What is left of older reads (hit reads, the kept partition's stragglers, cameras with
a shorter 보관일수) is deleted row by row as on SQLite.

The purge runs on a schedule inside ``safenet center serve`` and on demand with
``safenet center purge``. It logs and audits what it deleted as counts, never plates.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.center import partitions
from safenet.center.retro_index import delete_keys_of
from safenet.center.retry import retry_on_conflict
from safenet.center.tables import cameras, hits, reads, retro_lookups, snapshots
from safenet.link import inbox
from safenet.store import Database

log = logging.getLogger(__name__)

INBOX_KEEP = timedelta(days=31)
"""Longer than any link stream keeps a message, so a redelivery is always recognised."""


@dataclass
class PurgeResult:
    """How many rows one purge deleted (or would delete, for a dry run)."""

    reads: int = 0
    snapshots: int = 0
    hits: int = 0
    hit_reads: int = 0
    rejected_hits: int = 0
    lookups: int = 0
    inbox_ids: int = 0
    partitions: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.reads + self.snapshots + self.hits + self.hit_reads + self.lookups

    def __str__(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        return (
            f"retention purge {verb}: {self.reads:,} non-hit reads, {self.snapshots:,} "
            f"snapshots, {self.hits:,} hits ({self.rejected_hits:,} rejected ones past the "
            f"read retention) with {self.hit_reads:,} reads, "
            f"{self.lookups:,} look-up records, {self.inbox_ids:,} link inbox ids"
            + (f" ({self.partitions:,} read partitions dropped)" if self.partitions else "")
        )


def purge(
    db: Database,
    *,
    site: str,
    read_retention: timedelta,
    hit_retention: timedelta,
    now: datetime,
    dry_run: bool = False,
    read_partition: timedelta = partitions.DEFAULT_PARTITION,
) -> PurgeResult:
    """Delete what is past its retention, in one transaction; see the module docstring.

    ``read_partition`` is the width of the read partitions it creates ahead (PostgreSQL).
    """

    def work() -> PurgeResult:
        counted = PurgeResult(dry_run=dry_run)  # fresh for each attempt
        with contextlib.suppress(_DryRun):
            _purge(db, site, read_retention, hit_retention, now, counted, read_partition)
        return counted

    result = retry_on_conflict(work, what="retention purge")
    log.info("%s", result)
    return result


class _DryRun(Exception):
    """Raised to roll the purge's transaction back after counting."""


def _purge(
    db: Database,
    site: str,
    read_retention: timedelta,
    hit_retention: timedelta,
    now: datetime,
    result: PurgeResult,
    read_partition: timedelta = partitions.DEFAULT_PARTITION,
) -> None:
    with db.begin() as conn:
        read_cutoff = now - read_retention
        non_hit_cutoff: datetime | None = read_cutoff
        if partitions.is_partitioned(conn):
            dropped = partitions.drop_expired(conn, read_cutoff)
            result.partitions = len(dropped.partitions)
            result.reads += dropped.reads
            result.snapshots += dropped.snapshots
            if not dropped.busy:
                partitions.ensure_ahead(conn, now, read_partition)
            # Older non-hit reads remain only in the kept partition (late arrivals).
            horizon = dropped.horizon
            non_hit_cutoff = None if horizon is None else min(read_cutoff, horizon)
        if non_hit_cutoff is not None:
            _non_hit(conn, reads.c.read_at < non_hit_cutoff, result)
        for days in _shorter_camera_retentions(conn, read_retention):
            on_camera = reads.c.camera_id.in_(
                sa.select(cameras.c.camera_id).where(cameras.c.retention_days == days)
            )
            _non_hit(conn, sa.and_(reads.c.read_at < now - timedelta(days=days), on_camera), result)
        hit_cutoff = now - hit_retention
        result.rejected_hits = conn.execute(
            sa.delete(hits).where(hits.c.state == "rejected", hits.c.read_at < read_cutoff)
        ).rowcount
        result.hits = conn.execute(sa.delete(hits).where(hits.c.read_at < hit_cutoff)).rowcount
        result.hits += result.rejected_hits
        orphaned = sa.and_(
            reads.c.is_hit == sa.true(),
            reads.c.read_at < max(hit_cutoff, read_cutoff),
            ~sa.exists().where(hits.c.read_seq == reads.c.seq),
        )
        result.snapshots += _delete_snapshots(conn, orphaned)
        delete_keys_of(conn, orphaned)
        result.hit_reads = conn.execute(sa.delete(reads).where(orphaned)).rowcount
        result.lookups = conn.execute(
            sa.delete(retro_lookups).where(
                retro_lookups.c.done_at.is_not(None), retro_lookups.c.done_at < hit_cutoff
            )
        ).rowcount
        result.inbox_ids = inbox.prune_received(conn, now - INBOX_KEEP)
        if result.dry_run:
            raise _DryRun
        if result.total:
            audit.append(
                conn,
                f"center:{site}",
                "retention.purge",
                site,
                {
                    **{k: v for k, v in asdict(result).items() if k != "dry_run"},
                    "read_cutoff": read_cutoff.isoformat(),
                    "hit_cutoff": hit_cutoff.isoformat(),
                },
                ts=now,
            )


def _shorter_camera_retentions(conn: Connection, read_retention: timedelta) -> list[int]:
    days = conn.execute(
        sa.select(cameras.c.retention_days).where(cameras.c.retention_days.is_not(None)).distinct()
    ).scalars()
    return sorted(int(d) for d in days if timedelta(days=int(d)) < read_retention)


def _non_hit(conn: Connection, condition: sa.ColumnElement[bool], result: PurgeResult) -> None:
    where = sa.and_(reads.c.is_hit == sa.false(), condition)
    result.snapshots += _delete_snapshots(conn, where)
    delete_keys_of(conn, where)
    result.reads += conn.execute(sa.delete(reads).where(where)).rowcount


def _delete_snapshots(conn: Connection, read_condition: sa.ColumnElement[bool]) -> int:
    # Explicit rather than through ON DELETE CASCADE, so the purge can count them.
    return int(
        conn.execute(
            sa.delete(snapshots).where(
                snapshots.c.read_seq.in_(sa.select(reads.c.seq).where(read_condition))
            )
        ).rowcount
    )
