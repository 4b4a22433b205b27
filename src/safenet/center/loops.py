"""The center's long-running loops, one class each (the pipeline worker is :mod:`.runner`).

- :class:`LinkConnection`: connects the link (retrying while it is down), then starts
  the outbox relay. Ingest and matching never wait for it: what is committed meanwhile
  waits in the outbox.
- :class:`LinkFeed`: subscribes each family the police send to its handler, from the
  service's table (the hotlist's is :class:`HotlistApplier`).
- :class:`RetroWorker`: runs the queued retrospective look-ups.
- :class:`PurgeSchedule`: the retention purge every ``center.purge_interval_s``.
- :class:`HeartbeatSender`: tells the police the center is alive and which hotlist
  version it matches with.
- :class:`ExpiryWatch`: rebuilds the matcher's index once an entry has expired.

Database work runs in worker threads; each loop is started and stopped by
:class:`safenet.center.service.CenterService`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from safenet import __version__
from safenet.center.hotlist import Hotlist, Outcome
from safenet.center.metrics import CenterMetrics
from safenet.center.partitions import DEFAULT_PARTITION
from safenet.center.retention import PurgeResult, purge
from safenet.center.retro import RetroLookup
from safenet.center.types import Clock
from safenet.link import Family, Heartbeat, HotlistDelta, HotlistSnapshot, Relay
from safenet.link.errors import LinkError
from safenet.link.messages import Message
from safenet.link.transport import Subscription, Transport
from safenet.service.loop import Loop, Periodic
from safenet.store import Database

log = logging.getLogger(__name__)

RETRY_S = 2.0
"""Pause before trying the link again."""

IDLE_S = 30.0
"""The longest a waiting loop sleeps before it looks again on its own."""


class LinkConnection(Loop):
    """Connects the link transport, then starts the relay; see the module docstring."""

    name = "connect"

    def __init__(self, owner: str, transport: Transport, relay: Relay) -> None:
        super().__init__(owner)
        self.transport = transport
        self.relay = relay
        self.connected = asyncio.Event()

    async def run(self) -> None:
        while True:
            try:
                await self.transport.start()
            except Exception as exc:
                log.warning("%s: link not reachable (%s); retrying", self.owner, exc)
                await asyncio.sleep(RETRY_S)
            else:
                await self.relay.start()
                self.connected.set()
                return

    async def close(self) -> None:
        """Publish what the outbox still holds (for at most 5 s), then stop the relay."""
        await self.stop()
        if self.connected.is_set():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.relay.drain_once(), 5.0)
        await self.relay.stop()


LinkHandler = Callable[[Message], Awaitable[None]]
"""What a center does with one message of a family (raising asks for a redelivery)."""


class LinkFeed(Loop):
    """Subscribes each family of the center's table, once the link is up, to its handler.

    The table (family to handler) is the service's: a new message the police send to
    a center is a handler and one line there.
    """

    name = "feed"

    def __init__(
        self,
        owner: str,
        transport: Transport,
        connected: asyncio.Event,
        handlers: Mapping[Family, LinkHandler],
    ) -> None:
        super().__init__(owner)
        self.transport = transport
        self.connected = connected
        self.handlers = dict(handlers)
        self._subscriptions: dict[Family, Subscription] = {}

    async def run(self) -> None:
        await self.connected.wait()
        for family, handler in self.handlers.items():
            while family not in self._subscriptions:
                try:
                    self._subscriptions[family] = await self.transport.subscribe_family(
                        family, handler
                    )
                except LinkError as exc:
                    log.warning(
                        "%s: %s subscription not ready (%s); retrying", self.owner, family, exc
                    )
                    await asyncio.sleep(RETRY_S)

    async def stop(self, timeout_s: float = 5.0) -> None:
        subscriptions, self._subscriptions = list(self._subscriptions.values()), {}
        for subscription in subscriptions:
            with contextlib.suppress(Exception):
                await subscription.stop()
        await super().stop(timeout_s)


class HotlistApplier:
    """The handler of the hotlist family: each snapshot or delta applied to the hotlist."""

    def __init__(
        self,
        owner: str,
        hotlist: Hotlist,
        *,
        on_added: Callable[[], None],
        on_gap: Callable[[], Awaitable[object]],
    ) -> None:
        self.owner = owner
        self.hotlist = hotlist
        self.on_added = on_added
        self.on_gap = on_gap

    async def __call__(self, message: Message) -> None:
        if not isinstance(message, HotlistSnapshot | HotlistDelta):
            log.warning("%s: %s on the hotlist subject ignored", self.owner, type(message).__name__)
            return
        result = await asyncio.to_thread(self.hotlist.apply, message)
        if result.outcome is Outcome.APPLIED and result.added:
            self.on_added()
        elif result.outcome is Outcome.GAP:
            await self.on_gap()


class RetroWorker(Periodic):
    """Runs the queued retrospective look-ups when woken (and every half minute)."""

    name = "retro"

    def __init__(self, owner: str, retro: RetroLookup) -> None:
        super().__init__(owner, IDLE_S)
        self.retro = retro

    async def step(self) -> None:
        await self.retro.run_in_worker()


class PurgeSchedule(Periodic):
    """The retention purge, on its schedule and on demand."""

    name = "purge"

    def __init__(
        self,
        owner: str,
        db: Database,
        metrics: CenterMetrics,
        *,
        site: str,
        read_retention: timedelta,
        hit_retention: timedelta,
        clock: Clock,
        interval_s: float,
        read_partition: timedelta = DEFAULT_PARTITION,
    ) -> None:
        super().__init__(owner, interval_s)
        self.db = db
        self.metrics = metrics
        self.site = site
        self.read_retention = read_retention
        self.hit_retention = hit_retention
        self.clock = clock
        self.read_partition = read_partition

    async def step(self) -> None:
        await self.now()

    async def now(self, *, dry_run: bool = False) -> PurgeResult:
        """Run the purge now (what the schedule runs)."""
        result = await asyncio.to_thread(
            purge,
            self.db,
            site=self.site,
            read_retention=self.read_retention,
            hit_retention=self.hit_retention,
            now=self.clock(),
            dry_run=dry_run,
            read_partition=self.read_partition,
        )
        if not dry_run:
            for kind in ("reads", "snapshots", "hits", "hit_reads"):
                if getattr(result, kind):
                    self.metrics.purged.labels(kind=kind).inc(getattr(result, kind))
        return result


class HeartbeatSender(Loop):
    """Sends a :class:`Heartbeat` every ``interval_s`` (0: only when asked to)."""

    name = "heartbeat"

    def __init__(
        self,
        owner: str,
        site: str,
        transport: Transport,
        queues: Callable[[], dict[str, int]],
        hotlist: Hotlist,
        clock: Clock,
        interval_s: float,
        names: tuple[str, str] = ("", ""),
    ) -> None:
        super().__init__(owner)
        self.site = site
        self.names = names
        self.transport = transport
        self.queues = queues
        self.hotlist = hotlist
        self.clock = clock
        self.interval_s = interval_s
        self.last_sent_at: str | None = None

    async def run(self) -> None:
        while self.interval_s > 0:
            await self.send()
            await asyncio.sleep(self.interval_s)

    async def send(self) -> bool:
        """Tell the police this center is alive and which hotlist version it matches with."""
        now = self.clock()
        beat = Heartbeat(
            site=self.site,
            software_version=__version__,
            hotlist_version=self.hotlist.version,
            queue_depths=self.queues(),
            sent_at=now,
            site_name=self.names[0],
            site_name_en=self.names[1],
        )
        try:
            await self.transport.publish(beat)
        except LinkError as exc:
            log.warning("%s: heartbeat not sent: %s", self.owner, exc)
            return False
        self.last_sent_at = now.isoformat()
        return True


class ExpiryWatch(Periodic):
    """Rebuilds the matcher's index without the entries that expired since it was built."""

    name = "expiry"

    def __init__(self, owner: str, hotlist: Hotlist, clock: Clock, interval_s: float) -> None:
        super().__init__(owner, interval_s)
        self.hotlist = hotlist
        self.clock = clock

    async def step(self) -> None:
        now = self.clock()
        index = self.hotlist.matcher.index
        if any(e.expired(now) for e in self.hotlist.entries() if e.entry_id in index):
            await asyncio.to_thread(self.hotlist.refresh_expiry)
