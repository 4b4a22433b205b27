"""``safenet link``: tools for the police-center link."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The police-center link: NATS configuration and diagnostics.", no_args_is_help=True
)
