"""``safenet bench pipeline``: what the center's pipeline costs per read, stage by stage.

The :class:`~safenet.center.pipeline.Pipeline` is called directly (no HTTP, no NATS,
no runner thread) on PostgreSQL (a database the benchmark creates and drops) and on
SQLite (a file), with batches of 100, 1,000 and 5,000 reads. Each stage's ``run`` is
timed as the pipeline calls it; what is left of a batch's time (the pipeline's own
bookkeeping and metrics) is the row ``pipeline``. In the same process, over the same
reads and batches, three baselines:

- **matcher alone**: :meth:`HotlistIndex.match_many` at the floor the match stage asks;
- **COPY alone** (PostgreSQL): the same rows into an unindexed table, one COPY and one
  commit per batch (on SQLite: one ``executemany`` and a commit);
- **msgspec decode**: the batch's JSON body decoded into typed reads as HTTP ingest does.

The corpus: 1,000 wanted plates; 0.1 % of the reads are wanted plates read exactly and
another 0.1 % are look-alike near misses of them (a vowel, consonant or digit look-alike:
candidates, held or shown by the decision chain); a tenth of the reads carry OCR
alternatives. No snapshots.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import os
import pstats
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from safenet.bench.center import Corpus, bench_database, seed_center
from safenet.bench.match_corpus import Misread, misread, random_plate
from safenet.bench.report import BenchReport
from safenet.center.bulk import COLUMNS, COPY_TYPES, copy_tuple
from safenet.center.ingest.typed import decode_batch
from safenet.center.stages.base import Batch
from safenet.center.types import IncomingRead, ReadItem
from safenet.store import Database

SITE = "benchpipe"
ENTRIES = 1_000
WANTED_RATE = 0.001
NEAR_RATE = 0.001
BATCHES = (100, 1_000, 5_000)
WARM_UP = 2_000
_NEAR_KINDS = (Misread.VOWEL, Misread.CONSONANT, Misread.DIGIT)


@dataclass(frozen=True)
class PipeCorpus:
    """The wanted plates, the cameras and the reads (as JSON bodies and as parsed)."""

    wanted: list[str]
    cameras: list[dict[str, Any]]
    bodies: list[dict[str, Any]]
    wanted_reads: int
    near_reads: int


def make_corpus(seed: int, count: int, now: datetime) -> PipeCorpus:
    """``count`` reads of random plates, with wanted ones and near misses sprinkled in."""
    rng = random.Random(seed)
    wanted = sorted({random_plate(rng) for _ in range(ENTRIES)})
    wanted_set = set(wanted)
    cameras = [
        {
            "camera_id": f"BP-{i:04d}",
            "lat": 37.46 + rng.random() * 0.06,
            "lon": 126.98 + rng.random() * 0.08,
            "heading": float(rng.randrange(360)),
        }
        for i in range(200)
    ]
    bodies: list[dict[str, Any]] = []
    hits = near = 0
    for i in range(count):
        roll = rng.random()
        plate: str | None = None
        if roll < WANTED_RATE:
            plate = rng.choice(wanted)
            hits += 1
        elif roll < WANTED_RATE + NEAR_RATE:
            plate = misread(rng.choice(wanted), rng.choice(_NEAR_KINDS), rng)
            near += plate is not None
        while plate is None or (plate in wanted_set and roll >= WANTED_RATE):
            plate = random_plate(rng)
        body: dict[str, Any] = {
            "id": f"r-{seed}-{i}",
            "camera_id": rng.choice(cameras)["camera_id"],
            "ts": (now - timedelta(seconds=rng.random() * 600)).isoformat(),
            "plate": plate,
            "confidence": 0.9 + rng.random() * 0.09,
        }
        if rng.random() < 0.1:
            body["alternatives"] = [
                {"plate": random_plate(rng), "confidence": 0.02} for _ in range(rng.randint(1, 2))
            ]
        bodies.append(body)
    return PipeCorpus(wanted, cameras, bodies, hits, near)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _encoded(bodies: Sequence[dict[str, Any]], size: int) -> list[bytes]:
    return [
        json.dumps({"reads": list(chunk)}, ensure_ascii=False).encode()
        for chunk in _batches(bodies, size)
    ]


def _parse(bodies: list[bytes]) -> list[list[IncomingRead]]:
    out = []
    for body in bodies:
        reads = decode_batch(body, max_reads=len(body), max_snapshot_bytes=1)
        assert reads is not None, "the corpus must decode on the typed path"
        out.append(reads)
    return out


class StageClock:
    """Seconds spent in each stage's ``run`` (wall and this thread's CPU), over the batches."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, name: str, run: Callable[[Any, Batch], None]) -> Callable[[Any, Batch], None]:
        def timed(ctx: Any, batch: Batch) -> None:
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                run(ctx, batch)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
                self.cpu[name] = self.cpu.get(name, 0.0) + time.thread_time() - cpu

        return timed


