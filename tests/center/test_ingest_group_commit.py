"""Group commit: concurrent single-read requests share one batch, each answered its own fate.

Many cameras posting one read a request are gathered by the pipeline's worker
(:mod:`safenet.center.runner`) into one pipeline batch and one transaction. What must
hold for each request: it hears of its own read only, after the commit; a read the
pipeline refuses costs only itself; a batch that fails before its commit answers no
read accepted; and a camera's reads are committed in the order they arrived.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from safenet.center.ingest.schema import parse_read
from safenet.center.pipeline import STAGES, Stage
from safenet.center.runner import PipelineRunner
from safenet.center.tables import reads
from safenet.center.types import IncomingRead, ReadItem
from tests.center.conftest import CenterEnv, center_settings, read, running_center

CAMERAS = ["SC-01", "SC-02", "SC-03", "SC-04", "SC-05"]


def _single_reads(center: CenterEnv, n: int, prefix: str) -> list[dict[str, Any]]:
    now = center.clock()
    return [
        read(f"{prefix}{i}", f"{10 + i}가{1000 + i}", now, camera=CAMERAS[i % len(CAMERAS)])
        for i in range(n)
    ]


async def _post_each_alone(center: CenterEnv, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """Each read in a request of its own, all of them at once."""
    return list(await asyncio.gather(*(center.post([b]) for b in bodies)))


def _stored(center: CenterEnv) -> list[tuple[str, str]]:
    """(camera, read id) of every stored read, in commit order."""
    with center.service.db.read() as conn:
        rows = conn.execute(sa.select(reads.c.camera_id, reads.c.read_id).order_by(reads.c.seq))
        return [(str(c), str(r)) for c, r in rows]


def _batches(center: CenterEnv) -> tuple[float, float]:
    """(pipeline batches run, reads in them) so far."""
    histogram = center.service.metrics.batch_reads
    count = sum(b.get() for b in histogram._buckets)  # type: ignore[attr-defined]
    return count, histogram._sum.get()  # type: ignore[attr-defined]


@pytest.fixture
async def gathering_center(db_url: str, tmp_path: Path) -> Any:
    # a long bound on the wait, so that the requests of one burst surely meet
    settings = center_settings(pipeline_max_wait_ms=2000)
    async with running_center(db_url, tmp_path, settings=settings) as env:
        yield env


async def test_concurrent_single_reads_share_a_commit_and_each_hears_its_own_fate(
    gathering_center: CenterEnv,
) -> None:
    center = gathering_center
    (old,) = _single_reads(center, 1, "old")
    (first,) = await _post_each_alone(center, [{**old, "plate": "99다9999"}])
    assert first.json()["accepted"] == ["old0"]
    bodies = _single_reads(center, 24, "g")
    # passes the request's schema; the pipeline refuses it (a day ahead of the clock)
    bodies[7]["ts"] = (center.clock() + timedelta(days=1)).isoformat()
    bodies[11] = {**bodies[11], "id": "old0", "camera_id": "SC-01"}  # stored already
    batches0, reads0 = _batches(center)
    answers = await _post_each_alone(center, bodies)
    batches1, reads1 = _batches(center)
    for i, answer in enumerate(answers):
        assert answer.status_code == 200, answer.text
        got = answer.json()
        if i == 7:
            assert (got["accepted"], got["duplicates"]) == ([], [])
            (refused,) = got["rejected"]
            assert (refused["index"], refused["id"], refused["field"]) == (0, "g7", "ts")
        elif i == 11:
            assert got == {"accepted": [], "duplicates": ["old0"], "rejected": []}
        else:
            assert got == {"accepted": [f"g{i}"], "duplicates": [], "rejected": []}
    # the 24 requests went through the pipeline together, not one batch each
    assert reads1 - reads0 == 24
    assert batches1 - batches0 <= 3
    stored = {r for _, r in _stored(center)}
    assert stored == {"old0"} | {f"g{i}" for i in range(24) if i not in (7, 11)}


class _CrashBeforeCommit:
    """A persist stage that fails every time: nothing of the batch reaches the database."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, ctx: Any, batch: Any) -> None:
        self.calls += 1
        raise RuntimeError("the database went away before the commit")


