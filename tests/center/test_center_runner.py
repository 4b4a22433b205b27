"""The pipeline's queue: batches gather while one is in the database; a full queue says so."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

import pytest

from safenet.center.errors import PipelineBusy
from safenet.center.ingest.schema import parse_read
from safenet.center.runner import PipelineRunner
from safenet.center.types import IncomingRead, ReadItem
from tests.center.conftest import read


class _SlowPipeline:
    """Stands in for the pipeline: holds each batch until released, records batch sizes."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.batches: list[int] = []

    def run(self, items: list[ReadItem]) -> list[ReadItem]:
        self.release.wait(5)
        self.batches.append(len(items))
        return items


def _reads(n: int, prefix: str) -> list[IncomingRead]:
    now = datetime.now(UTC)
    return [
        parse_read(read(f"{prefix}{i}", "12가3456", now), max_snapshot_bytes=1) for i in range(n)
    ]


async def test_a_full_queue_refuses_http_and_holds_mqtt_back() -> None:
    pipeline = _SlowPipeline()
    runner = PipelineRunner(
        pipeline,  # type: ignore[arg-type]
        clock=lambda: datetime.now(UTC),
        batch_size=100,
        max_wait_s=0,
        queue_limit=10,
    )
    with pytest.raises(PipelineBusy, match="shutting down"):
        await runner.submit(_reads(1, "x"))
    await runner.start()
    first = await runner.submit(_reads(6, "a"))
    second = await runner.submit(_reads(4, "b"))
    await asyncio.sleep(0.05)  # the worker took the first reads and waits in the pipeline
    with pytest.raises(PipelineBusy, match="reads waiting"):
        await runner.submit(_reads(5, "c"))
    waiting = asyncio.create_task(runner.submit(_reads(5, "d"), wait_for_room=True))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    pipeline.release.set()
    third = await asyncio.wait_for(waiting, 5)
    assert len(await first) == 6
    assert len(await second) == 4
    assert len(await third) == 5
    await runner.stop()
    assert sum(pipeline.batches) == 15
    with pytest.raises(PipelineBusy):
        await runner.submit(_reads(1, "e"))
