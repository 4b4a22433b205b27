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
) -> None:
    """Write hub/leaf nats configs, credentials, env files, database SQL and systemd units."""
    from safenet.deploy.plan import center_ids, write_plan
    from safenet.link.errors import LinkConfigError

    try:
        written = write_plan(center_ids(sites, site_ids), out)
    except LinkConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for path in written:
        typer.echo(str(path))