def _context(db: Database, corpus: PipeCorpus) -> Any:
    from safenet.center.cameras import CameraRegistry
    from safenet.center.context import PipelineContext
    from safenet.center.hotlist import Hotlist
    from safenet.center.metrics import CenterMetrics
    from safenet.center.settings import CenterSettings
    from safenet.center.transitions import TransitionTally
    from safenet.center.types import system_clock

    seed_center(db, Corpus(corpus.wanted, corpus.cameras, []), SITE)
    settings = CenterSettings(site=SITE, heartbeat_interval_s=0, purge_interval_s=0)
    ctx = PipelineContext.from_settings(
        settings,
        site=SITE,
        db=db,
        registry=CameraRegistry(db),
        hotlist=Hotlist(db, SITE),
        metrics=CenterMetrics(),
        clock=system_clock,
    )
    ctx.registry.load()
    ctx.hotlist.load()
    assert len(ctx.hotlist) == len(corpus.wanted), "the hotlist must be in force"
    if settings.transitions_interval_s > 0:  # as the service does
        ctx.transitions = TransitionTally(
            SITE,
            system_clock,
            gap_s=settings.transitions_gap_s,
            min_count=settings.transitions_min_count,
        )
    return ctx


def server_cpu(db: Database) -> float | None:
    """CPU seconds used so far by the PostgreSQL backends serving ``db`` (None: SQLite).

    Read from ``/proc`` (the server runs on this machine): what the database spends on
    the writes, which the client's clock cannot see.
    """
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).scalars()
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


_TICKS = os.sysconf("SC_CLK_TCK")


