"""What every receiver of alerts shares: the JSON body, and a bounded queue with one sender.

Intake only *offers* an alert (never waits): each receiver has its own bounded queue
and background sender, so a failing or slow receiver delays nobody else, and when its
queue is full the oldest alert is dropped and counted rather than blocking.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Protocol

from safenet.police.alert_log import AlertRecord
from safenet.police.metrics import PoliceMetrics

log = logging.getLogger(__name__)


def encode_alert(alert: AlertRecord) -> bytes:
    """The JSON body every receiver gets for an alert."""
    return json.dumps(alert.data, ensure_ascii=False, separators=(",", ":")).encode()


class Receiver(Protocol):
    """A notification target: takes alerts without waiting, sends them in the background."""

    name: str

    def offer(self, alert: AlertRecord) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class QueuedReceiver:
    """A bounded drop-oldest queue feeding one background sender."""

    def __init__(self, name: str, size: int, metrics: PoliceMetrics, kind: str) -> None:
        self.name = name
        self._queue: asyncio.Queue[AlertRecord] = asyncio.Queue(size)
        self._metrics = metrics
        self._kind = kind
        self._task: asyncio.Task[None] | None = None

    def _enqueue(self, alert: AlertRecord) -> None:
        if self._queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
                self._queue.task_done()
            self._metrics.notify_dropped.labels(self._kind, self.name).inc()
            log.warning("notify: %s %s queue full; dropped the oldest alert", self._kind, self.name)
        self._queue.put_nowait(alert)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"notify-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def drain(self) -> None:
        """Wait until everything queued was handled (tests, shutdown)."""
        await self._queue.join()

    async def _run(self) -> None:
        while True:
            alert = await self._queue.get()
            try:
                await self._deliver(alert)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "notify: %s %s failed on alert %d", self._kind, self.name, alert.alert_id
                )
            finally:
                self._queue.task_done()

    async def _deliver(self, alert: AlertRecord) -> None:
        raise NotImplementedError
