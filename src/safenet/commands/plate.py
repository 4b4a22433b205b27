"""``safenet plate``: check plate numbers against the Korean plate grammar.

``safenet plate check`` is scripted by operators, so its output is a contract:
with ``--json`` exactly one JSON object per input, in input order; exit status 0
when every input was a valid plate, 1 when any was not, 2 on a usage error (bad
flags, no input at all). A stdin line that cannot be read (not UTF-8, or not a
JSON string under ``--stdin-json``) is an invalid input whose error names the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from safenet.plates import PlateCheck

app = typer.Typer(
    help="Korean licence plates: check and normalize plate numbers.", no_args_is_help=True
)

KIND_LABELS = {
    "private": "비사업용",
    "rental": "대여사업용",
    "commercial": "사업용",
    "delivery": "택배용",
    "diplomatic": "외교용",
    "construction": "건설기계",
    "emergency": "긴급자동차",
    "old-regional": "구 지역번호판",
}
VEHICLE_LABELS = {
    "passenger": "승용",
    "van": "승합",
    "truck": "화물",
    "special": "특수",
    "emergency": "긴급",
    "construction": "건설기계",
    "diplomatic": "외교",
}


@app.callback()
def _plate() -> None:
    """Korean licence plates: check and normalize plate numbers."""


@app.command("check")
def check(
    texts: list[str] | None = typer.Argument(
        None,
        metavar="TEXT",
        help="Plate numbers to check. With none, each line of stdin is one plate.",
        show_default=False,
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help=(
            "Print exactly one JSON object per input, in order: input, valid, normalized, "
            "error, kind, region, class, usage, serial, vehicle_type."
        ),
    ),
    stdin_json: bool = typer.Option(
        False,
        "--stdin-json",
        help=(
            "Read stdin as one JSON string per line, so that spaces and control "
            "characters in a plate survive. Not combinable with TEXT."
        ),
    ),
) -> None:
    """Check plate numbers against the MOLIT plate grammar (exit 0 all valid, 1 any invalid)."""
    from safenet.plates import check as check_plate

    if texts and stdin_json:
        _usage_error("--stdin-json reads plates from stdin; do not also pass TEXT")
    if texts:
        inputs: Iterable[tuple[str, PlateCheck]] = ((t, check_plate(t)) for t in texts)
    else:
        stdin = typer.get_binary_stream("stdin")
        if stdin.isatty():
            _usage_error("no plate given: pass TEXT arguments or pipe one plate per line on stdin")
        inputs = _stdin_inputs(stdin, as_json_strings=stdin_json)

    if as_json:
        count, invalid = _print_json(inputs)
    else:
        count, invalid = _print_table(list(inputs))
    if count == 0:
        _usage_error("no plate given: stdin was empty")
    raise typer.Exit(1 if invalid else 0)


def _usage_error(message: str) -> NoReturn:
    """Exit 2, the status scripts read as "the call was wrong", not "a plate was"."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def _stdin_inputs(
    stream: Iterable[bytes], *, as_json_strings: bool
) -> Iterator[tuple[str, PlateCheck]]:
    """Each stdin line as (input, verdict); unreadable lines are invalid inputs, not crashes."""
    from safenet.plates import PlateCheck
    from safenet.plates import check as check_plate

    for number, raw in enumerate(stream, start=1):
        line = raw.removesuffix(b"\n").removesuffix(b"\r")
        try:
            # A byte-order mark is encoding metadata, not part of the first plate.
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            shown = line.decode("utf-8", errors="replace")
            yield shown, PlateCheck(False, None, f"line {number} is not valid UTF-8", None)
            continue
        if not as_json_strings:
            yield text, check_plate(text)
            continue
        try:
            value: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            reason = f"line {number} is not a JSON string: {exc.msg}"
            yield text, PlateCheck(False, None, reason, None)
            continue
        if not isinstance(value, str):
            reason = f"line {number} is not a JSON string (got {_json_type(value)})"
            yield text, PlateCheck(False, None, reason, None)
            continue
        yield value, check_plate(value)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "array" if isinstance(value, list) else "object"


def result_record(text: str, result: PlateCheck) -> dict[str, Any]:
    """The JSON object ``safenet plate check --json`` prints for one input."""
    plate = result.plate
    return {
        "input": text,
        "valid": result.valid,
        "normalized": result.normalized,
        "error": result.error,
        "kind": plate.kind.value if plate else None,
        "region": plate.region if plate else None,
        "class": plate.class_number if plate else None,
        "usage": plate.usage if plate else None,
        "serial": plate.serial if plate else None,
        "vehicle_type": plate.vehicle_type.value if plate else None,
    }


def _print_json(inputs: Iterable[tuple[str, PlateCheck]]) -> tuple[int, int]:
    count = invalid = 0
    for text, result in inputs:
        count += 1
        invalid += not result.valid
        record = result_record(text, result)
        line = json.dumps(record, ensure_ascii=False)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate from --stdin-json cannot be written as UTF-8; escape it.
            line = json.dumps(record, ensure_ascii=True)
        typer.echo(line)
    return count, invalid


def _print_table(inputs: list[tuple[str, PlateCheck]]) -> tuple[int, int]:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if not inputs:
        return 0, 0
    table = Table(show_lines=False)
    for header in (
        "#",
        "입력 input",
        "판정",
        "번호판 plate",
        "종류 kind",
        "차종 vehicle",
        "사유 error",
    ):
        table.add_column(header, overflow="fold")
    invalid = 0
    for number, (text, result) in enumerate(inputs, start=1):
        plate = result.plate
        if plate is None:
            invalid += 1
            table.add_row(
                str(number),
                Text(printable(text)),
                Text("무효 invalid", style="bold red"),
                "",
                "",
                "",
                Text(result.error or ""),
            )
            continue
        kind = plate.kind.value
        vehicle = plate.vehicle_type.value
        table.add_row(
            str(number),
            Text(printable(text)),
            Text("유효 valid", style="bold green"),
            Text(plate.display),
            Text(f"{KIND_LABELS[kind]} {kind}"),
            Text(f"{VEHICLE_LABELS[vehicle]} {vehicle}"),
            "",
        )
    console = Console(highlight=False, soft_wrap=False)
    console.print(table)
    valid = len(inputs) - invalid
    summary = f"{len(inputs)}건 중 유효 {valid}건, 무효 {invalid}건"
    console.print(Text(f"{summary} ({valid} valid, {invalid} invalid)"))
    return len(inputs), invalid


def printable(text: str) -> str:
    """The input as a terminal may show it: control and unprintable characters escaped."""
    out: list[str] = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)
