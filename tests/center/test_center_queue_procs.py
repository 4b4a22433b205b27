"""Issue 16: ``safenet center worker`` processes killed with -9 under load, and MQTT ingest.

Two worker processes (the real command, configured through ``SAFENET_*`` as a
deployer would) share a site's work queue on a private nats-server while batches
arrive over HTTP; one is killed with SIGKILL at a random moment, several times, and
restarted. In the end every read is stored once and every hit once, and the police
got each report once: at-least-once delivery, exactly-once effect. Reproduce a run
with ``SAFENET_KILL_SEED=<seed>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiomqtt
import nats
import nats.js.errors
import pytest

from safenet.link.nats_queue import DEFAULT_SHARDS, consumer_name, stream_name
from tests.center.conftest import entry, read
from tests.center.queue_support import queue_center, stored, wait_until, workers_for
from tests.support.services import NatsServer, free_port

WANTED = "12가3456"
BATCHES = 40
READS = 100
MAX_KILLS = 5
SAFENET = str(Path(sys.executable).parent / "safenet")
WORKER_ARGS = (SAFENET, "center", "worker", "--site", "seocho", "--concurrency", "2")


class WorkerProcess:
    """One ``safenet center worker`` child, killed with -9 and started again."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.metrics_port = free_port()
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.lives = 0
        self.started_at = 0

    def start(self) -> None:
        self.lives += 1
        self.started_at = self.log.stat().st_size if self.log.exists() else 0
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [*WORKER_ARGS, "--metrics-port", str(self.metrics_port)],
            env=self.env,
            stdout=out,
            stderr=out,
        )

    def up(self) -> bool:
        """Has the current life said it is running? (A life killed early says nothing.)"""
        if not self.log.exists():
            return False
        with self.log.open("rb") as f:
            f.seek(self.started_at)
            return b"lanes on stream" in f.read()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(5)

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


async def shard_consumers(js: Any) -> list[Any]:
    """The site's shard consumers (raises NotFoundError until a worker made them all)."""
    return [
        await js.consumer_info(stream_name("seocho"), consumer_name(k))
        for k in range(DEFAULT_SHARDS)
    ]


async def workers_waiting(url: str, within_s: float = 30.0) -> None:
    """Return once a pull waits on every shard's consumer (the workers are up)."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    deadline = asyncio.get_running_loop().time() + within_s
    try:
        while True:
            with contextlib.suppress(nats.js.errors.NotFoundError):
                if all(info.num_waiting for info in await shard_consumers(js)):
                    return
            assert asyncio.get_running_loop().time() < deadline, "the workers did not start"
            await asyncio.sleep(0.1)
    finally:
        await nc.close()


def accepted_of(port: int) -> float:
    """``center_reads_total{outcome="accepted"}`` of a worker's /metrics."""
    import httpx

    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert "center_reads_total" in text
    for line in text.splitlines():
        if line.startswith('center_reads_total{outcome="accepted"}'):
            return float(line.split()[-1])
    return 0.0


