"""The police's long-running loops, one class each.

- :class:`ExpirySweep`: every ``police.expiry_sweep_s``, ends expired entries (a new
  hotlist version), sends a snapshot to every center that lags behind, prunes the
  link inbox once an hour and refreshes the outbox gauge.
- :class:`PoliceHeartbeat`: every ``police.heartbeat_s``, tells the centers the police
  are alive and which hotlist version is current.

The relay, the intake subscriptions and the notifiers are started beside them by
:class:`safenet.police.service.PoliceService`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import timedelta

from safenet import __version__
from safenet.link import Heartbeat, LinkError, Relay, Transport, inbox
from safenet.police import distribution
from safenet.police.actions import RegistryActions
from safenet.police.categories import CategoryPolicy
from safenet.police.clock import Clock
from safenet.police.metrics import PoliceMetrics
from safenet.service.loop import Loop, Periodic
from safenet.store import Database

log = logging.getLogger(__name__)

INBOX_KEEP = timedelta(days=7)
"""How long received message ids are kept (longer than any redelivery)."""

PRUNE_EVERY_S = 3600.0


class ExpirySweep(Periodic):
    """Ends expired entries and resynchronises lagging centers; see the module docstring."""

    name = "sweep"

    def __init__(
        self,
        owner: str,
        db: Database,
        actions: RegistryActions,
        relay: Relay,
        metrics: PoliceMetrics,
        policies: Mapping[str, CategoryPolicy],
        *,
        clock: Clock,
        interval_s: float,
        resync_grace: timedelta,
        snapshot_part_size: int,
    ) -> None:
        super().__init__(owner, interval_s)
        self.db = db
        self.actions = actions
        self.relay = relay
        self.metrics = metrics
        self.policies = policies
        self.clock = clock
        self.resync_grace = resync_grace
        self.snapshot_part_size = snapshot_part_size
        self._last_prune = 0.0

    async def step(self) -> None:
        await self.actions.sweep()
        resynced = await asyncio.to_thread(self.resync_lagging)
        if resynced:
            self.metrics.snapshots.inc(len(resynced))
        if time.monotonic() - self._last_prune > PRUNE_EVERY_S:
            self._last_prune = time.monotonic()
            await asyncio.to_thread(self._prune_inbox)
        self.metrics.outbox_depth.set(await asyncio.to_thread(self.relay.read_depth))

    def resync_lagging(self) -> list[str]:
        """Send a snapshot to every center behind for longer than the grace (worker thread)."""
        now = self.clock()
        with self.db.begin() as conn:
            lagging = distribution.lagging_centers(conn, now, self.resync_grace)
            for site in lagging:
                distribution.send_snapshot(conn, site, now, self.policies, self.snapshot_part_size)
                log.info("hotlist: %s lags behind; snapshot sent", site)
            status = distribution.center_status(conn)
            self.metrics.centers_behind.set(sum(1 for c in status["centers"] if not c["in_sync"]))
            self.metrics.active_entries.set(len(distribution.active_entries(conn, now)))
        return lagging

    def _prune_inbox(self) -> None:
        with self.db.begin() as conn:
            inbox.prune_received(conn, self.clock() - INBOX_KEEP)


class PoliceHeartbeat(Loop):
    """Sends the police's :class:`Heartbeat` every ``interval_s``."""

    name = "heartbeat"

    def __init__(
        self,
        owner: str,
        db: Database,
        transport: Transport,
        relay: Relay,
        clock: Clock,
        interval_s: float,
    ) -> None:
        super().__init__(owner)
        self.db = db
        self.transport = transport
        self.relay = relay
        self.clock = clock
        self.interval_s = interval_s

    def current_version(self) -> int:
        """The hotlist version in force (a worker-thread call)."""
        with self.db.read() as conn:
            return distribution.current_version(conn)

    async def run(self) -> None:
        while True:
            try:
                await self.transport.publish(
                    Heartbeat(
                        site="police",
                        software_version=f"safenet {__version__}",
                        hotlist_version=await asyncio.to_thread(self.current_version),
                        queue_depths={"outbox": self.relay.depth},
                        sent_at=self.clock(),
                    )
                )
            except LinkError as exc:
                log.debug("police: heartbeat not sent: %s", exc)
            except Exception:
                log.exception("police: heartbeat failed")
            await asyncio.sleep(self.interval_s)
