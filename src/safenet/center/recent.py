"""The plates each camera read in the last seconds, to drop a second read of the same pass.

A camera that reads one car several times as it passes (or a camera and its relay
sending a read twice) would otherwise fill the read store and the matcher with the
same fact. Only committed reads are remembered, so a read whose batch failed is not
taken for a duplicate when it is sent again.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from safenet.center.tables import reads, utc
from safenet.store import Database

_PRUNE_EVERY = 10_000
RECENT_IDS = 200_000
"""How many committed (camera, read id) pairs are remembered to answer a resend at once."""


class RecentPlates:
    """(camera, plate) to the time of its latest committed read, within a window.

    Also the last :data:`RECENT_IDS` committed (camera, read id) pairs, so that a camera
    resending a batch after a timeout is answered without a database look-up. Older
    resends are caught by the unique index when the batch is written
    (:mod:`safenet.center.bulk`).
    """

    def __init__(self, window: timedelta, max_ids: int = RECENT_IDS) -> None:
        self.window = window
        self.max_ids = max_ids
        self._ids: dict[tuple[str, str], None] = {}
        self._last: dict[tuple[str, str], datetime] = {}
        self._newest: datetime | None = None
        self._since_prune = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._last)

    def seen_near(self, camera_id: str, plate: str, at: datetime) -> bool:
        """Whether the camera read this plate within the window of ``at``."""
        last = self._last.get((camera_id, plate))
        return last is not None and abs(at - last) <= self.window

    def id_stored(self, camera_id: str, read_id: str) -> bool:
        """Whether this camera's read id was committed recently (a resend)."""
        return (camera_id, read_id) in self._ids

    def remember_id(self, camera_id: str, read_id: str) -> None:
        with self._lock:
            self._ids[(camera_id, read_id)] = None
            if len(self._ids) > self.max_ids:
                # dicts keep insertion order: drop the oldest tenth in one go
                drop = self.max_ids // 10 or 1
                for key in list(self._ids)[:drop]:
                    del self._ids[key]

    def remember_committed(self, reads: Iterable[tuple[str, str, str, datetime]]) -> None:
        """A committed batch's ``(camera, read id, plate, time)``, under one lock.

        The same as :meth:`remember` and :meth:`remember_id` for each read, in order.
        """
        with self._lock:
            ids, last = self._ids, self._last
            newest = self._newest
            count = 0
            for camera_id, read_id, plate, at in reads:
                ids[(camera_id, read_id)] = None
                key = (camera_id, plate)
                seen = last.get(key)
                if seen is None or at > seen:
                    last[key] = at
                if newest is None or at > newest:
                    newest = at
                count += 1
            self._newest = newest
            if len(ids) > self.max_ids:
                # dicts keep insertion order: drop the oldest in one go
                drop = len(ids) - self.max_ids + (self.max_ids // 10 or 1)
                for key_id in list(itertools.islice(ids, drop)):
                    del ids[key_id]
            self._since_prune += count
            if self._since_prune >= _PRUNE_EVERY:
                self._prune()

    def remember(self, camera_id: str, plate: str, at: datetime) -> None:
        with self._lock:
            key = (camera_id, plate)
            last = self._last.get(key)
            if last is None or at > last:
                self._last[key] = at
            if self._newest is None or at > self._newest:
                self._newest = at
            self._since_prune += 1
            if self._since_prune >= _PRUNE_EVERY:
                self._prune()

    def _prune(self) -> None:
        self._since_prune = 0
        if self._newest is None:
            return
        cutoff = self._newest - self.window
        self._last = {k: t for k, t in self._last.items() if t >= cutoff}

    def warm(self, db: Database, now: datetime) -> int:
        """Remember the reads committed within the window before ``now`` (at start-up)."""
        if self.window.total_seconds() <= 0:
            return 0
        with db.read() as conn:
            rows = conn.execute(
                sa.select(reads.c.camera_id, reads.c.plate, reads.c.read_at, reads.c.read_id)
                .where(reads.c.read_at >= now - self.window)
                .limit(self.max_ids)
            ).all()
        for r in rows:
            self.remember(r.camera_id, r.plate, utc(r.read_at))
            self.remember_id(r.camera_id, r.read_id)
        return len(rows)
