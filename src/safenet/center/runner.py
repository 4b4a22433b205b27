"""The pipeline's one worker: reads from every ingest path gathered into batches.

HTTP posts, MQTT messages and replays put their reads in one queue; a single worker
takes whatever has gathered (up to ``center.pipeline_batch_size`` reads, waiting at
most ``center.pipeline_max_wait_ms`` for more) and runs it through the pipeline in a
worker thread, in one transaction. While a batch is in the database, the next one
gathers, so under load batches grow by themselves. One worker means one writer and reads
committed in the order they arrived.

This is the group commit of single-read requests: the concurrent requests of many
cameras share one pipeline batch and one commit, and each request is answered with its
own reads' fates once that batch is done -- never accepted before the commit (a batch
that fails as a whole answers its reads rejected, to be sent again). A batch costs the
pipeline about a millisecond of CPU whatever its size, so the wait is well spent; it is
a fixed wait on purpose: a straggler that missed a batch waits for the others to come
back rather than going alone and splitting the burst in two.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from safenet.center.errors import PipelineBusy
from safenet.center.pipeline import Pipeline
from safenet.center.types import Clock, IncomingRead, ReadFate, ReadItem, RejectCode

log = logging.getLogger(__name__)


@dataclass
class _Submission:
    items: list[ReadItem]
    done: asyncio.Future[list[ReadItem]]


class PipelineRunner:
    """Queues reads for the pipeline and runs them in batches; see the module docstring."""

    def __init__(
        self,
        pipeline: Pipeline,
        *,
        clock: Clock,
        batch_size: int = 500,
        max_wait_s: float = 0.005,
        queue_limit: int = 20_000,
    ) -> None:
        self.pipeline = pipeline
        self.clock = clock
        self.batch_size = batch_size
        self.max_wait_s = max_wait_s
        self.queue_limit = queue_limit
        self._queue: deque[_Submission] = deque()
        self._queued = 0
        self._arrived: asyncio.Event | None = None
        self._room: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._accepting = False

    @property
    def queued(self) -> int:
        """Reads waiting for the pipeline."""
        return self._queued

    async def start(self) -> None:
        if self._task is None:
            self._arrived = asyncio.Event()
            self._room = asyncio.Event()
            self._room.set()
            self._accepting = True
            self._task = asyncio.create_task(self._run(), name="center-pipeline")

    async def stop(self) -> None:
        """Refuse new reads, finish the ones queued, then stop."""
        self._accepting = False
        task, self._task = self._task, None
        if task is None:
            return
        assert self._arrived is not None
        self._arrived.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), 30.0)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def items_for(self, reads: Sequence[IncomingRead], received_at: datetime) -> list[ReadItem]:
        now = time.perf_counter()
        return [ReadItem(incoming=r, ingested_at=now, received_at=received_at) for r in reads]

    async def submit(
        self, reads: Sequence[IncomingRead], *, wait_for_room: bool = False
    ) -> asyncio.Future[list[ReadItem]]:
        """Queue reads; the future resolves with each read's fate once its batch is done.

        When the queue is full, raises :class:`PipelineBusy` (HTTP answers 503), or with
        ``wait_for_room`` waits until there is room (MQTT slows down instead).
        """
        if not self._accepting:
            raise PipelineBusy("the center is shutting down; send the reads again later")
        assert self._room is not None
        assert self._arrived is not None
        while self._queued + len(reads) > self.queue_limit and self._queued > 0:
            if not wait_for_room:
                raise PipelineBusy(
                    f"the pipeline has {self._queued:,} reads waiting; send again shortly"
                )
            self._room.clear()
            await self._room.wait()
            if not self._accepting:
                raise PipelineBusy("the center is shutting down; send the reads again later")
        future: asyncio.Future[list[ReadItem]] = asyncio.get_running_loop().create_future()
        items = self.items_for(reads, self.clock())
        if not items:
            future.set_result([])
            return future
        self._queue.append(_Submission(items, future))
        self._queued += len(items)
        self._arrived.set()
        return future

    async def process(self, reads: Sequence[IncomingRead]) -> list[ReadItem]:
        """Queue reads and wait for their fate."""
        return await (await self.submit(reads))

    async def _run(self) -> None:
        assert self._arrived is not None
        assert self._room is not None
        while True:
            if not self._queue:
                if not self._accepting:
                    return
                self._arrived.clear()
                await self._arrived.wait()
                continue
            if self.max_wait_s > 0 and self._queued < self.batch_size and self._accepting:
                await asyncio.sleep(self.max_wait_s)
            taken: list[_Submission] = []
            count = 0
            while self._queue and (
                not taken or count + len(self._queue[0].items) <= self.batch_size
            ):
                sub = self._queue.popleft()
                taken.append(sub)
                count += len(sub.items)
            items = [i for s in taken for i in s.items]
            try:
                await asyncio.to_thread(self.pipeline.run, items)
            except Exception:
                log.exception("pipeline: a batch of %d reads failed as a whole", len(items))
                for item in items:
                    if item.fate is ReadFate.LIVE:
                        item.reject(
                            "", "the pipeline failed; send the read again", RejectCode.PIPELINE
                        )
            self._queued -= count
            self._room.set()
            for sub in taken:
                if not sub.done.done():
                    sub.done.set_result(sub.items)
