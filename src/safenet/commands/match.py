"""``safenet match``: match a file of reads against a hotlist file."""

from __future__ import annotations

import typer


def match() -> None:
    """Match plate reads against a hotlist (not built yet)."""
    typer.echo("safenet match is not built yet (issue 3).", err=True)
    raise typer.Exit(2)
