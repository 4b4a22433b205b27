"""The plates each camera read in the last seconds, to drop a second read of the same pass.

A camera that reads one car several times as it passes (or a camera and its relay
sending a read twice) would otherwise fill the read store and the matcher with the
same fact. Only committed reads are remembered, so a read whose batch failed is not
taken for a duplicate when it is sent again.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import sqlalchemy as sa

from safenet.center.tables import reads, utc
from safenet.store import Database

_PRUNE_EVERY = 10_000


class RecentPlates:
    """(camera, plate) to the time of its latest committed read, within a window."""

    def __init__(self, window: timedelta) -> None:
        self.window = window
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
                sa.select(reads.c.camera_id, reads.c.plate, reads.c.read_at).where(
                    reads.c.read_at >= now - self.window
                )
            ).all()
        for r in rows:
            self.remember(r.camera_id, r.plate, utc(r.read_at))
        return len(rows)
