"""``safenet demo``: police, three centers, the simulator and the consoles in one command."""

from __future__ import annotations

from pathlib import Path

import typer


def demo(
    headless: bool = typer.Option(
        False, "--headless", help="No live view: run for --duration seconds, then summarize."
    ),
    duration: float | None = typer.Option(
        None,
        "--duration",
        help="Seconds of wall time to run (headless default: the scenario's length).",
        min=1,
    ),
    json_summary: bool = typer.Option(
        False, "--json", help="Print the summary as one JSON object (for scripts and CI)."
    ),
    scenario: Path | None = typer.Option(
        None, "--scenario", help="A scenario YAML file (default: the packaged one)."
    ),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="The public data folder (default: the data_dir setting)."
    ),
    port: int = typer.Option(
        8100, "--port", help="The police's HTTP port; the centers take the next ones."
    ),
    operator_delay: float = typer.Option(
        5.0, "--operator-delay", help="Seconds a simulated operator takes to decide.", min=0
    ),
    operators: str = typer.Option(
        "mixed",
        "--operators",
        help="Who decides candidates and evidence requests: mixed (one center, --manual-center, "
        "is left to you at its console; simulated operators decide at the others), people "
        "(every center waits for you) or simulated (nothing waits).",
    ),
    manual_center: str = typer.Option(
        "gangnam",
        "--manual-center",
        help="With --operators mixed: the center (site id) left to a person.",
    ),
    manual_operators: bool = typer.Option(
        False,
        "--manual-operators",
        help="Deprecated: the same as --operators people.",
    ),
    config: Path | None = typer.Option(None, "--config", help="A TOML configuration file."),
) -> None:
    """Run police, three centers, the simulator and the consoles together (embedded, SQLite).

    By default one center (강남구, gangnam) is left to a person: its candidates and
    evidence requests wait in its console while simulated operators decide at the others.
    Exit status 0 when every hit the centers reported reached the police exactly once.
    """
    import asyncio

    from rich.console import Console

    from safenet.config import load_settings
    from safenet.demo.operators import OperatorMode, operator_mode
    from safenet.demo.run import DemoOptions, run_demo
    from safenet.demo.stack import DemoError
    from safenet.logs import configure
    from safenet.sim.scenario import ScenarioError

    try:
        mode = operator_mode(operators)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--operators") from exc
    if manual_operators:
        if operators != "mixed" and mode is not OperatorMode.PEOPLE:
            raise typer.BadParameter(
                f"--manual-operators means --operators people, not {mode.value}",
                param_hint="--manual-operators",
            )
        typer.echo("--manual-operators is deprecated: use --operators people", err=True)
        mode = OperatorMode.PEOPLE
    try:
        settings = load_settings(config)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from exc
    if json_summary:
        configure(settings.log.model_copy(update={"level": "warning"}))
    else:
        # The live view owns the terminal; the services' log lines go to a file.
        configure(settings.log, file=settings.var_dir / "demo.log")
    options = DemoOptions(
        headless=headless or json_summary,
        duration_s=duration,
        json_summary=json_summary,
        scenario=scenario,
        data_dir=data_dir,
        port=port,
        operator_delay_s=operator_delay,
        operators=mode,
        manual_center=manual_center,
    )
    try:
        code = asyncio.run(run_demo(settings, options, Console(stderr=json_summary)))
    except ScenarioError as exc:
        raise typer.BadParameter(str(exc), param_hint="--scenario") from exc
    except DemoError as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.option) from exc
    raise typer.Exit(code)
