"""Sending the simulator's reads to the centers through their real ingest, paced to wall time.

The feeder is the cameras' side of the ingest contract: it groups each center's
reads into short batches, hands them to a :class:`ReadSink` (HTTP in
:mod:`safenet.sim.feed_http`, MQTT in :mod:`safenet.sim.feed_mqtt`) and keeps
count. A center that is down does not stop the others: its reads wait in a
queue while the feeder retries with backoff. Nothing is dropped silently: reads
a center refused, reads given up on, and reads still queued at the end are all
counted in the :class:`FeedReport`.

Each read goes out with its camera's picture (``snapshot_jpeg``, base64 JPEG, drawn
by :mod:`safenet.sim.snapshot` from the read's truth) unless
``FeedSettings.snapshots`` is off. Pictures are drawn in a worker thread just before
a batch is sent, once per read (a retried batch keeps them).

Sink errors:

- :class:`TransientSendError` (connection refused, timeout, 5xx, 429): retried.
- :class:`BatchTooLarge` (422 ``batch_too_large``, or 413): the batch is split and sent
  again.
- :class:`PermanentSendError` (401, 403, 422 …): the batch is counted as failed,
  with the reason, and the feed goes on.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from safenet.sim.clock import SimClock
from safenet.sim.events import ReadEvent

if TYPE_CHECKING:
    from safenet.sim.snapshot import SnapshotRenderer

logger = logging.getLogger(__name__)

Read = dict[str, Any]


class SendError(Exception):
    """A batch of reads did not reach a center."""


class TransientSendError(SendError):
    """The center could not take the batch now (down, overloaded); try again later."""


class PermanentSendError(SendError):
    """The center refused the batch as a whole; sending it again will not help."""


class BatchTooLarge(PermanentSendError):
    """The center refused the batch for its size (422 ``batch_too_large`` or 413).

    Smaller batches may pass.
    """


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a center said about one batch: ids accepted, ids already seen, reads refused.

    A sink that gets no answer per read (MQTT) reports every read as ``accepted``
    once the broker has it.
    """

    accepted: int
    duplicates: int = 0
    rejected: tuple[dict[str, Any], ...] = ()


class ReadSink(Protocol):
    """Where a batch of one center's reads goes: the center's HTTP ingest or an MQTT broker."""

    async def start(self) -> None:
        """Open connections; called once before the first send."""

    async def send(self, site: str, reads: list[Read]) -> SendResult:
        """Deliver one batch of reads for ``site``; raises :class:`SendError` when it cannot."""

    async def close(self) -> None:
        """Close connections; called once after the last send."""


@dataclass
class SiteFeedStats:
    """How one center's feed went."""

    site: str
    queued: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    failed: int = 0
    dropped: int = 0
    undelivered: int = 0
    batches: int = 0
    retries: int = 0
    last_error: str | None = None
    rejections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def delivered(self) -> int:
        """Reads the center took in (accepted, or recognised as already received)."""
        return self.accepted + self.duplicates

    @property
    def lost(self) -> int:
        """Reads that did not get in, for any reason (all of them counted, none silent)."""
        return self.rejected + self.failed + self.dropped + self.undelivered


