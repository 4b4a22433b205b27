"""Police-side retention: an ended entry's hits, alerts and track go N days after it ended.

Issue 13 found that the police kept every hit of every entry forever. Now the hits of
an entry that was resolved, cancelled or expired more than
``police.ended_retention_days`` ago are deleted, with their alerts, the centers' hit
updates and the in-memory track (:func:`purge_ended`). The wanted entry itself (who
registered it, why, who ended it) and every audit record stay; the purge writes its
counts — never a plate — to the audit log (``retention.purge``).
:class:`RetentionPurge` runs it every ``police.retention_purge_s`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from safenet.audit import store as audit
from safenet.police.clock import Clock
from safenet.police.rows import serial_write
from safenet.police.tables import alerts, hit_updates, hits, wanted
from safenet.police.tracks import TrackBook
from safenet.police.types import Status
from safenet.service.loop import Periodic
from safenet.store import Database

log = logging.getLogger(__name__)

ENDED = (Status.RESOLVED.value, Status.CANCELLED.value, Status.EXPIRED.value)


@dataclass
class PoliceRetentionResult:
    """What one purge deleted."""

    entries: int = 0
    """Ended entries whose hits went (the entries themselves stay)."""
    hits: int = 0
    alerts: int = 0
    hit_updates: int = 0


def purge_ended(
    db: Database, *, keep: timedelta, now: datetime, tracks: TrackBook | None = None
) -> PoliceRetentionResult:
    """Delete the hits, alerts and hit updates of entries ended before ``now - keep``."""
    cutoff = now - keep
    result = PoliceRetentionResult()
    with serial_write(db) as conn:
        ended = sa.select(wanted.c.entry_id).where(
            wanted.c.status.in_(ENDED), wanted.c.ended_at.is_not(None), wanted.c.ended_at < cutoff
        )
        with_hits = sa.select(hits.c.entry_id).where(hits.c.entry_id.in_(ended)).distinct()
        entry_ids = list(conn.execute(with_hits).scalars())
        with_alerts = sa.select(alerts.c.entry_id).where(alerts.c.entry_id.in_(ended)).distinct()
        entry_ids = sorted({*entry_ids, *conn.execute(with_alerts).scalars()})
        if not entry_ids:
            return result
        result.entries = len(entry_ids)
        of_hits = sa.select(hits.c.site, hits.c.hit_id).where(hits.c.entry_id.in_(entry_ids))
        result.hit_updates = conn.execute(
            sa.delete(hit_updates).where(
                sa.tuple_(hit_updates.c.site, hit_updates.c.hit_id).in_(of_hits)
            )
        ).rowcount
        result.alerts = conn.execute(
            sa.delete(alerts).where(alerts.c.entry_id.in_(entry_ids))
        ).rowcount
        result.hits = conn.execute(sa.delete(hits).where(hits.c.entry_id.in_(entry_ids))).rowcount
        audit.append(
            conn,
            "police",
            "retention.purge",
            "police",
            {
                **asdict(result),
                "outcome": "purged",
                "ended_before": cutoff.isoformat(),
                "entry_ids": entry_ids[:200],
            },
            ts=now,
        )
    if tracks is not None:
        tracks.forget(entry_ids)
    log.info(
        "police retention: %d ended entries: %d hits, %d alerts, %d hit updates deleted",
        result.entries,
        result.hits,
        result.alerts,
        result.hit_updates,
    )
    return result


class RetentionPurge(Periodic):
    """Runs :func:`purge_ended` every ``interval_s`` seconds."""

    name = "retention"

    def __init__(
        self,
        owner: str,
        db: Database,
        tracks: TrackBook,
        clock: Clock,
        *,
        keep: timedelta,
        interval_s: float,
    ) -> None:
        super().__init__(owner, interval_s)
        self.db = db
        self.tracks = tracks
        self.clock = clock
        self.keep = keep

    def now(self) -> PoliceRetentionResult:
        """One purge, now (a worker-thread call)."""
        return purge_ended(self.db, keep=self.keep, now=self.clock(), tracks=self.tracks)

    async def step(self) -> None:
        await asyncio.to_thread(self.now)
