"""``safenet bench e2e``: reads through a deployment as it is run, to the police's alert stream.

Everything runs as a deployer runs it, each part its own process on this machine: the
topology of ``safenet deploy local`` (three clustered hub nats-servers, a leaf per
center, the police, ``--centers`` centers, in queue mode with ``--workers`` worker
processes each), every site on a PostgreSQL database of its own that the benchmark
creates and drops. This process drives HTTP batch ingest and/or MQTT (``--ingest``) at
``--rate`` reads/s for ``--duration`` seconds (batches of ``--batch`` reads, 0.1 % of
them wanted plates read exactly) and holds one officer's SSE alert stream open; with
``--faults`` it kills and restarts a worker, a center, the police and a hub node during
the load, then reconciles the centers' and the police's databases with the stream.

Reported: the sustained accepted reads/s, read -> SSE alert latency p50/p99/max (from
the start of the POST carrying the read to the alert on the stream), lost and doubled
(see :mod:`safenet.bench.e2e_faults`), hotlist cancel -> every center's
acknowledgement recorded at the police (p50/max), CPU and RSS per process; and in-run
baselines on the same machine: msgspec decoding of the same batches, the matcher
alone, COPY alone, a bare HTTP app.

This module holds the helpers the baselines share; the run is :mod:`e2e_run`, the
load :mod:`e2e_drive`, the faults :mod:`e2e_faults`, the tables :mod:`e2e_report`.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

SITE = "benchc"
WANTED_SHARE = 0.001
DEFAULT_PG_URL = os.environ.get(
    "SAFENET_BENCH_PG_URL", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
)
_TICK = os.sysconf("SC_CLK_TCK")


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
