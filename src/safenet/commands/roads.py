"""``safenet roads``: prepare the road data for the services; also ``safenet bench route``.

``roads prepare`` writes, under ``var_dir``, the compact copy of each road network
(``roads/``) and the offline basemap (``basemap/``) from the files in
``<data_dir>/roads/``. The services also build both on first use; preparing them at
set-up only saves that first wait. Neither is ever committed: both are derived from
third-party data.
"""

from __future__ import annotations

from pathlib import Path

import typer

from safenet.commands.bench import app as bench_app

app = typer.Typer(
    help="Road data for the escape route: compact graphs and the offline basemap.",
    no_args_is_help=True,
)

_CONFIG = typer.Option(None, "--config", help="TOML configuration file.")
_DATA_DIR = typer.Option(
    None, "--data-dir", help="Folder holding roads/ (default: the data_dir setting)."
)


def _folders(config: Path | None, data_dir: Path | None) -> tuple[Path, Path]:
    from safenet.config import load_settings

    try:
        settings = load_settings(config)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from None
    folder = data_dir or settings.data_dir
    if not (folder / "roads").is_dir():
        raise typer.BadParameter(f"{folder} has no roads/ folder", param_hint="--data-dir")
    return folder, settings.var_dir


@app.command("prepare")
def prepare(
    config: Path | None = _CONFIG,
    data_dir: Path | None = _DATA_DIR,
    force: bool = typer.Option(False, "--force", help="Rebuild even what is up to date."),
) -> None:
    """Write the compact road graphs and the offline basemap under var_dir."""
    from rich.console import Console
    from rich.table import Table

    from safenet.roads import RoadDataError
    from safenet.roads.basemap import build_basemap
    from safenet.roads.cache import CACHE_SUBDIR, load_networks_cached

    folder, var_dir = _folders(config, data_dir)
    if force:
        for old in (var_dir / CACHE_SUBDIR).glob("*.npz"):
            old.unlink()
    try:
        networks = load_networks_cached(folder, var_dir)
        index = build_basemap(folder, var_dir, force=force)
    except RoadDataError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    table = Table(title="road data prepared", title_justify="left")
    for column in ("network", "kind", "junctions", "roads", "licence"):
        table.add_column(column)
    for network in networks:
        table.add_row(
            network.name,
            network.kind,
            f"{network.node_count:,}",
            f"{network.edge_count:,}",
            network.licence or "",
        )
    console = Console()
    console.print(table)
    console.print(f"compact graphs: {var_dir / CACHE_SUBDIR}; basemap: {index}")


@bench_app.command("route")
def bench_route(
    quick: bool = typer.Option(
        False, "--quick", help="One short training day and fewer questions: under 3 minutes."
    ),
    json_path: Path | None = typer.Option(
        None, "--json", help="Also write the figures as JSON to this file.", dir_okay=False
    ),
    config: Path | None = _CONFIG,
    data_dir: Path | None = _DATA_DIR,
) -> None:
    """Next-camera forecasts (top-k against nearest cameras) and compute time per hit."""
    from safenet.bench.route import run

    folder, _ = _folders(config, data_dir)
    run(quick=quick, json_path=json_path, data_dir=folder)
