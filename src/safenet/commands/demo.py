"""``safenet demo``: police, centers, simulator and consoles in one command."""

from __future__ import annotations

import typer


def demo() -> None:
    """Run police, three centers, the simulator and the consoles together (not built yet)."""
    typer.echo(
        "safenet demo is not built yet. What exists today:\n"
        "  safenet plate check TEXT...   check plate numbers against the Korean plate grammar\n"
        "  safenet match ...             match reads against a hotlist\n"
        "  safenet bench ...             benchmarks\n"
        "The demo (police + three centers + simulator + consoles) arrives with issue 7.",
        err=True,
    )
    raise typer.Exit(1)
