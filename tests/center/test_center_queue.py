"""Issue 16: center ingest onto a JetStream work queue, and ``safenet center worker``.

Against a real nats-server (JetStream, a private one per test) and PostgreSQL: the
queue path gives the same reads, hits and reports as the inline path; two workers
share a site's batches; a worker killed between commit and ack leaves the effect
exactly once; a batch that keeps failing ends in the dead-letter stream, logged.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import nats
import pytest

from safenet.auth import Role
from safenet.center.context import PipelineContext
from safenet.center.pipeline import STAGES, OnFailure, Stage
from safenet.center.queued import BadBatch, decode, encode, encode_format_one
from safenet.center.runner import PipelineRunner
from safenet.center.settings import CenterSettings
from safenet.center.stages.base import Batch
from safenet.center.types import IncomingRead, Step
from safenet.link.nats_queue import (
    DELIVERIES_HEADER,
    REASON_HEADER,
    dead_stream_name,
    dead_subject,
    stream_name,
    subject,
)
from tests.center.conftest import CenterEnv, auth, entry, read, running_center
from tests.center.queue_support import queue_center, stored, wait_until, workers_for
from tests.support.services import NatsServer

pytestmark = [pytest.mark.pg, pytest.mark.nats]

WANTED = "12가3456"


def batch_reads(
    env: CenterEnv,
    prefix: str,
    n: int,
    hit_at: int | None = None,
    batch: int = 0,
    camera: str = "SC-01",
) -> list[dict]:
    """``n`` reads of ``camera``, distinct plates, the one at ``hit_at`` the wanted car.

    Batch ``batch`` is read ``11 * batch`` seconds ago, beyond the de-duplication window
    of the one before.
    """
    now = env.clock() - timedelta(seconds=11 * batch)
    out = []
    for k in range(n):
        plate = WANTED if k == hit_at else f"{10 + batch % 80}나{1000 + k:04d}"
        out.append(read(f"{prefix}-{k}", plate, now, camera=camera))
    return out


async def jetstream_count(url: str, stream: str) -> int:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().stream_info(stream)
        return int(info.state.messages)
    finally:
        await nc.close()


def test_the_wire_format_keeps_every_field() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    r = IncomingRead(
        "r-1",
        "SC-01",
        at,
        "12가3456",
        0.9,
        (("12가3458", 0.4),),
        b"\xff\xd8",
        "ref",
        "white",
        "sedan",
    )
    batch, back = decode(encode("b-1", at, [r]))
    assert batch.batch_id == "b-1"
    assert batch.received_at == at
    assert back == [r]
    # A batch queued before the upgrade to format 2 is still taken, field for field.
    old, back = decode(encode_format_one("b-0", at, [r]))
    assert (old.format, old.batch_id, back) == (1, "b-0", [r])


def test_a_body_of_no_known_format_or_without_offsets_is_refused() -> None:
    from datetime import UTC, datetime

    import msgspec

    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    body = encode("b-1", at, [IncomingRead("r-1", "SC-01", at, "12가3456", 0.9)])
    as_map = msgspec.msgpack.decode(body)
    with pytest.raises(BadBatch, match="format: 3"):
        decode(msgspec.msgpack.encode({**as_map, "format": 3}))
    naive = {**as_map, "received_at": "2026-03-01T12:00:00"}
    with pytest.raises(BadBatch, match="ts: a time without its offset"):
        decode(msgspec.msgpack.encode(naive))
    with pytest.raises(BadBatch, match="body: not a read batch"):
        decode(b"\x00not msgpack")


def test_inline_stays_the_default() -> None:
    assert CenterSettings().ingest_mode == "inline"


async def test_inline_center_runs_its_own_pipeline(pg_url: str, tmp_path: Path) -> None:
    async with running_center(pg_url, tmp_path) as env:
        assert isinstance(env.service.runner, PipelineRunner)
        await env.snapshot([entry("e-1", WANTED)])
        answer = (await env.post(batch_reads(env, "in", 3, hit_at=1))).json()
        assert len(answer["accepted"]) == 3
        assert len(await env.reports(1)) == 1


async def test_queue_mode_gives_the_inline_result(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    """HTTP batch -> stream -> worker -> hit in the outbox -> the police: as inline."""
    server = nats_server()
    results: dict[str, Any] = {}
    (tmp_path / "inline").mkdir()
    (tmp_path / "queue").mkdir()
    async with running_center(pg_url, tmp_path / "inline") as env:
        await env.snapshot([entry("e-1", WANTED)])
        answer = (await env.post(batch_reads(env, "b", 5, hit_at=2))).json()
        assert len(answer["accepted"]) == 5
        reports = await env.reports(1)
        await env.settle()
        results["inline"] = (stored(env), sorted(r.hit_id for r in env.police.of("LocationReport")))
    from tests.support.services import fresh_pg_database

    with fresh_pg_database() as queue_db:
        async with queue_center(queue_db, tmp_path / "queue", server.url) as env:
            await env.snapshot([entry("e-1", WANTED)])
            async with workers_for(env, queue_db) as workers:
                worker = await workers.start()
                await wait_until(lambda: worker.hotlist.version == env.version, "worker hotlist")
                response = await env.post(batch_reads(env, "b", 5, hit_at=2))
                assert response.status_code == 200
                assert len(response.json()["accepted"]) == 5
                reports = await env.reports(1)
                await wait_until(lambda: worker.counts.batches == 1, "the batch processed")
                await env.settle()
                results["queue"] = (
                    stored(env),
                    sorted(r.hit_id for r in env.police.of("LocationReport")),
                )
            assert await jetstream_count(server.url, stream_name("seocho")) == 0
    assert len(reports) == 1
    assert results["queue"] == results["inline"]
    assert len(results["queue"][0]["reads"]) == 5
    assert len(results["queue"][0]["hits"]) == 1


async def test_queue_mode_refuses_bad_reads_in_the_answer(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url) as env:
        reads = batch_reads(env, "x", 3)
        reads[1]["plate"] = "NOT-A-PLATE"
        reads[2]["camera_id"] = "SC-02"  # not the camera the credential is bound to
        body = (await env.post(reads, headers=auth(Role.CAMERA, subject="SC-01"))).json()
        assert body["accepted"] == ["x-0"]
        assert [(r["index"], r["field"]) for r in body["rejected"]] == [
            (1, "plate"),
            (2, "camera_id"),
        ]
        assert await jetstream_count(server.url, stream_name("seocho")) == 1
        metrics = env.service.metrics
        assert metrics.reads.labels(outcome="queued")._value.get() == 1
        assert metrics.rejections().get("plate") == 1


async def test_queue_mode_answers_503_while_the_queue_is_down(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url, queue_publish_timeout_s=1.0) as env:
        server.kill()
        response = await env.post(batch_reads(env, "d", 2))
        assert response.status_code == 503
        health = (await env.client.get("/healthz")).json()
        assert health["ok"] is False
        assert health["work_queue"].startswith("down")


async def test_two_workers_share_the_work(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    server = nats_server()
    async with queue_center(
        pg_url, tmp_path, server.url, worker_fetch_messages=1, alert_window_s=0
    ) as env:
        await env.snapshot([entry("e-1", WANTED)])
        async with workers_for(env, pg_url) as workers:
            a = await workers.start(name="worker-a")
            b = await workers.start(name="worker-b")
            await wait_until(lambda: len(a.held) == len(b.held) == 4, "the shards shared")
            assert not set(a.held) & set(b.held)
            posts = [
                env.post(batch_reads(env, f"p{k}", 20, k % 20, batch=k, camera=f"SC-0{1 + k % 5}"))
                for k in range(24)
            ]
            answers = await asyncio.gather(*posts)
            assert all(len(r.json()["accepted"]) == 20 for r in answers)
            await wait_until(lambda: a.counts.batches + b.counts.batches == 24, "24 batches")
            assert a.counts.batches > 0
            assert b.counts.batches > 0
            assert not set(a.counts.batch_ids) & set(b.counts.batch_ids)
            assert a.counts.redelivered == b.counts.redelivered == 0
            got = stored(env)
            assert len(got["reads"]) == len(set(got["reads"])) == 24 * 20
            assert len(got["hits"]) == 24
            assert len(await env.reports(24)) == 24


class Gate:
    """A stage that stops the pipeline until released: where a test kills its worker."""

    def __init__(self, commit_after: bool) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        self.commit_after = commit_after

    def run(self, ctx: PipelineContext, batch: Batch) -> None:
        self.entered.set()
        self.released.wait(30)
        if not self.commit_after:
            for item in batch.items:  # as if the process died here: nothing goes on
                item.duplicate()


def gated(gate: Gate, before: Step) -> list[Stage]:
    stage = Stage(Step.LEARN, gate.run, OnFailure.CONTINUE, "test gate")
    stages = list(STAGES)
    if before is Step.LEARN:
        return [*stages, stage]
    at = next(k for k, s in enumerate(stages) if s.name is before)
    return [*stages[:at], stage, *stages[at:]]


@pytest.mark.parametrize("killed", ["after_commit", "before_commit"])
async def test_a_killed_worker_s_batch_is_redelivered_and_counted_once(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer], killed: str
) -> None:
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url) as env:
        await env.snapshot([entry("e-1", WANTED)])
        async with workers_for(env, pg_url) as workers:
            gate = Gate(commit_after=killed == "after_commit")
            before = Step.LEARN if killed == "after_commit" else Step.PERSIST
            doomed = await workers.start(stages=gated(gate, before), name="doomed")
            await wait_until(lambda: doomed.hotlist.version == env.version, "hotlist")
            assert (
                len((await env.post(batch_reads(env, "k", 10, hit_at=3))).json()["accepted"]) == 10
            )
            await asyncio.to_thread(gate.entered.wait, 10)
            assert gate.entered.is_set()
            await doomed.kill()  # the batch is in hand, not acked
            gate.released.set()
            assert len(stored(env)["reads"]) == (10 if killed == "after_commit" else 0)
            heir = await workers.start(name="heir")
            await wait_until(lambda: heir.counts.batches == 1, "the batch given again", 20)
            assert heir.counts.redelivered == 1
            if killed == "after_commit":
                assert heir.counts.duplicates == 10
                assert heir.counts.accepted == 0
            else:
                assert heir.counts.accepted == 10
            got = stored(env)
            assert len(got["reads"]) == 10
            assert len(got["hits"]) == 1
            await env.reports(1)
            await env.settle(0.5)
            assert len(env.police.of("LocationReport")) == 1
        assert await jetstream_count(server.url, stream_name("seocho")) == 0


def _always_fails(ctx: PipelineContext, batch: Batch) -> None:
    raise RuntimeError("disk full")


async def test_a_poison_batch_ends_in_the_dead_letter_stream(
    pg_url: str,
    tmp_path: Path,
    nats_server: Callable[..., NatsServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = nats_server()
    caplog.set_level(logging.WARNING, logger="safenet.center.worker")
    broken = [
        Stage(s.name, _always_fails, s.on_failure, s.purpose) if s.name is Step.PERSIST else s
        for s in STAGES
    ]
    async with queue_center(
        pg_url, tmp_path, server.url, queue_max_deliver=3, queue_redeliver_delay_s=0
    ) as env:
        async with workers_for(env, pg_url) as workers:
            worker = await workers.start(stages=broken)
            await env.post(batch_reads(env, "z", 4))
            await wait_until(lambda: worker.counts.dead == 1, "the batch dead-lettered")
            assert worker.counts.retried == 2
            assert worker.counts.batches == 0
        assert stored(env)["reads"] == []
    assert await jetstream_count(server.url, stream_name("seocho")) == 0
    nc = await nats.connect(server.url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(dead_subject("seocho"), stream=dead_stream_name("seocho"))
        [msg] = await sub.fetch(1, timeout=5)
        assert msg.headers is not None
        assert "4 of 4 reads failed" in msg.headers[REASON_HEADER]
        assert msg.headers[DELIVERIES_HEADER] == "3"
        _batch, reads = decode(msg.data)
        assert [r.read_id for r in reads] == [f"z-{k}" for k in range(4)]
    finally:
        await nc.close()
    dead_lines = [r for r in caplog.records if "dead-letter" in r.getMessage()]
    assert len(dead_lines) == 1
    assert dead_lines[0].levelno == logging.ERROR
    assert "after 3 deliveries" in dead_lines[0].getMessage()


async def test_a_body_that_is_no_batch_is_dead_lettered_at_once(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    server = nats_server()
    async with (
        queue_center(pg_url, tmp_path, server.url) as env,
        workers_for(env, pg_url) as workers,
    ):
        worker = await workers.start()
        nc = await nats.connect(server.url)
        try:
            await nc.jetstream().publish(subject("seocho", 0), b"\x00not msgpack")
        finally:
            await nc.close()
        await wait_until(lambda: worker.counts.dead == 1, "dead-lettered")
        assert worker.counts.retried == 0
    assert await jetstream_count(server.url, dead_stream_name("seocho")) == 1


async def test_a_resent_batch_is_stored_once(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    """The camera sends the same batch twice (its answer was lost): one read each."""
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url) as env:
        await env.snapshot([entry("e-1", WANTED)])
        async with workers_for(env, pg_url) as workers:
            worker = await workers.start()
            reads = batch_reads(env, "r", 6, hit_at=0)
            await env.post(reads)
            await env.post(reads)
            await wait_until(lambda: worker.counts.batches == 2, "both batches")
            assert worker.counts.duplicates == 6
            got = stored(env)
            assert len(got["reads"]) == 6
            assert len(got["hits"]) == 1


async def test_a_worker_s_commit_wakes_the_center_s_relay(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    """The relay polls every 60 s here: the report leaves at once only if the worker woke it."""
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url, relay_poll_interval_s=60) as env:
        await env.snapshot([entry("e-1", WANTED)])
        async with workers_for(env, pg_url) as workers:
            worker = await workers.start()
            await wait_until(lambda: worker.hotlist.version == env.version, "worker hotlist")
            await env.post(batch_reads(env, "w", 3, hit_at=1))
            assert len(await env.reports(1, within_s=5)) == 1


async def test_a_worker_matches_against_the_version_the_center_acknowledged(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    """The center acks a new hotlist version once it has applied it; a read posted after
    that must be matched against it, however long the workers' own poll is (found by
    `safenet deploy local --check`: a read in the 1 s gap missed its hit)."""
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url, worker_hotlist_poll_s=60.0) as env:
        await env.snapshot([entry("e-0", "99다9999")])
        async with workers_for(env, pg_url) as workers:
            worker = await workers.start()
            assert worker.hotlist.version == env.version
            await env.snapshot([entry("e-0", "99다9999"), entry("e-1", WANTED)])  # acked
            response = await env.post(batch_reads(env, "late", 3, hit_at=1))
            assert response.status_code == 200
            reports = await env.reports(1)
            assert len(reports) == 1, "the read was matched against the old list"
            assert worker.hotlist.version == env.version
