"""``safenet demo`` refuses a bad scenario file with a message, not a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from safenet.cli import app


def test_a_missing_scenario_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    result = CliRunner().invoke(app, ["demo", "--json", "--scenario", str(missing)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the file does not exist" in result.output
    assert "Traceback" not in result.output
