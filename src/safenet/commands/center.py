"""``safenet center``: run and operate a smart-city center."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="A smart-city center: import cameras, serve ingest and matching, replay, purge.",
    no_args_is_help=True,
)
