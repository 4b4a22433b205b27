"""``safenet deploy``: the files of a country topology (police hub cluster, a leaf per center)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Deployment topologies: police hub cluster and center leaves.")


@app.command("plan")
def plan(
    sites: int = typer.Option(..., "--sites", help="How many centers."),
    out: Path = typer.Option(Path("deploy"), "--out", help="Directory to write the files to."),
    site_ids: str | None = typer.Option(
        None, "--site-ids", help="Comma-separated center ids (default center1…centerN)."
    ),
    workers: int = typer.Option(
        0,
        "--workers",
        min=0,
        max=64,
        help="Pipeline workers per center (queue mode); 0: each center runs its own pipeline.",
    ),
) -> None:
    """Write hub/leaf nats configs, credentials, env files, database SQL and systemd units."""
    from safenet.deploy.plan import PlanOptions, center_ids, write_plan
    from safenet.link.errors import LinkConfigError

    try:
        written = write_plan(center_ids(sites, site_ids), out, PlanOptions(workers=workers))
    except LinkConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for path in written:
        typer.echo(str(path))


@app.command("local")
def local(
    centers: int = typer.Option(2, "--centers", min=1, max=20, help="How many centers."),
    workers: int = typer.Option(
        1, "--workers", min=1, max=16, help="Pipeline worker processes per center."
    ),
    directory: Path | None = typer.Option(
        None, "--dir", help="Where to write the plan, stores and logs (default: a temp dir)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Run one wanted car through every center, then stop (exit 0/1)."
    ),
    keep: bool = typer.Option(
        False, "--keep", help="Keep the run's databases and directory after it stops."
    ),
    pg_url: str | None = typer.Option(
        None, "--pg-url", help="PostgreSQL admin URL the run's databases are made with."
    ),
    timeout: float = typer.Option(
        60.0, "--timeout", min=1, help="--check: seconds to wait for acks and alerts."
    ),
) -> None:
    """Run the plan's topology on this machine: hub cluster, leaves, police, centers, workers."""
    from safenet.deploy.local import run_local
    from safenet.deploy.local_check import run_check

    raise typer.Exit(
        run_local(
            centers=centers,
            workers=workers,
            directory=directory,
            check=(lambda topology, timeout_s: run_check(topology, timeout_s=timeout_s))
            if check
            else None,
            keep=keep,
            pg_url=pg_url,
            timeout_s=timeout,
            say=typer.echo,
        )
    )
