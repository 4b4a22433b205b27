"""``safenet bench``: benchmarks that print a table and write JSON.

Each benchmark registers itself on :data:`app` from the command module that owns it
(``safenet.commands.match`` registers ``bench match``, and so on). A benchmark always
runs its baseline in the same process and reports ratios, because the machine is
shared and absolute figures are noisy.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Benchmarks: print a table of figures and ratios against a baseline, optionally as JSON.",
    no_args_is_help=True,
)
