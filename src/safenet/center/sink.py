"""Where ingest hands its reads: the in-process pipeline, or the site's work queue.

HTTP and MQTT ingest (and the status page) see only this protocol. ``center.ingest_mode``
chooses the implementation: ``inline`` is :class:`~safenet.center.runner.PipelineRunner`
(the reads' fates are the pipeline's), ``queue`` is
:class:`~safenet.center.queue_ingest.QueueIngest` (accepted means stored in the work
queue; ``safenet center worker`` runs the pipeline).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from safenet.center.types import IncomingRead, ReadItem


class ReadSink(Protocol):
    """Takes checked reads from ingest; see the module docstring."""

    @property
    def queued(self) -> int:
        """Reads taken but not yet settled (for /healthz and the heartbeat)."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def submit(
        self, reads: Sequence[IncomingRead], *, wait_for_room: bool = False
    ) -> asyncio.Future[list[ReadItem]]:
        """Take ``reads``; the future resolves with each read's fate.

        Raises :class:`~safenet.center.errors.PipelineBusy` when the reads cannot be
        taken now (HTTP answers 503), or with ``wait_for_room`` waits until they can.
        """
        ...

    async def process(self, reads: Sequence[IncomingRead]) -> list[ReadItem]:
        """Take ``reads`` and wait for their fate."""
        ...
