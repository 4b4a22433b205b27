"""``safenet bench retention``: the retention purge by partition drop against row DELETE.

Two PostgreSQL databases the benchmark creates and drops, in the same run:

- **plain**: the center schema before ``center_0011`` (``center_0010``: ``reads`` one
  table with its match keys, the purge deletes rows — what main did);
- **partitioned**: the current schema (``reads`` partitioned by read time, hourly; the
  purge drops whole partitions, :mod:`safenet.center.partitions`).

Both get the same ``N`` reads through the center's own writer
(:func:`safenet.center.bulk.write_reads`: COPY in batches of 1,000, reads in time order,
0.1 % of them hit reads) spread over 36 hours, batch by batch into one then the other
(interleaved, so both see the same machine load); the insert rate is reads/s into each.
Then the same purge (:func:`safenet.center.retention.purge`, 24 h read retention) runs
at the end of those 36 hours on each, removing the oldest third; the figure is its wall
time. The partitions the reads need are created before the timed insert (creating
them is the purge's chore ahead of the clock, not the writer's).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from safenet.bench.match_corpus import random_plate
from safenet.bench.report import BenchReport
from safenet.center import partitions
from safenet.center.bulk import write_reads
from safenet.center.retention import purge
from safenet.store import Database, migrate, open_database

SPAN = timedelta(hours=36)
RETENTION = timedelta(hours=24)
BATCH = 1000
HIT_SHARE = 0.001


@contextmanager
def _database(admin_url: str, kind: str) -> Iterator[Database]:
    url = sa.make_url(admin_url)
    name = f"safenet_bench_ret_{kind}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    db = open_database(url.set(database=name).render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _rows(n: int, start: datetime, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    plates = [random_plate(rng) for _ in range(5000)]
    step = SPAN / n
    return [
        {
            "read_id": f"r{k}",
            "camera_id": f"BC-{k % 200:04d}",
            "read_at": start + k * step,
            "received_at": start + k * step,
            "plate": plates[k % len(plates)],
            "confidence": 0.9,
            "alternatives": None,
            "vehicle_colour": None,
            "vehicle_type": None,
            "snapshot_ref": None,
            "has_snapshot": False,
            "is_hit": rng.random() < HIT_SHARE,
        }
        for k in range(n)
    ]


def _insert_both(dbs: dict[str, Database], rows: list[dict[str, Any]]) -> dict[str, float]:
    """Each batch into every database in turn (the first one alternating), timed apart.

    Interleaved, so both tables see the same machine load (it moves a lot on a shared
    machine); what differs is only the table.
    """
    spent = dict.fromkeys(dbs, 0.0)
    kinds = list(dbs)
    for n, k in enumerate(range(0, len(rows), BATCH)):
        batch = rows[k : k + BATCH]
        for kind in kinds if n % 2 == 0 else reversed(kinds):
            t0 = time.perf_counter()
            with dbs[kind].begin() as conn:
                write_reads(conn, [dict(r) for r in batch])
            spent[kind] += time.perf_counter() - t0
    return spent


def run_retention_bench(*, reads: int, pg_url: str) -> BenchReport:
    report = BenchReport("retention", {"reads": reads, "span_h": 36, "retention_h": 24})
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    rows = _rows(reads, start, seed=16)
    end = start + SPAN
    measured: dict[str, dict[str, Any]] = {}
    with _database(pg_url, "plain") as plain_db, _database(pg_url, "partitioned") as part_db:
        dbs = {"plain": plain_db, "partitioned": part_db}
        migrate(plain_db, "center", to="center_0010")  # match keys, no partitions
        migrate(part_db, "center")
        with part_db.begin() as conn:
            width = partitions.DEFAULT_PARTITION
            hours = [start + k * width for k in range(int(SPAN / width) + 1)]
            partitions.ensure_for(conn, hours, width)
        spent = _insert_both(dbs, rows)
        for kind, db in dbs.items():
            with db.begin() as conn:
                conn.execute(sa.text("ANALYZE reads"))
            t0 = time.perf_counter()
            result = purge(
                db,
                site="benchretention",
                read_retention=RETENTION,
                hit_retention=timedelta(days=30),
                now=end,
            )
            purge_s = time.perf_counter() - t0
            with db.read() as conn:
                left = int(conn.execute(sa.text("SELECT count(*) FROM reads")).scalar_one())
            measured[kind] = {
                "case": kind,
                "reads": reads,
                "insert_s": round(spent[kind], 3),
                "insert_reads_per_s": round(reads / spent[kind]),
                "purged_reads": result.reads + result.hit_reads,
                "partitions_dropped": result.partitions,
                "purge_s": round(purge_s, 3),
                "left": left,
            }
    plain, part = measured["plain"], measured["partitioned"]
    table = report.table("insert and purge, same reads, same run")
    table.add(**plain)
    table.add(**part)
    ratios = report.table("ratios (partitioned against plain)")
    ratios.add(
        case="partitioned / plain",
        insert_rate_ratio=round(part["insert_reads_per_s"] / plain["insert_reads_per_s"], 3),
        purge_speedup=round(plain["purge_s"] / max(part["purge_s"], 1e-6), 1),
    )
    report.note(
        "purge_speedup: the row DELETE's wall time divided by the partition drop's "
        "(which includes counting the dropped reads and copying their hit reads to "
        "reads_kept). The DELETE also leaves dead rows for VACUUM, not measured here."
    )
    return report
