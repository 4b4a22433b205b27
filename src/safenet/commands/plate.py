"""``safenet plate``: check plate numbers against the Korean plate grammar."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Korean licence plates: check and normalize plate numbers.", no_args_is_help=True
)
