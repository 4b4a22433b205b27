"""``safenet center worker``: runs the pipeline on batches taken from the site's work queue.

Any number of worker processes, on any machines, serve one site: each pulls from the
site's one durable consumer (:mod:`safenet.link.nats_queue`), so every batch goes to
one of them at a time. A worker runs the SAME stages the inline path runs
(:data:`safenet.center.pipeline.STAGES`: normalize, deduplicate, match, decide, the hit
checks, persist with hits, snapshots and outbox rows in one transaction, learn) on
its own database connection, then acks. The center process relays the outbox rows
the workers commit to the police.

Delivery is at least once; the writes are idempotent, so the effect is exactly once:
a read already stored (unique ``(camera_id, read_id)``) is a duplicate and none of its
hits is written again (hits are keyed by read and entry). So a batch given again
after a worker died between its commit and its ack changes nothing.

What happens to a batch, by what the pipeline made of its reads:

- every read settled (accepted, duplicate, refused for what it is): ack;
- some read failed a stage that refuses with "send again" (``pipeline_error``: the
  database was down, say), or the run failed as a whole: the batch is given again
  after ``center.queue_redeliver_delay_s`` (its settled reads come back as duplicates);
- that was its ``center.queue_max_deliver``-th delivery, or it arrives with more
  deliveries than that (workers died on it), or it does not decode: it is copied to
  the dead-letter stream with the reason, logged, and acked. Never dropped silently.

A worker reads the hotlist the center keeps in the database. Before each run it
compares the version stored there with its own and reloads when the center applied a
newer one, so a read taken after the center acknowledged a version is matched against
it; between batches it also checks every ``center.worker_hotlist_poll_s``. ``--concurrency N``
runs N lanes in the process, each with its own pipeline (its own de-duplication
memory and decision chain).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import nats.errors
import sqlalchemy as sa
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from safenet.center.cameras import CameraRegistry
from safenet.center.context import PipelineContext
from safenet.center.hotlist import Hotlist
from safenet.center.metrics import CenterMetrics
from safenet.center.pipeline import STAGES, Pipeline, Stage
from safenet.center.queued import BadBatch, decode
from safenet.center.settings import CenterSettings
from safenet.center.tables import hotlist_state
from safenet.center.types import Clock, ReadFate, ReadItem, RejectCode, system_clock
from safenet.link.nats_queue import WorkQueue
from safenet.store import Database

log = logging.getLogger(__name__)

FETCH_WAIT_S = 1.0
"""How long one pull waits for batches before it asks again."""


@dataclass
class WorkerCounts:
    """What a worker did (for tests, the log line at stop, and the benchmark)."""

    batches: int = 0
    reads: int = 0
    accepted: int = 0
    duplicates: int = 0
    redelivered: int = 0
    retried: int = 0
    dead: int = 0
    batch_ids: list[str] = field(default_factory=list)


@dataclass
class _Taken:
    msg: Msg
    batch_id: str
    deliveries: int
    items: list[ReadItem]


class CenterWorker:
    """One worker process's lanes on one site's work queue; see the module docstring."""

    def __init__(
        self,
        settings: CenterSettings,
        *,
        site: str,
        db: Database,
        queue: WorkQueue,
        concurrency: int = 1,
        clock: Clock = system_clock,
        stages: Sequence[Stage] = STAGES,
        name: str | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency: {concurrency} (at least 1)")
        self.settings = settings
        self.site = site
        self.db = db
        self.queue = queue
        self.clock = clock
        self.name = name or f"worker {site}"
        self.metrics = CenterMetrics()
        self.registry = CameraRegistry(db)
        self.hotlist = Hotlist(db, site, clock=clock)
        self.lanes = [
            Pipeline(
                PipelineContext.from_settings(
                    settings,
                    site=site,
                    db=db,
                    registry=self.registry,
                    hotlist=self.hotlist,
                    metrics=self.metrics,
                    clock=clock,
                ),
                stages,
            )
            for _ in range(concurrency)
        ]
        self.counts = WorkerCounts()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._reloading = asyncio.Lock()

    async def start(self) -> None:
        """Load cameras and hotlist, connect to the queue, start the lanes."""
        await asyncio.to_thread(self.registry.load)
        await asyncio.to_thread(self.hotlist.load)
        for lane in self.lanes:
            await asyncio.to_thread(lane.ctx.recent.warm, self.db, self.clock())
        if not self.queue.connected:
            await self.queue.connect()
        for k, lane in enumerate(self.lanes):
            sub = await self.queue.consumer()
            self._tasks.append(
                asyncio.create_task(self._lane(lane, sub), name=f"{self.name}-lane-{k}")
            )
        self._tasks.append(asyncio.create_task(self._watch(), name=f"{self.name}-hotlist"))
        log.info(
            "%s: %d lanes on stream %s, hotlist version %d, %d cameras",
            self.name,
            len(self.lanes),
            self.queue.config.url,
            self.hotlist.version,
            len(self.registry),
        )

    async def stop(self, grace_s: float = 30.0) -> None:
        """Finish the batches in hand (at most ``grace_s``), then stop; unacked ones come back."""
        self._stopping.set()
        tasks, self._tasks = self._tasks, []
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=grace_s)
            for task in late:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        c = self.counts
        log.info(
            "%s stopped: %d batches, %d reads (%d accepted, %d duplicates), "
            "%d were deliveries again, %d failed and were given back, %d dead-lettered",
            self.name,
            c.batches,
            c.reads,
            c.accepted,
            c.duplicates,
            c.redelivered,
            c.retried,
            c.dead,
        )

    async def kill(self) -> None:
        """Stop at once, acking nothing in hand (what a crash does; for tests)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # -- the lanes --------------------------------------------------------------------------

    async def _lane(self, pipeline: Pipeline, sub: JetStreamContext.PullSubscription) -> None:
        fetch_n = self.settings.worker_fetch_messages
        while not self._stopping.is_set():
            try:
                msgs = await sub.fetch(fetch_n, timeout=FETCH_WAIT_S)
            except (TimeoutError, nats.errors.TimeoutError):
                continue
            except nats.errors.Error as exc:
                log.warning("%s: pull failed: %s; trying again", self.name, exc)
                await asyncio.sleep(FETCH_WAIT_S)
                continue
            try:
                await self._handle(pipeline, msgs)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Nothing acked: every batch in hand comes back after ack_wait.
                log.exception(
                    "%s: %d batches not settled; they will be given again", self.name, len(msgs)
                )

    async def _handle(self, pipeline: Pipeline, msgs: list[Msg]) -> None:
        taken: list[_Taken] = []
        for msg in msgs:
            deliveries = msg.metadata.num_delivered or 1
            if deliveries > self.settings.queue_max_deliver:
                await self._dead(
                    msg,
                    f"delivered {deliveries} times without an ack (the workers it reached "
                    "died or timed out on it)",
                    deliveries,
                )
                continue
            try:
                batch, reads = decode(msg.data)
            except BadBatch as exc:
                await self._dead(msg, str(exc), deliveries)
                continue
            now = time.perf_counter()
            items = [
                ReadItem(incoming=r, ingested_at=now, received_at=batch.received_at) for r in reads
            ]
            taken.append(_Taken(msg, batch.batch_id, deliveries, items))
            if deliveries > 1:
                self.counts.redelivered += 1
                log.info(
                    "%s: batch %s taken again (delivery %d)", self.name, batch.batch_id, deliveries
                )
        for group in _groups(taken, self.settings.pipeline_batch_size):
            await self._run(pipeline, group)

    async def _run(self, pipeline: Pipeline, group: list[_Taken]) -> None:
        items = [i for t in group for i in t.items]
        failure: str | None = None
        keepalive = asyncio.create_task(self._keep_alive([t.msg for t in group]))
        try:
            await self._fresh_hotlist()
            await asyncio.to_thread(pipeline.run, items)
        except Exception as exc:
            log.exception("%s: the pipeline failed for %d reads as a whole", self.name, len(items))
            failure = f"the pipeline failed: {type(exc).__name__}: {exc}"
        finally:
            keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keepalive
        for t in group:
            await self._settle(t, failure)
        if any(i.hits for i in items if i.fate is ReadFate.ACCEPTED):
            with contextlib.suppress(Exception):  # the center's relay also polls
                await self.queue.committed()

    async def _settle(self, t: _Taken, failure: str | None) -> None:
        failed = [
            i
            for i in t.items
            if i.fate is ReadFate.LIVE
            or (i.rejection is not None and i.rejection.code is RejectCode.PIPELINE)
        ]
        if failure is None and not failed:
            await t.msg.ack_sync()
            c = self.counts
            c.batches += 1
            c.reads += len(t.items)
            c.accepted += sum(1 for i in t.items if i.fate is ReadFate.ACCEPTED)
            c.duplicates += sum(1 for i in t.items if i.fate is ReadFate.DUPLICATE)
            c.batch_ids.append(t.batch_id)
            return
        if failure is None:
            first = failed[0].rejection
            failure = f"{len(failed)} of {len(t.items)} reads failed" + (
                "" if first is None else f" ({first.reason})"
            )
        if t.deliveries >= self.settings.queue_max_deliver:
            await self._dead(t.msg, failure, t.deliveries)
            return
        self.counts.retried += 1
        log.warning(
            "%s: batch %s failed on delivery %d of %d: %s; it will be given again",
            self.name,
            t.batch_id,
            t.deliveries,
            self.settings.queue_max_deliver,
            failure,
        )
        await t.msg.nak(delay=self.settings.queue_redeliver_delay_s)

    async def _dead(self, msg: Msg, reason: str, deliveries: int) -> None:
        batch_id = (msg.headers or {}).get("Nats-Msg-Id", "?")
        await self.queue.dead_letter(msg, reason, deliveries)
        self.counts.dead += 1
        log.error(
            "%s: batch %s moved to the dead-letter stream after %d deliveries: %s",
            self.name,
            batch_id,
            deliveries,
            reason,
        )

    async def _keep_alive(self, msgs: list[Msg]) -> None:
        """Tell JetStream the batches are being worked on, so ack_wait does not run out."""
        pause = max(0.5, self.settings.queue_ack_wait_s / 3)
        while True:
            await asyncio.sleep(pause)
            for msg in msgs:
                with contextlib.suppress(Exception):
                    await msg.in_progress()

    # -- the hotlist -------------------------------------------------------------------------

    async def _watch(self) -> None:
        """Reload the hotlist when the center applied a new version; advance held decisions."""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._stopping.wait(), timeout=self.settings.worker_hotlist_poll_s
                )
            if self._stopping.is_set():
                return
            try:
                await self._fresh_hotlist()
                for lane in self.lanes:
                    if lane.ctx.decisions is not None:
                        await asyncio.to_thread(lane.ctx.decisions.advance)  # reads the store
            except Exception as exc:
                log.warning("%s: hotlist check failed: %s", self.name, exc)

    async def _fresh_hotlist(self) -> None:
        """Load the version the center has applied (and so acknowledged), if it is newer."""
        version = await asyncio.to_thread(self._stored_version)
        if version == self.hotlist.version:
            return
        async with self._reloading:  # lanes share one hotlist: one reload
            if version != self.hotlist.version:
                await asyncio.to_thread(self.hotlist.load)
                log.info("%s: hotlist version %d loaded", self.name, self.hotlist.version)

    def _stored_version(self) -> int:
        with self.db.read() as conn:
            version = conn.execute(
                sa.select(hotlist_state.c.version).where(hotlist_state.c.id == 1)
            ).scalar()
        return 0 if version is None else int(version)


def _groups(taken: list[_Taken], max_reads: int) -> list[list[_Taken]]:
    """Batches run together, at most ``max_reads`` reads a run (at least one batch)."""
    groups: list[list[_Taken]] = []
    current: list[_Taken] = []
    count = 0
    for t in taken:
        if current and count + len(t.items) > max_reads:
            groups.append(current)
            current, count = [], 0
        current.append(t)
        count += len(t.items)
    if current:
        groups.append(current)
    return groups
