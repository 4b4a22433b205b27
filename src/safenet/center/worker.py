"""``safenet center worker``: runs the pipeline on batches taken from the site's work queue.

Any number of worker processes, on any machines, serve one site. The site's cameras are
cut in ``center.queue_shards`` shards, each with one durable consumer
(:mod:`safenet.link.nats_queue`); a worker takes its share of the shards and holds them
by lock in the database (:mod:`safenet.center.shards`), so every read of one camera
goes to one worker and one of its lanes, whose de-duplication window sees them all.
When a worker dies its locks go with its database connection and the others take its
shards; a worker that takes a shard looks up, for the reads it is given whose time is
within the window of the newest read committed when it took it, what was committed at
those cameras before, so a repeat across the hand-over is still found.

A worker runs the SAME stages the inline path runs
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
memory and decision chain); each shard the worker holds is served by one lane.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

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
from safenet.center.shards import (
    ShardLocks,
    newest_read,
    preferred_order,
    remember_committed,
    shard_locks,
    share,
)
from safenet.center.tables import hotlist_state
from safenet.center.types import Clock, ReadFate, ReadItem, RejectCode, system_clock
from safenet.center.worker_state import (
    Held,
    Taken,
    WorkerCounts,
    finish,
    groups,
    wait_clearing,
)
from safenet.link.errors import LinkUnavailable
from safenet.link.nats_queue import WorkQueue
from safenet.store import Database

log = logging.getLogger(__name__)

FETCH_WAIT_S = 1.0
"""How long one pull waits for batches before it asks again."""

NEVER = datetime.min.replace(tzinfo=UTC)


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
        self.locks: ShardLocks | None = None
        self._held: dict[int, Held] = {}
        self._inboxes: list[asyncio.Queue[tuple[Held, list[Msg]]]] = [
            asyncio.Queue() for _ in self.lanes
        ]
        self._lanes_done = asyncio.Event()
        self._lane_tasks: list[asyncio.Task[None]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._reloading = asyncio.Lock()

    @property
    def held(self) -> list[int]:
        """The shards this worker holds now."""
        return sorted(self._held)

    async def start(self) -> None:
        """Load cameras and hotlist, connect to the queue, take a share of the shards."""
        await asyncio.to_thread(self.registry.load)
        await asyncio.to_thread(self.hotlist.load)
        for lane in self.lanes:
            await asyncio.to_thread(lane.ctx.recent.warm, self.db, self.clock())
        await self._connect()
        self.locks = await asyncio.to_thread(self._join)
        self._lane_tasks = [
            asyncio.create_task(self._lane(k), name=f"{self.name}-lane-{k}")
            for k in range(len(self.lanes))
        ]
        await self._rebalance()
        self._tasks.append(asyncio.create_task(self._balance(), name=f"{self.name}-shards"))
        self._tasks.append(asyncio.create_task(self._watch(), name=f"{self.name}-hotlist"))
        log.info(
            "%s: %d lanes on stream %s, shards %s of %d, hotlist version %d, %d cameras",
            self.name,
            len(self.lanes),
            self.queue.config.url,
            self.held,
            self.queue.config.shards,
            self.hotlist.version,
            len(self.registry),
        )

    async def _connect(self) -> None:
        """Connect once the center has made the streams (a worker may start first)."""
        pause = 0.2
        while not self.queue.connected:
            try:
                await self.queue.connect()
            except LinkUnavailable as exc:
                await self.queue.close()
                log.warning("%s: %s; trying again in %.1fs", self.name, exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)

    def _join(self) -> ShardLocks:
        locks = shard_locks(self.db, self.site)
        locks.join()
        return locks

    async def stop(self, grace_s: float = 30.0) -> None:
        """Finish the batches in hand (at most ``grace_s``), then stop; unacked ones come back."""
        self._stopping.set()
        deadline = asyncio.get_running_loop().time() + grace_s
        tasks, self._tasks = self._tasks, []
        tasks += [h.task for h in self._held.values() if h.task is not None]
        await finish(tasks, grace_s)  # the shards: their last fetches settled by the lanes
        self._lanes_done.set()
        lanes, self._lane_tasks = self._lane_tasks, []
        await finish(lanes, max(0.0, deadline - asyncio.get_running_loop().time()))
        self._drop_locks()
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
        tasks += [h.task for h in self._held.values() if h.task is not None]
        tasks += self._lane_tasks
        self._lane_tasks = []
        await finish(tasks, 0)  # every task cancelled at once
        self._drop_locks()  # as the process's death closes its database connection

    def _drop_locks(self) -> None:
        self._held.clear()
        locks, self.locks = self.locks, None
        if locks is not None:
            locks.close()

    # -- the shards -------------------------------------------------------------------------

    async def _balance(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._stopping.wait(), timeout=self.settings.worker_rebalance_s
                )
            if self._stopping.is_set():
                return
            try:
                await self._rebalance()
            except Exception as exc:
                log.warning("%s: shard check failed: %s", self.name, exc)

    async def _rebalance(self) -> None:
        """Take free shards up to this worker's share; give back what is over it."""
        locks = self.locks
        if locks is None:
            return
        if not await asyncio.to_thread(locks.alive):
            await self._lost_locks()
            return
        shards = self.queue.config.shards
        target = share(shards, await asyncio.to_thread(locks.members))
        for shard in self.held[target:] if len(self._held) > target else []:
            await self._give_back(shard)
        for shard in preferred_order(shards, self.name):
            if len(self._held) >= target or self._stopping.is_set():
                break
            if shard not in self._held and await asyncio.to_thread(locks.take, shard):
                await self._take(shard)

    async def _lost_locks(self) -> None:
        """The lock connection died: another worker may take our shards, so stop serving them."""
        log.error("%s: lost the shard locks (database connection); taking them again", self.name)
        held, self._held = list(self._held.values()), {}
        for h in held:
            h.lost = True
            if h.task is not None:
                h.task.cancel()
        old, self.locks = self.locks, None
        if old is not None:
            old.close()
        self.locks = await asyncio.to_thread(self._join)

    async def _take(self, shard: int) -> None:
        assert self.locks is not None
        try:
            sub = await self.queue.consumer(shard)
        except Exception as exc:
            await asyncio.to_thread(self.locks.give_back, shard)
            log.warning("%s: shard %d not taken: %s", self.name, shard, exc)
            return
        load = [sum(1 for h in self._held.values() if h.lane == k) for k in range(len(self.lanes))]
        lane = load.index(min(load))
        window = self.lanes[lane].ctx.recent.window
        # Only a read within the window of one committed before now can be a repeat of
        # the previous holder's: the newest committed read bounds the look-ups.
        seq, newest_at = await asyncio.to_thread(newest_read, self.db)
        until = NEVER if newest_at is None else newest_at + window
        held = Held(shard, lane, until, seq)
        held.task = asyncio.create_task(self._serve(held, sub), name=f"{self.name}-shard-{shard}")
        self._held[shard] = held
        self.counts.shards_taken += 1
        log.info("%s: took shard %d (lane %d)", self.name, shard, lane)

    async def _give_back(self, shard: int) -> None:
        """Finish the batches in hand on ``shard``, then free it for another worker."""
        held = self._held.get(shard)
        if held is None:
            return
        held.stop.set()
        if held.task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await held.task
        del self._held[shard]
        if self.locks is not None:
            await asyncio.to_thread(self.locks.give_back, shard)
        self.counts.shards_given_back += 1
        log.info("%s: gave back shard %d", self.name, shard)

    # -- the lanes --------------------------------------------------------------------------

    async def _serve(self, held: Held, sub: JetStreamContext.PullSubscription) -> None:
        """Fetch the shard's batches for its lane, at most ``worker_fetch_messages`` in hand."""
        fetch_n = self.settings.worker_fetch_messages
        inbox = self._inboxes[held.lane]
        try:
            while not (self._stopping.is_set() or held.stop.is_set()):
                room = fetch_n - held.in_hand
                if room <= 0:
                    await wait_clearing(held.settled, FETCH_WAIT_S)
                    continue
                try:
                    msgs = await sub.fetch(room, timeout=FETCH_WAIT_S)
                except (TimeoutError, nats.errors.TimeoutError):
                    continue
                except nats.errors.Error as exc:
                    log.warning("%s: pull failed: %s; trying again", self.name, exc)
                    await asyncio.sleep(FETCH_WAIT_S)
                    continue
                held.in_hand += len(msgs)
                inbox.put_nowait((held, msgs))
            while held.in_hand > 0:  # the lane settles what this shard fetched
                await wait_clearing(held.settled, FETCH_WAIT_S)
        finally:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def _lane(self, k: int) -> None:
        """Run what the lane's shards fetched, all of it together (one run, many shards)."""
        inbox, pipeline = self._inboxes[k], self.lanes[k]
        while True:
            try:
                first = await asyncio.wait_for(inbox.get(), FETCH_WAIT_S)
            except TimeoutError:
                if self._lanes_done.is_set():
                    return
                continue
            got = [first]
            await self._gather(inbox, got)
            live = [(held, msgs) for held, msgs in got if not held.lost]
            try:
                if live:
                    await self._handle(pipeline, live)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Nothing acked: every batch in hand comes back after ack_wait.
                log.exception(
                    "%s: %d batches not settled; they will be given again",
                    self.name,
                    sum(len(m) for _, m in live),
                )
            finally:
                for held, msgs in got:
                    held.in_hand -= len(msgs)
                    held.settled.set()

    async def _gather(
        self, inbox: asyncio.Queue[tuple[Held, list[Msg]]], got: list[tuple[Held, list[Msg]]]
    ) -> None:
        """Add what else comes within ``center.pipeline_max_wait_ms`` (a post's other shards).

        Ingest cuts a post into one batch per shard; run alone, each would cost a whole
        pipeline run (a transaction, the hotlist check) for a few reads.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.pipeline_max_wait_ms / 1000
        lane = got[0][0].lane
        most = self.settings.worker_fetch_messages * max(
            1, sum(1 for h in self._held.values() if h.lane == lane)
        )
        while sum(len(m) for _, m in got) < most:
            if not inbox.empty():
                got.append(inbox.get_nowait())
                continue
            left = deadline - loop.time()
            if left <= 0:
                return
            try:
                got.append(await asyncio.wait_for(inbox.get(), left))
            except TimeoutError:
                return

    async def _handle(self, pipeline: Pipeline, fetched: list[tuple[Held, list[Msg]]]) -> None:
        taken: list[Taken] = []
        for held, msg in ((h, m) for h, msgs in fetched for m in msgs):
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
            taken.append(Taken(msg, batch.batch_id, deliveries, items, held))
            if deliveries > 1:
                self.counts.redelivered += 1
                log.info(
                    "%s: batch %s taken again (delivery %d)", self.name, batch.batch_id, deliveries
                )
        await self._look_up(pipeline, taken)
        for group in groups(taken, self.settings.pipeline_batch_size):
            await self._run(pipeline, group)

    async def _look_up(self, pipeline: Pipeline, taken: list[Taken]) -> None:
        """Remember what the shards' previous holders committed near these reads (one query)."""
        recent = pipeline.ctx.recent
        window = recent.window
        early = [i for t in taken for i in t.items if i.incoming.ts <= t.held.look_up_until]
        if not early or window.total_seconds() <= 0:
            return
        cameras = sorted({i.incoming.camera_id for i in early})
        lo = min(i.incoming.ts for i in early) - window
        hi = max(i.incoming.ts for i in early) + window
        before = max(t.held.committed_before for t in taken)  # own commits: known already
        self.counts.looked_up += await asyncio.to_thread(
            remember_committed, self.db, recent, cameras, (lo, hi), before
        )

    async def _run(self, pipeline: Pipeline, group: list[Taken]) -> None:
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
        await asyncio.gather(*(self._settle(t, failure) for t in group))
        if any(i.hits for i in items if i.fate is ReadFate.ACCEPTED):
            with contextlib.suppress(Exception):  # the center's relay also polls
                await self.queue.committed()

    async def _settle(self, t: Taken, failure: str | None) -> None:
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
