"""Two queue workers of one site share held candidates through the database (issue 17).

Real NATS JetStream (a private nats-server) and PostgreSQL: the center takes reads
into the site's work queue, two :class:`~safenet.center.worker.CenterWorker` pull
from it. A weak read is held by worker 1; worker 2 starts, worker 1 stops, so the
corroborating read can only reach worker 2, whose chain has never seen the held
read: it catches up from the database and surfaces the held candidate, once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from safenet.center.decision_store import decision_held
from safenet.center.tables import hits
from tests.center.conftest import entry, read
from tests.center.queue_support import queue_center, wait_until, workers_for
from tests.support.services import NatsServer

pytestmark = [pytest.mark.nats, pytest.mark.pg]


async def test_held_on_one_worker_corroborated_on_the_other_is_surfaced_once(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url, worker_fetch_messages=1) as env:
        await env.snapshot([entry("E1", "12가3456")])
        db = env.service.db

        def rows(table: sa.Table) -> list[sa.Row[tuple[object, ...]]]:
            with db.read() as conn:
                return list(conn.execute(sa.select(table)).all())

        async with workers_for(env, pg_url) as workers:
            a = await workers.start(name="worker-a")
            t = env.clock()
            await env.post([read("r1", "12거3456", t, camera="SC-01", confidence=0.7)])
            await wait_until(lambda: len(rows(decision_held)) == 1, "r1 held")

            def holds(worker: object) -> int:
                decisions = worker.lanes[0].ctx.decisions  # type: ignore[attr-defined]
                return int(decisions.held)

            b = await workers.start(name="worker-b")
            assert holds(a) == 1
            assert holds(b) == 0
            assert rows(hits) == []
            await a.stop(grace_s=5.0)  # worker 1 steps away: the next read can only reach 2

            await env.post([read("r2", "12가3456", t + timedelta(seconds=20), camera="SC-05")])
            await wait_until(lambda: len(rows(hits)) == 2, "both hits")
            reports = await env.reports(2)
            by_read = {h.read_id: h for h in rows(hits)}
            assert set(by_read) == {"r1", "r2"}
            assert by_read["r1"].decision_rule == "corroborated"
            assert by_read["r2"].state == "alert"
            assert sorted(r.hit_id for r in reports) == sorted(h.hit_id for h in by_read.values())
            assert rows(decision_held) == []
            assert holds(b) == 0
            await env.settle(0.5)
            assert len(env.police.of("LocationReport")) == 2
