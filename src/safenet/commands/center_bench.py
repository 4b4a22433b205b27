"""The center's benchmarks, registered under ``safenet bench``.

``center`` (ingest into the pipeline with persistence, on SQLite and PostgreSQL, against
the matcher alone), ``pipeline`` (the Pipeline called directly, by stage), ``queue`` (the
JetStream work queue and its workers), ``ingest`` (HTTP ingest against a bare FastAPI
app) and ``retention`` (the purge by partition drop against row DELETE).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from safenet.commands.bench import app as bench_app


@bench_app.command("center")
def bench_center(
    quick: bool = typer.Option(False, "--quick", help="A short run (a few seconds)."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures here."),
    pg_url: str = typer.Option(
        "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres",
        "--pg-url",
        help="PostgreSQL server to measure on; the benchmark creates and drops its own "
        "database there.",
    ),
    no_pg: bool = typer.Option(False, "--no-pg", help="Measure SQLite only."),
) -> None:
    """Center ingest: reads/s into the pipeline with persistence, and ingest-to-report latency."""
    from safenet.bench.center import run_center_bench

    options: dict[str, Any] = {"quick": quick, "pg_url": None if no_pg else pg_url}
    run_center_bench(**options).emit(json_path)


@bench_app.command("pipeline")
def bench_pipeline(
    reads: int = typer.Option(20_000, "--reads", min=1000, help="Reads per batch size."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures here."),
    pg_url: str = typer.Option(
        "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres",
        "--pg-url",
        help="PostgreSQL server to measure on; the benchmark creates and drops its own "
        "database there.",
    ),
    no_pg: bool = typer.Option(False, "--no-pg", help="Measure SQLite only."),
    no_sqlite: bool = typer.Option(False, "--no-sqlite", help="Measure PostgreSQL only."),
    batch: list[int] = typer.Option(
        [100, 1000, 5000], "--batch", min=1, max=20_000, help="A batch size (repeatable)."
    ),
    profile: Path | None = typer.Option(
        None, "--profile", help="Profile the run with cProfile into FILE.<backend>.prof."
    ),
    gc_freeze: bool = typer.Option(
        False, "--gc-freeze", help="gc.freeze() once the center is set up (what it would save)."
    ),
) -> None:
    """The pipeline called directly: µs per read by stage, against matcher, COPY and decode."""
    from safenet.bench.pipeline import run_pipeline_bench

    run_pipeline_bench(
        reads=reads,
        pg_url=None if no_pg else pg_url,
        sqlite=not no_sqlite,
        batch_sizes=batch,
        profile=profile,
        gc_freeze=gc_freeze,
    ).emit(json_path)


@bench_app.command("queue")
def bench_queue(
    quick: bool = typer.Option(False, "--quick", help="A short run (20,000 reads)."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures here."),
    pg_url: str = typer.Option(
        "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres",
        "--pg-url",
        help="PostgreSQL server to measure on; the benchmark creates and drops its own "
        "databases there.",
    ),
    nats_url: str | None = typer.Option(
        None,
        "--nats-url",
        help="nats-server (2.10+, JetStream) for the work queue; the streams of the run's "
        "own site are deleted after. Default: a private nats-server started for the run.",
    ),
    workers: int = typer.Option(2, "--workers", min=1, max=16, help="Workers that drain."),
    processes: bool = typer.Option(
        False,
        "--processes",
        help="Also run the workers as `safenet center worker` processes while appending.",
    ),
) -> None:
    """Center ingest onto the JetStream work queue and workers draining it, against inline."""
    from safenet.bench.queue import run_queue_bench

    run_queue_bench(
        quick=quick, pg_url=pg_url, nats_url=nats_url, workers=workers, processes=processes
    ).emit(json_path)


@bench_app.command("ingest")
def bench_ingest(
    seconds: float = typer.Option(5.0, "--seconds", min=1, help="Length of each measured case."),
    in_flight: int = typer.Option(
        16, "--in-flight", min=1, max=256, help="Requests kept open at once by the client."
    ),
    batch: int = typer.Option(100, "--batch", min=2, max=5000, help="Reads in a batch request."),
    sqlite: bool = typer.Option(False, "--sqlite", help="The center on SQLite (embedded store)."),
    profile: Path | None = typer.Option(
        None, "--profile", help="Sample the center with py-spy during each case into this folder."
    ),
    client: str = typer.Option(
        "auto",
        "--client",
        help="The load client: wrk, raw (HTTP/1.1 from Python processes) or auto (wrk when "
        "installed).",
    ),
    processes: int = typer.Option(
        2, "--processes", min=1, max=64, help="Client processes (raw) or threads (wrk)."
    ),
    rounds: int = typer.Option(
        1, "--rounds", min=1, max=20, help="Measure each case this many times, interleaved."
    ),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures here."),
    pg_url: str = typer.Option(
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
        "--pg-url",
        help="PostgreSQL server to measure on; the benchmark creates and drops its own "
        "database there.",
    ),
) -> None:
    """HTTP ingest, one read a request and in batches, against a bare FastAPI app, same run."""
    from safenet.bench.ingest import run_ingest_bench

    run_ingest_bench(
        seconds=seconds,
        in_flight=in_flight,
        batch=batch,
        sqlite=sqlite,
        pg_url=pg_url,
        profile=profile,
        client=client,
        processes=processes,
        rounds=rounds,
    ).emit(json_path)


@bench_app.command("retention")
def bench_retention(
    reads: int = typer.Option(1_000_000, "--reads", min=10_000, help="Reads in each table."),
    quick: bool = typer.Option(False, "--quick", help="A short run (100,000 reads)."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures here."),
    pg_url: str = typer.Option(
        "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres",
        "--pg-url",
        help="PostgreSQL server to measure on; the benchmark creates and drops its own "
        "databases there.",
    ),
) -> None:
    """Retention purge by partition drop against row DELETE, and insert rate, same run."""
    from safenet.bench.retention import run_retention_bench

    run_retention_bench(reads=100_000 if quick else reads, pg_url=pg_url).emit(json_path)
