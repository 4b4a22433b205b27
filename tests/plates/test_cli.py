"""``safenet plate check``: the JSON contract operators script against, and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from typer.testing import CliRunner

from safenet.commands.plate import app

KEYS = ["input", "valid", "normalized", "error", "kind", "region", "class", "usage", "serial",
        "vehicle_type"]  # fmt: skip

runner = CliRunner()


def _records(stdout: str) -> list[dict[str, Any]]:
    lines = stdout.splitlines()
    records = [json.loads(line) for line in lines]
    for record in records:
        assert list(record) == KEYS
    return records


def test_json_reports_each_text_in_order() -> None:
    result = runner.invoke(app, ["check", "--json", "12가3456", "서울 12 바 3456", "외교123-456"])
    assert result.exit_code == 0, result.output
    records = _records(result.stdout)
    assert records[0] == {
        "input": "12가3456",
        "valid": True,
        "normalized": "12가3456",
        "error": None,
        "kind": "private",
        "region": None,
        "class": "12",
        "usage": "가",
        "serial": "3456",
        "vehicle_type": "passenger",
    }
    assert (records[1]["normalized"], records[1]["kind"], records[1]["region"]) == (
        "서울12바3456",
        "commercial",
        "서울",
    )
    assert (records[2]["class"], records[2]["usage"], records[2]["serial"]) == (
        "123",
        "외교",
        "456",
    )


def test_json_invalid_input_has_error_and_null_parts_and_exit_1() -> None:
    result = runner.invoke(app, ["check", "--json", "12가3456", "12차3456"])
    assert result.exit_code == 1
    valid, invalid = _records(result.stdout)
    assert valid["valid"] is True
    assert invalid == {
        "input": "12차3456",
        "valid": False,
        "normalized": None,
        "error": "unknown usage syllable '차'",
        **dict.fromkeys(["kind", "region", "class", "usage", "serial", "vehicle_type"]),
    }


def test_stdin_lines_are_inputs_including_blank_ones() -> None:
    result = runner.invoke(app, ["check", "--json"], input="12가3456\r\n\n123 가 4567\n")
    assert result.exit_code == 1
    records = _records(result.stdout)
    assert [r["input"] for r in records] == ["12가3456", "", "123 가 4567"]
    assert [r["valid"] for r in records] == [True, False, True]
    assert records[1]["error"] == "plate is empty"


def test_all_valid_stdin_exits_0() -> None:
    result = runner.invoke(app, ["check", "--json"], input="12가3456\n서울12바3456")
    assert result.exit_code == 0
    assert len(_records(result.stdout)) == 2


def test_stdin_json_keeps_control_characters_and_names_bad_lines() -> None:
    lines = [
        json.dumps("12\t가3456"),
        json.dumps("12 가 3456"),
        "12가3456",
        "42",
        "",
        json.dumps("\ud800"),
    ]
    result = runner.invoke(app, ["check", "--json", "--stdin-json"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    records = _records(result.stdout)
    assert len(records) == len(lines)
    assert records[0]["input"] == "12\t가3456"
    assert records[0]["error"] == "character U+0009 cannot appear in a plate"
    assert records[1]["normalized"] == "12가3456"
    assert records[2]["error"].startswith("line 3 is not a JSON string: ")
    assert records[2]["input"] == "12가3456"
    assert records[3]["error"] == "line 4 is not a JSON string (got number)"
    assert records[4]["error"].startswith("line 5 is not a JSON string")
    assert records[5]["input"] == "\ud800"
    assert records[5]["error"] == "character U+D800 cannot appear in a plate"


def test_undecodable_stdin_line_is_an_invalid_input() -> None:
    result = runner.invoke(app, ["check", "--json"], input=b"12\xff3456\n12\xea\xb0\x803456\n")
    assert result.exit_code == 1
    bad, good = _records(result.stdout)
    assert bad["error"] == "line 1 is not valid UTF-8"
    assert good["normalized"] == "12가3456"


def test_byte_order_mark_on_the_first_line_is_not_part_of_the_plate() -> None:
    result = runner.invoke(app, ["check", "--json"], input="\ufeff12가3456\n\ufeff12가3456\n")
    first, second = _records(result.stdout)
    assert first["valid"] is True
    assert second["error"] == "character U+FEFF cannot appear in a plate"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["check"], "", "no plate given: stdin was empty"),
        (["check", "--json"], "", "no plate given: stdin was empty"),
        (["check", "--stdin-json", "12가3456"], "", "--stdin-json reads plates from stdin"),
        (["check", "--no-such-flag", "12가3456"], "", "No such option"),
    ],
)
def test_usage_errors_exit_2(args: list[str], stdin: str, message: str) -> None:
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_table_output_is_readable() -> None:
    result = runner.invoke(app, ["check", "12가3456", "12차3456"], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "12가 3456" in result.stdout
    assert "비사업용 private" in result.stdout
    assert "unknown usage syllable '차'" in result.stdout
    assert "2건 중 유효 1건, 무효 1건" in result.stdout


def test_table_escapes_control_characters_and_markup() -> None:
    result = runner.invoke(
        app,
        ["check", "--stdin-json"],
        input=json.dumps("[red]12\x1b가") + "\n",
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 1
    assert "[red]12\\x1b가" in result.stdout
    assert "\x1b" not in result.stdout


def test_safenet_plate_check_through_the_real_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "safenet.cli", "plate", "check", "--json", "--stdin-json"],
        input=(json.dumps("서울12바 3456") + "\n" + json.dumps("1가1234") + "\n").encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr.decode()
    records = _records(proc.stdout.decode("utf-8"))
    assert [r["valid"] for r in records] == [True, False]
    assert records[0]["kind"] == "commercial"
