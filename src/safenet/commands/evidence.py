"""``safenet bench evidence``: approved request to verified package, against the bare link.

The evidence commands that serve people (``safenet center ledger export`` …) come with
the services' evidence handling; this module registers the benchmark.
"""

from __future__ import annotations

from pathlib import Path

import typer

from safenet.commands.bench import app as bench_app


@bench_app.command("evidence")
def bench_evidence(
    json_path: Path | None = typer.Option(None, "--json", help="Also write the figures as JSON."),
    quick: bool = typer.Option(False, "--quick", help="Fewer and smaller packages: a smoke run."),
    pictures: int = typer.Option(
        60, "--pictures", min=1, help="Stored snapshots per package (one camera, a time range)."
    ),
    paced: int = typer.Option(
        20, "--paced", min=2, help="Packages sent one at a time, for p50/p99."
    ),
    burst: int = typer.Option(40, "--burst", min=1, help="Packages sent at once, for throughput."),
    rate: float = typer.Option(4.0, "--rate", min=0.1, help="Paced packages per second."),
    nats_url: str | None = typer.Option(
        None,
        "--nats-url",
        help="Use this NATS JetStream server (unfenced) instead of starting a private one.",
    ),
) -> None:
    """Evidence packages over the in-process link and NATS JetStream, vs the bare link."""
    from safenet.bench.evidence import run_evidence_bench

    report = run_evidence_bench(
        pictures=pictures, paced=paced, burst=burst, rate=rate, nats_url=nats_url, quick=quick
    )
    report.emit(json_path)
