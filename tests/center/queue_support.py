"""Helpers for the work-queue tests: a center in queue mode, its workers, what is stored."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from safenet.center.pipeline import STAGES, Stage
from safenet.center.queue_ingest import QueueIngest, queue_config
from safenet.center.settings import CenterSettings
from safenet.center.tables import hits, reads
from safenet.center.worker import CenterWorker
from safenet.link.nats_queue import WorkQueue
from safenet.store import open_database
from tests.center.conftest import SITE, CenterEnv, Clock, center_settings, running_center


def queue_settings(nats_url: str, **overrides: Any) -> CenterSettings:
    values: dict[str, Any] = {
        "ingest_mode": "queue",
        "queue_nats_url": nats_url,
        "queue_ack_wait_s": 2.0,
        "queue_redeliver_delay_s": 0.1,
        "worker_hotlist_poll_s": 0.1,
    }
    values.update(overrides)
    return center_settings(**values)


@contextlib.asynccontextmanager
async def queue_center(
    db_url: str, tmp_path: Path, nats_url: str, **overrides: Any
) -> AsyncIterator[CenterEnv]:
    async with running_center(
        db_url, tmp_path, settings=queue_settings(nats_url, **overrides)
    ) as env:
        sink = env.service.runner
        assert isinstance(sink, QueueIngest)
        await wait_until(lambda: sink.queue.connected, "the center's work queue connected")
        yield env


class Workers:
    """Workers started by a test, each on its own database engine and queue connection."""

    def __init__(self, db_url: str, settings: CenterSettings, clock: Clock) -> None:
        self.db_url = db_url
        self.settings = settings
        self.clock = clock
        self.started: list[tuple[CenterWorker, Any]] = []

    async def start(
        self, *, stages: Sequence[Stage] = STAGES, concurrency: int = 1, name: str = "w"
    ) -> CenterWorker:
        db = open_database(self.db_url)
        queue = WorkQueue(queue_config(self.settings, SITE, 10.0, provision=False))
        worker = CenterWorker(
            self.settings,
            site=SITE,
            db=db,
            queue=queue,
            concurrency=concurrency,
            clock=self.clock,
            stages=stages,
            name=name,
        )
        await worker.start()
        self.started.append((worker, db))
        return worker

    async def close(self) -> None:
        for worker, db in self.started:
            await worker.stop(grace_s=5.0)
            await worker.queue.close()
            db.dispose()


@contextlib.asynccontextmanager
async def workers_for(env: CenterEnv, db_url: str) -> AsyncIterator[Workers]:
    workers = Workers(db_url, env.service.settings, env.clock)
    try:
        yield workers
    finally:
        await workers.close()


def stored(env: CenterEnv) -> dict[str, Any]:
    """Reads and hits in the center's database."""
    with env.service.db.read() as conn:
        read_rows = conn.execute(sa.select(reads.c.camera_id, reads.c.read_id)).all()
        hit_rows = conn.execute(
            sa.select(hits.c.hit_id, hits.c.entry_id, hits.c.level, hits.c.state)
        ).all()
    return {
        "reads": sorted((r.camera_id, r.read_id) for r in read_rows),
        "hits": sorted((h.hit_id, h.entry_id, h.level, h.state) for h in hit_rows),
    }


async def wait_until(check: Any, what: str, within_s: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        await asyncio.sleep(0.05)
