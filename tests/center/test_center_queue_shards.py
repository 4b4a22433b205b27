"""Issue 16: a camera's reads reach one worker, so the de-duplication window holds across workers.

The attacker's view: two passes of one car at one camera within ``center.dedup_window_s``
must be stored once however many workers serve the site, also while a worker dies or
joins and its shards move, and a worker's death must not lose or double a read.
Against a real nats-server and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from safenet.center.queue_ingest import QueueIngest
from safenet.center.shards import LocalShardLocks, PgShardLocks, share
from safenet.center.types import IncomingRead, ReadFate
from safenet.center.worker import CenterWorker
from safenet.link.errors import LinkConfigError
from safenet.link.nats_queue import shard_of
from safenet.store import open_database
from tests.center.conftest import SITE, CenterEnv, read
from tests.center.queue_support import Workers, queue_center, stored, wait_until, workers_for
from tests.support.services import NatsServer

CAMERAS = ["SC-01", "SC-02", "SC-03", "SC-04", "SC-05"]


def camera_held_by(worker: CenterWorker) -> str:
    shards = worker.queue.config.shards
    return next(c for c in CAMERAS if shard_of(c, shards) in worker.held)


async def post_pass(env: CenterEnv, read_id: str, camera: str, seconds_ago: float) -> None:
    """One read of the car 34나5678 at ``camera``, as its own request."""
    at = env.clock() - timedelta(seconds=seconds_ago)
    answer = await env.post([read(read_id, "34나5678", at, camera=camera)])
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["accepted"]) == 1


def total(workers: list[CenterWorker], what: str) -> int:
    return sum(getattr(w.counts, what) for w in workers)


@pytest.mark.pg
@pytest.mark.nats
async def test_a_repeat_at_one_camera_is_stored_once_with_two_workers(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    server = nats_server()
    async with (
        queue_center(pg_url, tmp_path, server.url, worker_fetch_messages=1) as env,
        workers_for(env, pg_url) as workers,
    ):
        a = await workers.start(name="worker-a")
        b = await workers.start(name="worker-b")
        await wait_until(lambda: len(a.held) == len(b.held) == 4, "the shards shared")
        # Past the hand-over's look-up in the database: the routing alone must hold.
        env.clock.advance(seconds=400)
        for camera in CAMERAS:  # the first pass of the car at each camera
            await post_pass(env, f"first-{camera}", camera, 6)
        await wait_until(lambda: total([a, b], "accepted") == 5, "the first passes")
        for camera in CAMERAS:  # the same pass read again 3 s later
            await post_pass(env, f"again-{camera}", camera, 3)
        await wait_until(lambda: total([a, b], "batches") == 10, "every batch")
        assert sorted(stored(env)["reads"]) == sorted((c, f"first-{c}") for c in CAMERAS)
        assert total([a, b], "duplicates") == 5
        assert total([a, b], "looked_up") == 0
        assert a.counts.batches  # both served
        assert b.counts.batches


@pytest.mark.pg
@pytest.mark.nats
async def test_a_killed_worker_s_shards_move_and_the_window_still_holds(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    server = nats_server()
    async with (
        queue_center(pg_url, tmp_path, server.url) as env,
        workers_for(env, pg_url) as workers,
    ):
        a = await workers.start(name="worker-a")
        b = await workers.start(name="worker-b")
        await wait_until(lambda: len(a.held) == len(b.held) == 4, "the shards shared")
        camera = camera_held_by(a)
        await post_pass(env, "first", camera, 6)
        await wait_until(lambda: a.counts.accepted == 1, "the first pass at worker a")
        await a.kill()  # its database connection, and so its shard locks, die with it
        await wait_until(lambda: len(b.held) == 8, "worker a's shards taken by b")
        await post_pass(env, "again", camera, 3)
        await wait_until(lambda: b.counts.batches == 1, "the second pass at worker b")
        assert b.counts.duplicates == 1
        assert b.counts.looked_up >= 1  # it found a's commit in the database
        assert stored(env)["reads"] == [(camera, "first")]


@pytest.mark.pg
@pytest.mark.nats
async def test_a_joining_worker_gets_its_share_and_the_window_holds_across_the_hand_over(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    server = nats_server()
    async with (
        queue_center(pg_url, tmp_path, server.url) as env,
        workers_for(env, pg_url) as workers,
    ):
        a = await workers.start(name="worker-a")
        assert len(a.held) == 8  # alone, it holds every shard at once
        # Late reads (a camera's backlog): older than the window of now, which is all a
        # worker remembers at start, but within the window of each other.
        for camera in CAMERAS:
            await post_pass(env, f"first-{camera}", camera, 15)
        await wait_until(lambda: a.counts.accepted == 5, "the first passes at a")
        b = await workers.start(name="worker-b")
        await wait_until(lambda: len(a.held) == len(b.held) == 4, "a gave b its share")
        assert a.counts.shards_given_back == 4
        moved = camera_held_by(b)
        await post_pass(env, "again", moved, 12)
        await wait_until(lambda: b.counts.batches == 1, "the second pass at b")
        assert b.counts.duplicates == 1
        assert len(stored(env)["reads"]) == 5


@pytest.mark.pg
@pytest.mark.nats
async def test_a_gateway_s_batch_is_cut_by_shard(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    """One batch of three cameras, two of them in one shard: two messages, every read once."""
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url) as env:
        cameras = ["SC-04", "FAR-01", "SC-01"]
        assert [shard_of(c, 8) for c in cameras] == [0, 0, 7]
        at = env.clock()
        sink = env.service.runner
        assert isinstance(sink, QueueIngest)
        items = await sink.process(
            [IncomingRead(f"r-{c}", c, at, f"{10 + k}나1234", 0.9) for k, c in enumerate(cameras)]
        )
        assert [i.fate for i in items] == [ReadFate.ACCEPTED] * 3
        assert sink.appended_batches == 2
        async with workers_for(env, pg_url) as workers:
            w = await workers.start()
            await wait_until(lambda: w.counts.reads == 3, "every read")
            assert w.counts.batches == 2
            assert sorted(stored(env)["reads"]) == sorted((c, f"r-{c}") for c in cameras)


@pytest.mark.pg
@pytest.mark.nats
async def test_a_worker_refuses_a_queue_cut_in_another_number_of_shards(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    """Shards 4-7 would never be served: the worker says so and does not start."""
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url) as env:
        settings = env.service.settings.model_copy(update={"queue_shards": 4})
        workers = Workers(pg_url, settings, env.clock)
        try:
            with pytest.raises(LinkConfigError, match=r"center\.queue_shards: 4"):
                await workers.start()
        finally:
            await workers.close()


@pytest.mark.pg
def test_postgres_shard_locks_are_one_holder_and_die_with_the_connection(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        first, second = PgShardLocks(db, SITE), PgShardLocks(db, SITE)
        first.join()
        second.join()
        assert first.members() == second.members() == 2
        assert first.take(3)
        assert first.take(3)  # its own lock: taken again, still one holder
        assert not second.take(3)
        first.close()  # a worker's death: the server ends its session a moment later
        deadline = time.monotonic() + 10
        while second.members() != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.members() == 1
        assert second.take(3)
        second.give_back(3)
        second.close()
    finally:
        db.dispose()


def test_local_shard_locks_are_one_holder(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    first, second = LocalShardLocks(db, SITE), LocalShardLocks(db, SITE)
    first.join()
    second.join()
    assert first.members() == 2
    assert first.take(1)
    assert not second.take(1)
    first.close()
    assert second.take(1)
    assert not first.take(2)  # closed: holds nothing any more
    second.close()


def test_each_worker_s_share() -> None:
    assert [share(8, n) for n in (1, 2, 3, 8, 9)] == [8, 4, 3, 1, 1]
