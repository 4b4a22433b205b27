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


def test_a_busy_port_is_named_and_nothing_stays_running(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            app,
            ["demo", "--json", "--port", str(port)],
            env={"SAFENET_VAR_DIR": str(tmp_path / "var")},
        )
    assert result.exit_code == 2, result.output
    assert f"port {port}" in result.output
    assert "--port" in result.output
    assert "Traceback" not in result.output