def worker_env(db_url: str, nats_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFENET_")}
    env.update(
        {
            "SAFENET_VAR_DIR": str(var_dir),
            "SAFENET_CENTER__SITE": "seocho",
            "SAFENET_CENTER__DATABASE_URL": db_url,
            "SAFENET_CENTER__INGEST_MODE": "queue",
            "SAFENET_CENTER__QUEUE_NATS_URL": nats_url,
            "SAFENET_CENTER__QUEUE_ACK_WAIT_S": "1",
            "SAFENET_CENTER__QUEUE_MAX_DELIVER": "50",
            "SAFENET_CENTER__QUEUE_REDELIVER_DELAY_S": "0.1",
            "SAFENET_CENTER__WORKER_HOTLIST_POLL_S": "0.1",
            "SAFENET_CENTER__WORKER_FETCH_MESSAGES": "2",
            "SAFENET_CENTER__ALERT_WINDOW_S": "0",
        }
    )
    return env


@pytest.mark.pg
@pytest.mark.nats
@pytest.mark.slow
async def test_worker_processes_killed_with_sigkill_lose_and_double_nothing(
    pg_url: str, tmp_path: Path, nats_server: Callable[..., NatsServer]
) -> None:
    seed = int(os.environ.get("SAFENET_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    server = nats_server()
    async with queue_center(pg_url, tmp_path, server.url, alert_window_s=0) as env:
        await env.snapshot([entry("e-1", WANTED)])
        wenv = worker_env(pg_url, server.url, tmp_path / "var")
        procs = [WorkerProcess(wenv, tmp_path / f"worker-{k}.log") for k in range(2)]
        for p in procs:
            p.start()
        kills = 0
        posting = True

        async def killer() -> None:
            """Kill when a batch is in a worker's hands: both at first, then one at random."""
            nonlocal kills
            nc = await nats.connect(server.url)
            js = nc.jetstream()
            try:
                while posting and kills < MAX_KILLS:
                    try:
                        infos = await shard_consumers(js)
                    except nats.js.errors.NotFoundError:  # no worker has started yet
                        await asyncio.sleep(0.05)
                        continue
                    if not any(info.num_ack_pending for info in infos):
                        await asyncio.sleep(0.005)
                        continue
                    victims = procs if kills == 0 else [procs[rng.randrange(2)]]
                    for victim in victims:
                        victim.kill()
                        kills += 1
                    await asyncio.sleep(rng.uniform(0.0, 0.5))
                    for victim in victims:
                        victim.start()
                    for victim in victims:  # this machine may be slow to start one
                        await wait_until(victim.up, "the restarted worker up", 60)
                    await asyncio.sleep(rng.uniform(0.2, 1.0))
            finally:
                await nc.close()

        async def post(b: int) -> None:
            at = env.clock() - timedelta(seconds=11 * b)
            reads = [
                read(f"b{b}-{k}", WANTED if k == b % READS else f"{10 + b}나{1000 + k}", at)
                for k in range(READS)
            ]
            answer = await env.post(reads)
            assert answer.status_code == 200, answer.text
            assert len(answer.json()["accepted"]) == READS

        killing = asyncio.create_task(killer())
        try:
            await workers_waiting(server.url)  # 2 processes, 2 lanes each
            for first in range(0, BATCHES, 5):
                await asyncio.gather(*(post(b) for b in range(first, first + 5)))
                await asyncio.sleep(rng.uniform(0.1, 0.5))
            total = BATCHES * READS
            await wait_until(lambda: len(stored(env)["reads"]) >= total, "every read stored", 180)
            posting = False
            await killing
            await env.reports(BATCHES, within_s=60)
            await env.settle(1.5)
            accepted = sum(accepted_of(p.metrics_port) for p in procs)
        finally:
            posting = False
            if not killing.done():
                killing.cancel()
            codes = [p.stop() for p in procs]
        logs = "".join(p.log.read_text(errors="replace") for p in procs)
        got = stored(env)
        assert len(got["reads"]) == len(set(got["reads"])) == BATCHES * READS, f"seed {seed}"
        assert len(got["hits"]) == BATCHES, f"seed {seed}"
        reported = [r.hit_id for r in env.police.of("LocationReport")]
        assert len(reported) == len(set(reported)) == BATCHES, f"seed {seed}"
        assert "moved to the dead-letter stream" not in logs, logs[-3000:]
        assert codes == [0, 0], logs[-3000:]
        assert kills >= 2
        # /metrics of the last lives: their own figures (earlier lives took some reads).
        assert 0 <= accepted <= BATCHES * READS
        assert "taken again" in logs, "no batch was in hand when a worker was killed"


@pytest.mark.pg
@pytest.mark.nats
@pytest.mark.mqtt
async def test_mqtt_reads_go_through_the_queue(
    pg_url: str,
    tmp_path: Path,
    nats_server: Callable[..., NatsServer],
    mqtt_broker: tuple[str, int],
) -> None:
    host, port = mqtt_broker
    prefix = f"safenet-test-{uuid.uuid4().hex[:8]}"
    server = nats_server()
    async with queue_center(
        pg_url,
        tmp_path,
        server.url,
        mqtt_enabled=True,
        mqtt_host=host,
        mqtt_port=port,
        mqtt_topic=prefix + "/{site}/cameras/+/reads",
    ) as env:
        await env.snapshot([entry("E1", WANTED)])
        assert env.service.mqtt is not None
        await asyncio.wait_for(env.service.mqtt.subscribed.wait(), 10)
        async with workers_for(env, pg_url) as workers:
            worker = await workers.start()
            await wait_until(lambda: worker.hotlist.version == env.version, "hotlist")
            now = env.clock()
            async with aiomqtt.Client(host, port) as camera:
                topic = f"{prefix}/seocho/cameras/SC-01/reads"
                await camera.publish(topic, b"this is not json", qos=1)
                batch = [read("m1", WANTED, now), read("m2", "34나5678", now)]
                await camera.publish(topic, json.dumps(batch).encode(), qos=1)
                await camera.publish(topic, json.dumps(read("m3", "56다7890", now)), qos=1)
            (report,) = await env.reports(1)
            assert report.entry_id == "E1"
            await wait_until(lambda: worker.counts.batches == 2, "two MQTT messages processed")
            assert len(stored(env)["reads"]) == 3
