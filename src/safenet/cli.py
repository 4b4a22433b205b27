"""The one `safenet` command.

Every subcommand lives in ``safenet.commands.<name>`` and registers itself on the
Typer app it imports here. Command modules import their heavy dependencies inside
the command functions so that ``safenet --help`` stays fast.
"""

from __future__ import annotations

import typer

from safenet import __version__
from safenet.commands import (
    audit,
    bench,
    center,
    demo,
    deploy,
    link,
    match,
    plate,
    police,
    roads,
    users,
)
from safenet.commands import center_bench as _center_bench  # noqa: F401 - `bench center` …
from safenet.commands import evidence as _evidence  # noqa: F401 - registers `bench evidence`

app = typer.Typer(
    name="safenet",
    help=(
        "safenet: the police's emergency wanted-vehicle list matched against smart-city "
        "CCTV plate reads, with hits sent back to the police."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.add_typer(plate.app, name="plate")
app.add_typer(link.app, name="link")
app.add_typer(deploy.app, name="deploy")
app.add_typer(center.app, name="center")
app.add_typer(police.app, name="police")
app.add_typer(audit.app, name="audit")
app.add_typer(roads.app, name="roads")
app.add_typer(bench.app, name="bench")
app.add_typer(users.app, name="users")
app.command("match")(match.match)
app.command("demo")(demo.demo)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the safenet version and exit."),
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit(0)
    from safenet.audit.origin import ORIGIN, cli_origin

    # Every audit record the command writes says `from: cli:<user>@<host>` (reset when
    # the command ends, so a test runner invoking many commands keeps no stale origin).
    token = ORIGIN.set(cli_origin())
    ctx.call_on_close(lambda: ORIGIN.reset(token))


def main() -> None:
    """Entry point of the ``safenet`` console script."""
    app()


if __name__ == "__main__":
    main()
