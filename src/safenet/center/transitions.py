"""Which camera vehicles pass next, learned from this center's own reads: counts only.

:class:`TransitionTally` is fed by the pipeline's ``learn`` stage with every read it
accepted (only reads of this center's own cameras get that far). It pairs the
consecutive reads of one plate within ``center.transitions_gap_s`` with
:class:`safenet.tracking.TransitionLearner`, which holds each plate's last camera in
memory only, under a keyed hash whose random key is never written, and forgets it once
the gap has passed. Nothing of it is stored or logged.

:class:`TransitionSender` sends the police a :class:`~safenet.link.messages.TransitionReport`
every ``center.transitions_interval_s``: each (camera before, camera, next camera) and
(camera, next camera) count of at least ``center.transitions_min_count`` vehicles, and
nothing else. Smaller counts are kept back (a k-anonymity-like floor), so a rare
journey, which could single out one vehicle, never leaves the center. A report holds
all that was counted since ``counted_since``, so one lost report costs nothing; the
counts (and only they) are kept in ``transition_counts`` each round and at stop, so a
restart goes on counting from there.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from safenet.center.tables import metadata
from safenet.center.types import Clock, ReadItem
from safenet.link.errors import LinkError
from safenet.link.messages import TransitionCount, TransitionReport
from safenet.link.transport import Transport
from safenet.service.loop import Periodic
from safenet.store import Database, UtcDateTime
from safenet.tracking import TransitionCounts, TransitionLearner

log = logging.getLogger(__name__)

transition_counts = sa.Table(
    "transition_counts",
    metadata,
    sa.Column("previous", sa.String(64), primary_key=True),  # '' for none
    sa.Column("camera_id", sa.String(64), primary_key=True),
    sa.Column("following", sa.String(64), primary_key=True),
    sa.Column("count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("since", UtcDateTime(), nullable=False),
)
"""What the tally has counted (camera ids and numbers), so a restart goes on from there."""


class TransitionTally:
    """This center's camera-to-camera counts as reads pass (thread-safe)."""

    def __init__(self, site: str, clock: Clock, *, gap_s: float, min_count: int) -> None:
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count!r}")
        self.site = site
        self.min_count = min_count
        self.counted_since: datetime = clock()
        self._learner = TransitionLearner(max_gap_s=gap_s)
        self._lock = threading.Lock()

    def observe(self, items: Sequence[ReadItem]) -> None:
        """Count the accepted reads of one batch (the pipeline's ``learn`` stage)."""
        with self._lock:
            for item in sorted(items, key=lambda i: i.read_at):
                if item.camera is not None and item.plate:
                    self._learner.observe(item.plate, item.camera_id, item.read_at)

    def load(self, db: Database) -> int:
        """Take up the counts stored by the last run; how many transitions."""
        with db.read() as conn:
            rows = list(conn.execute(sa.select(transition_counts)))
        if not rows:
            return 0
        counts = TransitionCounts.from_rows(
            (r.previous or None, r.camera_id, r.following, int(r._mapping["count"])) for r in rows
        )
        with self._lock:
            self._learner.counts = counts
            self.counted_since = min(r.since for r in rows)
            return counts.total

    def save(self, db: Database) -> int:
        """Store the counts (replacing the stored ones); how many rows."""
        with self._lock:
            rows = [
                {
                    "previous": previous or "",
                    "camera_id": camera,
                    "following": following,
                    "count": count,
                    "since": self.counted_since,
                }
                for previous, camera, following, count in self._learner.counts.rows()
            ]
        with db.begin() as conn:
            conn.execute(sa.delete(transition_counts))
            if rows:
                conn.execute(sa.insert(transition_counts), rows)
        return len(rows)

    @property
    def total(self) -> int:
        """Every transition counted, reported or not."""
        with self._lock:
            return self._learner.counts.total

    def rows(self) -> list[TransitionCount]:
        """The counts of at least ``min_count``: the pairs' totals and, given the camera
        before, the triples'."""
        with self._lock:
            kept = self._learner.counts.at_least(self.min_count)
        return [
            TransitionCount(camera_id=camera, following=following, count=count)
            for camera, following, count in kept.pairs()
        ] + [
            TransitionCount(previous=previous, camera_id=camera, following=following, count=n)
            for previous, camera, following, n in kept.triples()
        ]

    def report(self, now: datetime) -> TransitionReport:
        """What the police are told now."""
        return TransitionReport(
            site=self.site,
            counted_since=self.counted_since,
            issued_at=max(now, self.counted_since),
            min_count=self.min_count,
            counts=self.rows(),
        )


class TransitionSender(Periodic):
    """Sends the tally to the police every ``interval_s`` (0: never), when it has counts."""

    name = "transitions"

    def __init__(
        self,
        owner: str,
        tally: TransitionTally,
        transport: Transport,
        clock: Clock,
        interval_s: float,
        db: Database | None = None,
    ) -> None:
        super().__init__(owner, interval_s)
        self.db = db
        self.tally = tally
        self.transport = transport
        self.clock = clock
        self.sent = 0

    async def step(self) -> None:
        await self.send()

    async def send(self) -> bool:
        """Store and send the counts now; False when there is nothing to send or the link
        is down."""
        if self.db is not None:
            await asyncio.to_thread(self.tally.save, self.db)
        report = self.tally.report(self.clock())
        if not report.counts:
            return False
        try:
            await self.transport.publish(report)
        except LinkError as exc:
            log.warning("%s: camera transition counts not sent: %s", self.owner, exc)
            return False
        self.sent += 1
        return True