async def test_a_batch_that_fails_before_its_commit_answers_no_read_accepted(
    gathering_center: CenterEnv,
) -> None:
    center = gathering_center
    crash = _CrashBeforeCommit()
    stages = [
        Stage(s.name, crash, s.on_failure, s.purpose) if s.name == "persist" else s for s in STAGES
    ]
    runner = center.service.runner
    assert isinstance(runner, PipelineRunner)
    runner.pipeline.stages = tuple(stages)
    answers = await _post_each_alone(center, _single_reads(center, 12, "c"))
    assert crash.calls > 0
    for i, answer in enumerate(answers):
        assert answer.status_code == 200, answer.text
        got = answer.json()
        assert (got["accepted"], got["duplicates"]) == ([], [])
        (refused,) = got["rejected"]
        assert refused["id"] == f"c{i}"
        assert "send the read again" in refused["reason"]
    assert _stored(center) == []


async def test_a_pipeline_that_crashes_as_a_whole_answers_no_read_accepted(
    gathering_center: CenterEnv,
) -> None:
    center = gathering_center
    runner = center.service.runner
    assert isinstance(runner, PipelineRunner)

    class Crashing:
        def run(self, items: list[ReadItem]) -> list[ReadItem]:
            raise RuntimeError("the worker thread died mid-batch")

    runner.pipeline = Crashing()  # type: ignore[assignment]
    answers = await _post_each_alone(center, _single_reads(center, 8, "w"))
    for answer in answers:
        got = answer.json()
        assert (got["accepted"], got["duplicates"]) == ([], [])
        assert [r["field"] for r in got["rejected"]] == [""]
        assert "send the read again" in got["rejected"][0]["reason"]
    assert _stored(center) == []


async def test_a_cameras_reads_are_committed_in_the_order_they_arrived(
    db_url: str, tmp_path: Path
) -> None:
    # small batches, so that one camera's reads fall into several of them
    settings = center_settings(pipeline_max_wait_ms=50, pipeline_batch_size=4)
    async with running_center(db_url, tmp_path, settings=settings) as center:
        now = center.clock()
        bodies = [
            read(f"o{i}", f"{20 + i}나{2000 + i}", now - timedelta(seconds=30 - i), camera=c)
            for i in range(30)
            for c in (CAMERAS[i % 2],)
        ]
        # every request open at once; each is queued as it arrives
        answers = await _post_each_alone(center, bodies)
        assert all(a.json()["accepted"] for a in answers)
        stored = _stored(center)
    for camera in CAMERAS[:2]:
        mine = [r for c, r in stored if c == camera]
        assert mine == [b["id"] for b in bodies if b["camera_id"] == camera]


class _Recording:
    """Stands in for the pipeline: records each batch's read ids, in order."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def run(self, items: list[ReadItem]) -> list[ReadItem]:
        self.batches.append([i.incoming.read_id for i in items])
        return items


def _incoming(ids: list[str]) -> list[IncomingRead]:
    now = datetime.now(UTC)
    return [parse_read(read(i, "12가3456", now), max_snapshot_bytes=1) for i in ids]


async def test_the_runner_keeps_arrival_order_across_batch_boundaries() -> None:
    pipeline = _Recording()
    runner = PipelineRunner(
        pipeline,  # type: ignore[arg-type]
        clock=lambda: datetime.now(UTC),
        batch_size=5,
        max_wait_s=0.05,
    )
    await runner.start()
    sizes = [1, 3, 2, 1, 4, 1, 1, 2, 6, 1]
    ids = [[f"s{k}r{j}" for j in range(n)] for k, n in enumerate(sizes)]
    futures = [await runner.submit(_incoming(group)) for group in ids]
    done = await asyncio.gather(*futures)
    await runner.stop()
    # each submission answered with its own reads, in its own order
    assert [[i.incoming.read_id for i in items] for items in done] == ids
    flat = [r for batch in pipeline.batches for r in batch]
    assert flat == [r for group in ids for r in group]
    # a submission is never split; a batch is over the size only when one submission is
    for batch in pipeline.batches:
        assert len(batch) <= 5 or len({r.split("r")[0] for r in batch}) == 1


async def test_a_steady_stream_does_not_hold_the_first_read_past_the_bound() -> None:
    # Reads arriving without a pause never leave a gap; the bound after the first read's
    # arrival is what lets its batch go.
    pipeline = _Recording()
    runner = PipelineRunner(
        pipeline,  # type: ignore[arg-type]
        clock=lambda: datetime.now(UTC),
        batch_size=10**7,
        max_wait_s=0.2,
        queue_limit=10**8,
    )
    await runner.start()
    (one,) = _incoming(["x"])
    try:
        first = await runner.submit([one])
        deadline = time.monotonic() + 20
        while not first.done() and time.monotonic() < deadline:
            await runner.submit([one])
            await asyncio.sleep(0)
        assert first.done(), "the first read was held while the stream went on"
        assert len(pipeline.batches[0]) > 1  # it had company all the same
    finally:
        await runner.stop()
