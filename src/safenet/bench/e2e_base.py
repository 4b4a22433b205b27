"""The in-run baselines of ``safenet bench e2e``: what each part alone does on this machine.

- **msgspec decode**: the ingest's typed decoding of the very batches the run posts;
- **matcher alone**: ``Matcher.match_many`` over those reads against the same hotlist;
- **COPY alone**: psycopg ``cursor.copy`` of read rows into a table of the ``reads``
  shape in a scratch PostgreSQL database;
- **bare HTTP**: a FastAPI app that answers a POST and does nothing else, served by
  uvicorn in a process of its own, driven by the same client as the run.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa

from safenet.bench.e2e import Proc, _free_port, _pg_database, _wait_port


def decode_rate(bodies: list[bytes], batch: int) -> float:
    from safenet.center.ingest.typed import decode_batch

    started = time.perf_counter()
    n = 0
    for body in bodies:
        decoded = decode_batch(body, max_reads=batch, max_snapshot_bytes=1024)
        assert decoded is not None
        n += len(decoded)
    return n / (time.perf_counter() - started)


def matcher_rate(bodies: list[bytes], wanted: list[str]) -> float:
    from safenet.matching import HotlistEntry as MatchEntry
    from safenet.matching import HotlistIndex, Matcher, Read

    index, _ = HotlistIndex.build(
        [MatchEntry(id=f"E{i}", plate=p) for i, p in enumerate(wanted)], 1
    )
    matcher = Matcher(index)
    batches = [
        [
            Read(
                id=r["id"],
                camera_id=r["camera_id"],
                ts=r["ts"],
                plate=r["plate"],
                confidence=r["confidence"],
            )
            for r in json.loads(body)["reads"]
        ]
        for body in bodies
    ]
    started = time.perf_counter()
    n = 0
    for reads in batches:
        matcher.match_many(reads)
        n += len(reads)
    return n / (time.perf_counter() - started)


def copy_rate(admin_url: str, rows: int = 100_000) -> float:
    import psycopg

    now = datetime.now(UTC)
    with _pg_database(admin_url) as url:
        plain = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain) as conn, conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE reads_copy (seq bigint primary key, read_id varchar(64), "
                "camera_id varchar(100), read_at timestamptz, received_at timestamptz, "
                "plate varchar(16), confidence float8, alternatives json, "
                "vehicle_colour varchar(40), vehicle_type varchar(40), snapshot_ref "
                "varchar(200), has_snapshot bool, is_hit bool, unique (camera_id, read_id))"
            )
            started = time.perf_counter()
            with cur.copy("COPY reads_copy FROM STDIN") as copy:
                for k in range(rows):
                    row = (k, f"r{k}", "BC-001", now, now, "12가3456", 0.9)
                    copy.write_row((*row, None, None, None, None, False, False))
            conn.commit()
            return rows / (time.perf_counter() - started)


def bare_http_rate(workdir: Path, seconds: float = 3.0, in_flight: int = 8) -> float:
    port = _free_port()
    popen = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "safenet.bench.bare_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=(workdir / "bare.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    proc = Proc("bare-http", popen, workdir / "bare.log")
    try:
        _wait_port(port, proc)
        return asyncio.run(_hammer(f"http://127.0.0.1:{port}", seconds, in_flight))
    finally:
        proc.stop()


async def _hammer(url: str, seconds: float, in_flight: int) -> float:
    body = json.dumps({"reads": [{"id": "r1", "plate": "12가3456"}]}).encode()
    done = 0
    limits = httpx.Limits(max_connections=in_flight)
    async with httpx.AsyncClient(base_url=url, limits=limits) as http:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                await http.post("/api/v1/reads", content=body)
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return done / (time.perf_counter() - started)