@dataclass
class FeedReport:
    """Per-center counts of a feed run."""

    sites: dict[str, SiteFeedStats] = field(default_factory=dict)

    def site(self, site: str) -> SiteFeedStats:
        """The stats of one center (created on first use)."""
        return self.sites.setdefault(site, SiteFeedStats(site))

    @property
    def queued(self) -> int:
        """Reads handed to the feeder."""
        return sum(s.queued for s in self.sites.values())

    @property
    def delivered(self) -> int:
        """Reads the centers took in."""
        return sum(s.delivered for s in self.sites.values())

    @property
    def lost(self) -> int:
        """Reads that did not get in."""
        return sum(s.lost for s in self.sites.values())

    def summary(self) -> str:
        """One line per center for the demo's console."""
        lines = []
        for s in self.sites.values():
            line = (
                f"{s.site}: {s.queued} reads: {s.accepted} accepted, {s.duplicates} duplicates, "
                f"{s.rejected} rejected, {s.failed} failed, {s.dropped} dropped (queue full), "
                f"{s.undelivered} undelivered; {s.batches} batches, {s.retries} retries"
            )
            if s.last_error:
                line += f"; last error: {s.last_error}"
            lines.append(line)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """How the feeder batches, queues and retries."""

    batch_interval_s: float = 0.25
    max_batch: int = 500
    max_queue: int = 100_000
    retry_initial_s: float = 0.25
    retry_max_s: float = 5.0
    drain_timeout_s: float = 30.0
    snapshots: bool = True
    """Send each read with its camera's JPEG (``snapshot_jpeg``)."""
    snapshot_font: Path | None = None
    """The font for the pictures; None: the ``sim.snapshot_font`` setting, else Debian's."""


class RoutedSink:
    """Several sinks behind one: each center's reads go to that center's sink."""

    def __init__(self, sinks: Mapping[str, ReadSink]) -> None:
        self._sinks = dict(sinks)

    async def start(self) -> None:
        """Start every distinct sink once."""
        for sink in {id(s): s for s in self._sinks.values()}.values():
            await sink.start()

    async def send(self, site: str, reads: list[Read]) -> SendResult:
        """Send through the site's sink; a site without one is a permanent failure."""
        sink = self._sinks.get(site)
        if sink is None:
            raise PermanentSendError(f"no ingest configured for center {site!r}")
        return await sink.send(site, reads)

    async def close(self) -> None:
        """Close every distinct sink once."""
        for sink in {id(s): s for s in self._sinks.values()}.values():
            await sink.close()


class _SiteQueue:
    def __init__(self, stats: SiteFeedStats) -> None:
        self.stats = stats
        self.reads: deque[ReadEvent] = deque()
        self.in_flight: list[ReadEvent] = []
        self.wake = asyncio.Event()


