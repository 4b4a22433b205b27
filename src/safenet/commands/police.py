"""``safenet police``: run and operate the police side (WASS)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The police side: the wanted registry, hotlist distribution, intake and alerts.",
    no_args_is_help=True,
)