class GcClock:
    """CPU seconds the garbage collector ran (this thread) while installed (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.thread_time()
        else:
            self.seconds += time.thread_time() - self._started
            self.collections += 1

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def run_pipeline(
    ctx: Any, batches: list[list[IncomingRead]], profiler: cProfile.Profile | None = None
) -> dict[str, Any]:
    """Every batch through a Pipeline whose stages are timed; the figures."""
    from safenet.center.pipeline import STAGES, Pipeline

    clock = StageClock()
    server = server_cpu(ctx.db)
    collector = GcClock()
    pipeline = Pipeline(ctx, [replace(s, run=clock.wrap(s.name, s.run)) for s in STAGES])
    reads = accepted = hits = 0
    if profiler is not None:
        profiler.enable()
    cpu = time.thread_time()
    started = time.perf_counter()
    with collector:
        for chunk in batches:
            now = datetime.now(UTC)
            arrived = time.perf_counter()
            items = [ReadItem(r, arrived, now) for r in chunk]
            done = pipeline.run(items)
            reads += len(done)
            accepted += sum(1 for i in done if i.seq is not None)
            hits += sum(len(i.hits) for i in done if i.seq is not None)
    elapsed = time.perf_counter() - started
    cpu = time.thread_time() - cpu
    after = server_cpu(ctx.db)
    if profiler is not None:
        profiler.disable()
    return {
        "server_cpu_s": None if server is None or after is None else after - server,
        "gc_s": collector.seconds,
        "cpu_s": cpu,
        "stages_cpu": clock.cpu,
        "reads": reads,
        "accepted": accepted,
        "hits": hits,
        "seconds": elapsed,
        "stages": clock.seconds,
    }


def match_alone(ctx: Any, batches: list[list[IncomingRead]]) -> float:
    """Seconds of ``match_many`` alone over the same reads (built before the clock starts)."""
    from safenet.matching import Alternative, Read
    from safenet.matching.decision import EVIDENCE_FLOOR

    index = ctx.hotlist.matcher.index
    prepared = [
        [
            Read(
                id=str(k),
                camera_id=r.camera_id,
                ts=r.ts.isoformat(),
                plate=r.plate,
                confidence=r.confidence,
                alternatives=[Alternative(p, c) for p, c in r.alternatives],
            )
            for k, r in enumerate(chunk)
        ]
        for chunk in batches
    ]
    started = time.perf_counter()
    for reads in prepared:
        index.match_many(reads, EVIDENCE_FLOOR)
    return time.perf_counter() - started


_COPY_TABLE = "bench_copy_reads"


def copy_alone(db: Database, batches: list[list[IncomingRead]]) -> tuple[float, float | None]:
    """Seconds to store the same rows into an unindexed table, one statement and commit a batch.

    Also the database server's CPU seconds for it (None on SQLite).
    """
    with db.begin() as conn:
        _create_copy_table(conn)
    now = datetime.now(UTC)
    seq = 0
    server = server_cpu(db)
    started = time.perf_counter()
    for chunk in batches:
        rows = []
        for r in chunk:
            seq += 1
            rows.append(
                {
                    "seq": seq,
                    "read_id": r.read_id,
                    "camera_id": r.camera_id,
                    "read_at": r.ts,
                    "received_at": now,
                    "plate": r.plate,
                    "confidence": r.confidence,
                    "alternatives": [list(a) for a in r.alternatives] or None,
                    "vehicle_colour": r.vehicle_colour,
                    "vehicle_type": r.vehicle_type,
                    "snapshot_ref": r.snapshot_ref,
                    "has_snapshot": False,
                    "is_hit": False,
                }
            )
        with db.begin() as conn:
            _copy_rows(conn, rows)
    elapsed = time.perf_counter() - started
    after = server_cpu(db)
    return elapsed, None if server is None or after is None else after - server


def _create_copy_table(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {_COPY_TABLE} (seq bigint, read_id text, "
            "camera_id text, read_at timestamptz, received_at timestamptz, plate text, "
            "confidence double precision, alternatives json, vehicle_colour text, "
            "vehicle_type text, snapshot_ref text, has_snapshot boolean, is_hit boolean)"
        )
    else:
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {_COPY_TABLE} ({', '.join(COLUMNS)})")


def _copy_rows(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if conn.dialect.name == "postgresql":
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        sql = f"COPY {_COPY_TABLE} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)"
        with dbapi.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[attr-defined]
            copy.set_types(list(COPY_TYPES))
            for row in rows:
                copy.write_row(copy_tuple(row))
        return
    marks = ", ".join("?" for _ in COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO {_COPY_TABLE} VALUES ({marks})", [_plain(row) for row in rows]
    )


def _plain(row: dict[str, Any]) -> tuple[Any, ...]:
    values = copy_tuple(row)
    return tuple(v.isoformat() if isinstance(v, datetime) else v for v in values)


def decode_alone(bodies: list[bytes]) -> float:
    """Seconds to decode the batches' JSON bodies into typed reads (HTTP ingest's fast path)."""
    started = time.perf_counter()
    _parse(bodies)
    return time.perf_counter() - started


def measure_backend(
    db: Database,
    corpus: PipeCorpus,
    batch_sizes: Sequence[int],
    reads_per_case: int,
    profiler: cProfile.Profile | None = None,
    gc_freeze: bool = False,
) -> list[dict[str, Any]]:
    """Each batch size on one database: the pipeline's figures and the baselines'."""
    ctx = _context(db, corpus)
    if gc_freeze:
        # What a service could do once its hotlist is loaded: the collector stops
        # walking the long-lived objects (the hotlist index above all) on every full pass.
        gc.freeze()
    # Caches, the decision chain's first catch-up and the planner's first plans: not measured.
    run_pipeline(ctx, _parse(_encoded(corpus.bodies[:WARM_UP], 500)))
    rows = []
    for k, size in enumerate(batch_sizes):
        start = WARM_UP + k * reads_per_case
        part = corpus.bodies[start : start + reads_per_case]
        bodies = _encoded(part, size)
        batches = _parse(bodies)
        figures = run_pipeline(ctx, batches, profiler)
        figures["batch"] = size
        figures["match_alone_s"] = match_alone(ctx, batches)
        figures["copy_alone_s"], figures["copy_server_cpu_s"] = copy_alone(db, batches)
        figures["decode_s"] = decode_alone(bodies)
        rows.append(figures)
    return rows


def profile_summary(path: Path, top: int = 30) -> str:
    """The ``top`` functions by own CPU time (cProfile's tottime, on the thread's CPU clock)."""
    out = io.StringIO()
    pstats.Stats(str(path), stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def run_pipeline_bench(
    *,
    reads: int = 20_000,
    pg_url: str | None = None,
    sqlite: bool = True,
    batch_sizes: Sequence[int] = BATCHES,
    profile: Path | None = None,
    gc_freeze: bool = False,
) -> BenchReport:
    """Run the benchmark; see the module docstring."""
    report = BenchReport(
        "pipeline",
        parameters={
            "reads_per_case": reads,
            "hotlist_entries": ENTRIES,
            "wanted_rate": WANTED_RATE,
            "near_miss_rate": NEAR_RATE,
            "batch_sizes": list(batch_sizes),
            "gc_freeze": gc_freeze,
        },
    )
    backends = (["postgresql"] if pg_url else []) + (["sqlite"] if sqlite else [])
    summary = report.table("pipeline called directly: reads/s and the in-run baselines")
    per_stage = report.table("µs per read, by stage (wall clock)")
    per_stage_cpu = report.table("CPU µs per read, by stage (the pipeline's thread only)")
    with tempfile.TemporaryDirectory() as tmp:
        for seed, kind in enumerate(backends, start=1):
            corpus = make_corpus(
                seed,
                WARM_UP + reads * len(batch_sizes),
                datetime.now(UTC) - timedelta(seconds=1),
            )
            profiler = None if profile is None else cProfile.Profile(time.thread_time)
            with bench_database(kind, pg_url, Path(tmp)) as db:
                rows = measure_backend(db, corpus, batch_sizes, reads, profiler, gc_freeze)
            if gc_freeze:
                gc.unfreeze()
            for row in rows:
                n = row["reads"]
                case = f"{kind} / {row['batch']:,}"
                rate = n / row["seconds"]
                summary.add(
                    case=case,
                    **{
                        "pipeline reads/s": rate,
                        "accepted": row["accepted"],
                        "hits": row["hits"],
                        "matcher alone reads/s": n / row["match_alone_s"],
                        "COPY alone reads/s": n / row["copy_alone_s"],
                        "msgspec decode reads/s": n / row["decode_s"],
                        "pipeline / COPY": rate / (n / row["copy_alone_s"]),
                        "pipeline / matcher": rate / (n / row["match_alone_s"]),
                    },
                )
                stages = row["stages"]
                busy = sum(stages.values())
                cells = {name: seconds / n * 1e6 for name, seconds in stages.items()}
                cells["pipeline"] = (row["seconds"] - busy) / n * 1e6
                cells["total"] = row["seconds"] / n * 1e6
                per_stage.add(case=case, **cells)
                cpu = {name: seconds / n * 1e6 for name, seconds in row["stages_cpu"].items()}
                cpu["total"] = row["cpu_s"] / n * 1e6
                cpu["of which GC"] = row["gc_s"] / n * 1e6
                if row["server_cpu_s"] is not None:
                    cpu["PostgreSQL server"] = row["server_cpu_s"] / n * 1e6
                    cpu["server, COPY alone"] = row["copy_server_cpu_s"] / n * 1e6
                per_stage_cpu.add(case=case, **cpu)
            if profile is not None and profiler is not None:
                path = profile.with_name(f"{profile.name}.{kind}.prof")
                profiler.dump_stats(str(path))
                report.note(f"profile ({kind}, cProfile, own time):\n{profile_summary(path)}")
    report.note(
        "pipeline reads/s: the Pipeline called directly with batches of the given size, "
        "every stage including the commit of reads, keys, hits and reports; each stage's "
        "run is timed, 'pipeline' is the rest of a batch (the pipeline's own bookkeeping)."
    )
    report.note(
        "CPU µs: time.thread_time() of the thread running the pipeline, per stage: what "
        "this process spends, without the database server's work or the wait for it "
        "(steadier than the wall clock on a shared machine)."
    )
    report.note(
        "baselines, same reads, same batches, same process: match_many alone (reads built "
        "beforehand); COPY alone of the same rows into an unindexed table (binary COPY), "
        "one commit per batch (SQLite: executemany); the batches' JSON decoded by ingest's "
        "msgspec path."
    )
    report.note(
        f"corpus: {ENTRIES:,} wanted plates; {WANTED_RATE:.1%} of reads wanted plates read "
        f"exactly, {NEAR_RATE:.1%} look-alike near misses; a tenth carry alternatives."
    )
    return report
