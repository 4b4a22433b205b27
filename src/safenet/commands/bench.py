"""``safenet bench``: benchmarks that print a table and write JSON.

Each benchmark registers itself on :data:`app` from the command module that owns it
(``safenet.commands.match`` registers ``bench match``, and so on). A benchmark always
runs its baseline in the same process and reports ratios, because the machine is
shared and absolute figures are noisy.
"""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Benchmarks: print a table of figures and ratios against a baseline, optionally as JSON.",
    no_args_is_help=True,
)


@app.command("retro")
def bench_retro(
    reads: int = typer.Option(1_000_000, "--reads", min=1000, help="Retained reads to seed."),
    quick: bool = typer.Option(False, "--quick", help="A short run (100,000 reads, 8 s windows)."),
    sqlite: bool = typer.Option(False, "--sqlite", help="Measure on SQLite too."),
    no_pg: bool = typer.Option(False, "--no-pg", help="Do not measure on PostgreSQL."),
    rate: float = typer.Option(1000.0, "--rate", min=1.0, help="Reads/s fed to the center."),
    duration: float = typer.Option(15.0, "--duration", min=1.0, help="Seconds per window."),
    no_scan: bool = typer.Option(
        False, "--no-scan-window", help="Skip the window with an add by the old scan."
    ),
    pairs: int = typer.Option(
        1,
        "--pairs",
        min=1,
        max=20,
        help="Pairs of windows without and with an add by keys, the order alternating; "
        "latencies pooled, and the median of the pairs' p99 changes.",
    ),
    hotlist: int = typer.Option(
        0,
        "--hotlist",
        min=0,
        help="Hotlist entries at least (padded beyond the probes' entries with plates no "
        "read names).",
    ),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures here."),
    pg_url: str = typer.Option(
        "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres",
        "--pg-url",
        help="PostgreSQL server to measure on; the benchmark creates and drops its own "
        "database there.",
    ),
) -> None:
    """Retrospective look-up: by match keys vs the old scan, key write cost, p99 under an add."""
    from safenet.bench.retro import run_retro_bench

    run_retro_bench(
        reads=reads,
        quick=quick,
        pg_url=None if no_pg else pg_url,
        sqlite=sqlite or no_pg,
        rate=rate,
        duration=duration,
        scan_phase=not no_scan,
        pairs=pairs,
        hotlist=hotlist,
    ).emit(json_path)