class Feeder:
    """Feeds reads to the centers through a sink, optionally paced by the simulated clock.

    ``renderer`` draws the pictures; by default one is made on the first :meth:`run`
    when ``settings.snapshots`` is on (it raises
    :class:`safenet.sim.fonts.SnapshotFontMissing` when the machine has no Hangul font).
    """

    def __init__(
        self,
        sink: ReadSink,
        settings: FeedSettings | None = None,
        *,
        renderer: SnapshotRenderer | None = None,
    ) -> None:
        self.sink = sink
        self.settings = settings or FeedSettings()
        self.renderer = renderer
        self.report = FeedReport()
        self._queues: dict[str, _SiteQueue] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._done = asyncio.Event()

    async def run(
        self,
        events: Iterable[ReadEvent],
        *,
        clock: SimClock | None = None,
        stop: asyncio.Event | None = None,
    ) -> FeedReport:
        """Send every event, each no earlier than its simulated time on ``clock``.

        Without a clock the events go as fast as the centers take them. ``stop``
        ends the feed early; what was queued is still delivered (or counted).
        """
        self.report = FeedReport()
        self._queues, self._workers, self._done = {}, [], asyncio.Event()
        if self.settings.snapshots and self.renderer is None:
            self.renderer = _default_renderer(self.settings.snapshot_font)
        await self.sink.start()
        if clock is not None:
            clock.begin()
        try:
            for event in events:
                if stop is not None and stop.is_set():
                    break
                if clock is not None:
                    delay = clock.wall_delay(event.t_s)
                    if delay > 0:
                        if stop is None:
                            await asyncio.sleep(delay)
                        elif await _wait(stop, delay):
                            break
                self._enqueue(event)
            self._done.set()
            for queue in self._queues.values():
                queue.wake.set()
            await self._drain()
        finally:
            self._done.set()
            for task in self._workers:
                task.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)
            for queue in self._queues.values():
                queue.stats.undelivered += len(queue.reads) + len(queue.in_flight)
                queue.reads.clear()
                queue.in_flight = []
            await self.sink.close()
        return self.report

    def _enqueue(self, event: ReadEvent) -> None:
        queue = self._queues.get(event.site)
        if queue is None:
            queue = self._queues[event.site] = _SiteQueue(self.report.site(event.site))
            self._workers.append(asyncio.create_task(self._work(queue)))
        queue.stats.queued += 1
        if len(queue.reads) >= self.settings.max_queue:
            queue.reads.popleft()  # the oldest read is the least useful to the police
            queue.stats.dropped += 1
        queue.reads.append(event)

    async def _drain(self) -> None:
        try:
            async with asyncio.timeout(self.settings.drain_timeout_s):
                await asyncio.gather(*self._workers)
        except TimeoutError:
            waiting = {s: len(q.reads) for s, q in self._queues.items() if q.reads}
            logger.warning(
                "feed: gave up draining after %.0f s: %s", self.settings.drain_timeout_s, waiting
            )

    async def _work(self, queue: _SiteQueue) -> None:
        s = self.settings
        stats = queue.stats
        size = s.max_batch
        backoff = s.retry_initial_s
        while True:
            if not queue.reads:
                if self._done.is_set():
                    return
                queue.wake.clear()
                await _wait(queue.wake, s.batch_interval_s)
                continue
            if not self._done.is_set():
                await asyncio.sleep(s.batch_interval_s)  # let a batch gather
            # Out of the queue while in flight, so a full queue drops only reads not yet sent.
            batch = queue.in_flight = [
                queue.reads.popleft() for _ in range(min(size, len(queue.reads)))
            ]
            if self.settings.snapshots and self.renderer is not None:
                batch = queue.in_flight = await asyncio.to_thread(
                    _with_pictures, self.renderer, batch
                )
            try:
                result = await self.sink.send(stats.site, [event.read for event in batch])
            except BatchTooLarge as exc:
                queue.in_flight = []
                stats.last_error = str(exc)
                if len(batch) == 1:
                    stats.failed += 1
                else:
                    queue.reads.extendleft(reversed(batch))
                    size = max(1, len(batch) // 2)
                continue
            except PermanentSendError as exc:
                queue.in_flight = []
                stats.last_error = str(exc)
                stats.failed += len(batch)
                logger.warning("feed %s: %d reads refused: %s", stats.site, len(batch), exc)
                continue
            except TransientSendError as exc:
                queue.reads.extendleft(reversed(batch))
                queue.in_flight = []
                stats.last_error = str(exc)
                stats.retries += 1
                logger.info("feed %s: %s; retrying in %.2f s", stats.site, exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, s.retry_max_s)
                continue
            queue.in_flight = []
            backoff = s.retry_initial_s
            stats.batches += 1
            stats.accepted += result.accepted
            stats.duplicates += result.duplicates
            stats.rejected += len(result.rejected)
            room = 100 - len(stats.rejections)
            if result.rejected and room > 0:
                stats.rejections.extend(result.rejected[:room])


def _default_renderer(font: Path | None) -> SnapshotRenderer:
    from safenet.sim.snapshot import SnapshotRenderer

    if font is None:
        from safenet.config import Settings

        font = Settings().sim.snapshot_font
    return SnapshotRenderer(font)


def _with_pictures(renderer: SnapshotRenderer, batch: list[ReadEvent]) -> list[ReadEvent]:
    """The batch with each read's picture attached (reads that have one are kept as they are)."""
    out = []
    for event in batch:
        if "snapshot_jpeg" not in event.read:
            jpeg = base64.b64encode(renderer.render_event(event)).decode("ascii")
            event = dataclasses.replace(event, read={**event.read, "snapshot_jpeg": jpeg})
        out.append(event)
    return out


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    """Wait for ``event`` at most ``seconds``; True when it was set."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return event.is_set()
    return True
