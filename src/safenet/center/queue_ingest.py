"""Ingest in ``queue`` mode: check each read, append the batch to the work queue, answer.

The reads of one HTTP request (or one MQTT message) are checked as the inline path
checks them: field by field at ingest, then the pipeline's ``normalize`` stage (plate
text, time, camera), so a bad read is refused in the answer with its field and
reason and the others go on. The reads that pass are appended, one message per
shard of cameras their cameras fall in (:func:`~safenet.link.nats_queue.shard_of`), to
the site's JetStream work-queue stream (:mod:`safenet.link.nats_queue`, body
:mod:`safenet.center.queued`), and only once JetStream has acked that message are
they answered as accepted: a center that crashes after its answer has lost nothing.
``safenet center worker`` processes (:mod:`safenet.center.worker`) run the rest of
the pipeline; a duplicate is found there, so in this mode the answer's ``accepted``
means "stored in the work queue" and ``duplicates`` stays empty.

When the queue cannot be reached or does not ack in time, HTTP answers 503 (send
again) and MQTT waits and retries, so the broker holds the backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from safenet.center.context import PipelineContext
from safenet.center.errors import PipelineBusy
from safenet.center.hits import HitHistory
from safenet.center.queued import encode, new_batch_id
from safenet.center.settings import CenterSettings
from safenet.center.stages import normalize
from safenet.center.stages.base import Batch
from safenet.center.types import IncomingRead, ReadFate, ReadItem
from safenet.link.errors import LinkConfigError, LinkUnavailable
from safenet.link.nats_queue import QueueConfig, WorkQueue, shard_of

log = logging.getLogger(__name__)

RETRY_S = (0.2, 5.0)
"""First and longest pause of an MQTT append retried while the queue is unavailable."""


def queue_config(
    settings: CenterSettings, site: str, connect_wait_s: float | None, *, provision: bool = True
) -> QueueConfig:
    """The work queue's connection and limits from ``center.queue_*``.

    ``provision``: the center's ingest creates the streams; a worker (False) only checks
    that they are there, so its NATS identity needs no stream API.
    """
    password = settings.queue_nats_password or settings.nats_password
    return QueueConfig(
        site=site,
        url=settings.queue_nats_url or settings.nats_url,
        user=settings.queue_nats_user or settings.nats_user,
        password=None if password is None else password.get_secret_value(),
        ack_wait_s=settings.queue_ack_wait_s,
        max_bytes=settings.queue_max_bytes,
        dead_max_age_s=settings.read_retention_hours * 3600,
        publish_timeout_s=settings.queue_publish_timeout_s,
        connect_wait_s=connect_wait_s,
        shards=settings.queue_shards,
        provision=provision,
    )


def encode_batch(
    site: str, received_at: datetime, reads: Sequence[IncomingRead]
) -> tuple[str, bytes]:
    """A new batch id and the body of one shard's reads."""
    batch_id = new_batch_id(site)
    return batch_id, encode(batch_id, received_at, reads)


class QueueIngest:
    """The :class:`~safenet.center.sink.ReadSink` of ``queue`` mode; see the module docstring."""

    def __init__(
        self, queue: WorkQueue, ctx: PipelineContext, on_committed: Callable[[], None]
    ) -> None:
        self.queue = queue
        self.on_committed = on_committed
        self.ctx = ctx
        self.site = ctx.site
        self._in_flight = 0
        self._accepting = False
        self._connecting: asyncio.Task[None] | None = None
        self.appended_batches = 0

    @property
    def queued(self) -> int:
        """Reads being appended right now (the backlog itself is in the stream)."""
        return self._in_flight

    @property
    def ready(self) -> bool:
        return self.queue.connected

    async def start(self) -> None:
        """Connect in the background: the center starts even while NATS is down."""
        self._accepting = True
        if self._connecting is None:
            self._connecting = asyncio.create_task(
                self._connect(), name=f"center-{self.site}-queue-connect"
            )

    async def _connect(self) -> None:
        pause = RETRY_S[0]
        while True:
            try:
                await self.queue.connect()
                await self.queue.on_committed(self.on_committed)
                break
            except LinkConfigError as exc:  # a server older than 2.10: no retry helps
                log.error("center %s: the work queue cannot be used: %s", self.site, exc)
                self.queue.last_error = str(exc)
                return
            except Exception as exc:  # e.g. JetStream off, or the streams refused
                self.queue.last_error = f"{type(exc).__name__}: {exc}"
                log.error(
                    "center %s: the work queue could not be set up: %s; retrying in %.1fs",
                    self.site,
                    self.queue.last_error,
                    pause,
                )
                await self.queue.close()
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)
        log.info(
            "center %s: ingest appends to the work queue at %s", self.site, self.queue.config.url
        )

    async def stop(self) -> None:
        self._accepting = False
        task, self._connecting = self._connecting, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.queue.close()

    async def submit(
        self, reads: Sequence[IncomingRead], *, wait_for_room: bool = False
    ) -> asyncio.Future[list[ReadItem]]:
        future: asyncio.Future[list[ReadItem]] = asyncio.get_running_loop().create_future()
        future.set_result(await self._take(reads, wait_for_room))
        return future

    async def process(self, reads: Sequence[IncomingRead]) -> list[ReadItem]:
        return await self._take(reads, False)

    async def _take(self, reads: Sequence[IncomingRead], wait: bool) -> list[ReadItem]:
        if not self._accepting:
            raise PipelineBusy("the center is shutting down; send the reads again later")
        received_at = self.ctx.clock()
        now = time.perf_counter()
        items = [ReadItem(incoming=r, ingested_at=now, received_at=received_at) for r in reads]
        if not items:
            return items
        await asyncio.to_thread(self._normalize, items)
        live = [i for i in items if i.live]
        if not live:
            return items
        by_shard: dict[int, list[IncomingRead]] = {}
        shards = self.queue.config.shards
        for i in live:
            by_shard.setdefault(shard_of(i.incoming.camera_id, shards), []).append(i.incoming)
        self._in_flight += len(live)
        try:
            # One message per shard, appended together; the answer waits for every ack.
            # Should one fail, the caller sends all again: the stored ones come back as
            # duplicates (the unique read id), so nothing is lost or doubled.
            results = await asyncio.gather(
                *(
                    self._append(shard, encode_batch(self.site, received_at, part), wait)
                    for shard, part in by_shard.items()
                ),
                return_exceptions=True,
            )
        finally:
            self._in_flight -= len(live)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise failed[0]
        self.appended_batches += len(by_shard)
        self.ctx.metrics.reads.labels(outcome="queued").inc(len(live))
        self.ctx.metrics.read_rate.add(len(live))
        for item in live:
            item.fate = ReadFate.ACCEPTED
        return items

    def _normalize(self, items: list[ReadItem]) -> None:
        normalize.run(self.ctx, Batch(items, HitHistory(self.ctx.db)))
        for item in items:
            if item.rejection is not None:
                self.ctx.metrics.count_rejection(item.rejection.code.value)

    async def _append(self, shard: int, batch: tuple[str, bytes], wait: bool) -> None:
        batch_id, body = batch
        pause = RETRY_S[0]
        while True:
            why: str
            if self.queue.connected:
                try:
                    await self.queue.append(batch_id, body, shard)
                    return
                except LinkUnavailable as exc:
                    why = str(exc)
            else:
                why = f"work queue of {self.site} not connected ({self.queue.last_error or 'yet'})"
            if not wait or not self._accepting:
                raise PipelineBusy(f"{why}; send the reads again shortly")
            log.warning("center %s: %s; retrying in %.1fs", self.site, why, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_S[1])
