"""The audit anchoring loop a service runs: checkpoints by itself, heads to the other side, pruning.

Every ``poll_seconds`` the loop looks at its site's chain and signs a checkpoint when
``checkpoint_every_records`` records are uncovered, or when the oldest uncovered one is
``checkpoint_every_minutes`` old (settings in :class:`~safenet.audit.settings.AuditSettings`).
In the checkpoint's own transaction the signed head is put into the site's link outbox
as an :class:`~safenet.link.messages.AuditHead`, so the other side gets every head the
site signs, however the link fares. Every ``prune_every_hours`` it deletes records past
``retention_days`` under a signed pruning anchor, which travels the same way::

    loop = CheckpointLoop(db, SigningKey.load_or_create(path), "seocho", settings.audit,
                          notify=relay.notify, clock=clock)
    await loop.start()   # ... await loop.stop() on shutdown
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from safenet.audit import store
from safenet.audit.checkpoint import Checkpoint, SigningKey
from safenet.audit.settings import AuditSettings
from safenet.audit.witness import head_message
from safenet.link import outbox
from safenet.store import Database

log = logging.getLogger(__name__)


class CheckpointLoop:
    """One site's audit anchoring, run beside its service (see the module docstring).

    ``send_heads`` puts each signed head into the link outbox (False: keep them local,
    for a site without a link). ``notify`` wakes the outbox relay after a head was
    enqueued. ``clock`` is the service's clock (the simulator's in the demo).
    """

    def __init__(
        self,
        db: Database,
        key: SigningKey,
        site: str,
        settings: AuditSettings,
        *,
        send_heads: bool = True,
        notify: Callable[[], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.key = key
        self.site = site
        self.settings = settings
        self.send_heads = send_heads
        self.notify = notify
        self.clock = clock or (lambda: datetime.now(UTC))
        self.checkpoints_total = 0
        self.pruned_total = 0
        self.last_error: str | None = None
        self._last_prune: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    # -- one step (call from a worker thread) ------------------------------------------

    def tick(self) -> Checkpoint | None:
        """Sign a checkpoint if one is due; return it (None when none was due)."""
        now = self.clock()
        with self.db.begin() as conn:
            seq, _ = store.head(conn)
            last = store.last_checkpoint(conn)
            start, _ = store.anchor(conn)
            covered = max(start, last.seq if last else 0)
            uncovered = seq - covered
            if uncovered <= 0:
                return None
            if uncovered < self.settings.checkpoint_every_records:
                oldest = store.first_record_after(conn, covered)
                if oldest is None:
                    return None
                age = now - datetime.fromisoformat(oldest.ts)
                if age < self.settings.checkpoint_interval:
                    return None
            cp = store.checkpoint(conn, self.key, self.site, ts=now)
            if cp is not None and self.send_heads:
                outbox.enqueue(conn, head_message(cp))
        if cp is not None:
            self.checkpoints_total += 1
            log.info(
                "audit: %s checkpoint at record %d (%d uncovered)", self.site, cp.seq, uncovered
            )
            if self.send_heads and self.notify is not None:
                self.notify()
        return cp

    def prune_if_due(self) -> store.PruneResult | None:
        """Prune the records past retention if the last prune is ``prune_every_hours`` old."""
        now = self.clock()
        every = self.settings.prune_every_hours * 3600
        if self._last_prune is not None and (now - self._last_prune).total_seconds() < every:
            return None
        self._last_prune = now
        with self.db.begin() as conn:
            result = store.prune(
                conn, self.key, self.site, retention=self.settings.retention, now=now
            )
            if result is not None and self.send_heads:
                outbox.enqueue(conn, head_message(result.anchor))
        if result is not None:
            self.pruned_total += result.anchor.removed
            log.info(
                "audit: %s pruned %d records up to %d (older than %s)",
                self.site,
                result.anchor.removed,
                result.anchor.seq,
                result.anchor.cutoff,
            )
            if self.send_heads and self.notify is not None:
                self.notify()
        return result

    # -- the loop --------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=f"audit-anchor-{self.site}")

    async def stop(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        """Tick and prune until cancelled; a failure is logged and tried again next time."""
        while True:
            try:
                await asyncio.to_thread(self.prune_if_due)
                await asyncio.to_thread(self.tick)
                self.last_error = None
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.last_error = repr(exc)
                log.exception("audit: %s anchoring failed; trying again", self.site)
            await asyncio.sleep(self.settings.poll_seconds)
