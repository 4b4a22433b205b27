"""Reading a center's own list of plate-recognition cameras, with ids and headings.

The format is a JSON list of objects or a CSV file with the columns ``camera_id``,
``lat``, ``lon`` (required) and ``heading``, ``site``, ``name``, ``address``
(optional). Each row is checked on its own: a bad row is skipped with the field
and the reason, the rest import.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

from safenet.cctv.encoding import UTF8, decode
from safenet.cctv.errors import CameraFileError
from safenet.cctv.layouts import clean_column_name
from safenet.cctv.types import LprCamera, LprImportResult, SkippedRow, SkipReason
from safenet.cctv.values import RowProblem, clean_text, parse_coordinates

REQUIRED_FIELDS = ("camera_id", "lat", "lon")
OPTIONAL_FIELDS = ("heading", "site", "name", "address")
LPR_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

# Ids travel in link subjects and URLs, where dots, spaces and wildcards break routing.
_CAMERA_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def read_lpr_file(path: Path | str) -> LprImportResult:
    """Every camera in an LPR camera file: ``.json`` is read as JSON, anything else as CSV."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CameraFileError(str(file), f"cannot be read ({exc.strerror})") from exc
    text, encoding = decode(data, str(file))
    if file.suffix.lower() == ".json":
        return parse_lpr_json(text, source=str(file), encoding=encoding)
    return parse_lpr_csv(text, source=str(file), encoding=encoding)


def parse_lpr_json(text: str, *, source: str = "<json>", encoding: str = UTF8) -> LprImportResult:
    """Every camera in a JSON list of camera objects; row numbers are 1-based list positions."""
    try:
        document = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise CameraFileError(
            source, f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    if not isinstance(document, list):
        raise CameraFileError(
            source, f"must hold a JSON list of camera objects, not a {type(document).__name__}"
        )
    records: list[tuple[int, object]] = list(enumerate(document, start=1))
    return _collect(records, LprImportResult(source, "json", encoding, rows_read=len(records)))


def parse_lpr_csv(text: str, *, source: str = "<csv>", encoding: str = UTF8) -> LprImportResult:
    """Every camera in a CSV camera list; row numbers are line numbers (the header is 1)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [clean_column_name(cell).lower() for cell in next(reader)]
    except StopIteration:
        raise CameraFileError(source, "is empty: no header row") from None
    except csv.Error as exc:
        raise CameraFileError(source, f"the header cannot be read as CSV ({exc})") from exc
    _check_csv_header(header, source)
    records: list[tuple[int, object]] = []
    result = LprImportResult(source, "csv", encoding, rows_read=0)
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            result.skipped.append(SkippedRow(start, SkipReason.BAD_FIELD, f"unreadable: {exc}"))
            continue
        line = reader.line_num
        if not cells:
            continue
        if len(cells) != len(header):
            detail = f"has {len(cells)} fields, the header has {len(header)}"
            result.skipped.append(SkippedRow(start, SkipReason.FIELD_COUNT, detail))
            continue
        records.append((start, {name: value for name, value in zip(header, cells, strict=True)}))
    result.rows_read = len(records) + len(result.skipped)
    return _collect(records, result)


def _check_csv_header(header: list[str], source: str) -> None:
    unknown = [name for name in header if name not in LPR_FIELDS]
    missing = [name for name in REQUIRED_FIELDS if name not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"required columns missing: {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    if repeated:
        problems.append(f"columns given twice: {', '.join(repeated)}")
    if problems:
        raise CameraFileError(
            source,
            f"is not an LPR camera list ({'; '.join(problems)}); "
            f"the columns are {', '.join(LPR_FIELDS)}",
        )


def _collect(records: list[tuple[int, object]], result: LprImportResult) -> LprImportResult:
    first_seen: dict[str, int] = {}
    for row_number, record in records:
        try:
            camera = _camera_from_record(record, row_number)
        except RowProblem as problem:
            result.skipped.append(SkippedRow(row_number, problem.reason, problem.detail))
            continue
        earlier = first_seen.setdefault(camera.camera_id, row_number)
        if earlier != row_number:
            detail = f"camera_id {camera.camera_id} repeats row {earlier}"
            result.skipped.append(SkippedRow(row_number, SkipReason.DUPLICATE, detail))
            continue
        result.cameras.append(camera)
    result.skipped.sort(key=lambda skipped: skipped.row_number)
    return result


def _camera_from_record(record: object, row_number: int) -> LprCamera:
    if not isinstance(record, dict):
        kind = type(record).__name__
        raise RowProblem(SkipReason.BAD_FIELD, f"the item is a JSON {kind}, not an object")
    unknown = [str(key) for key in record if key not in LPR_FIELDS]
    if unknown:
        names = ", ".join(map(repr, unknown))
        known = ", ".join(LPR_FIELDS)
        raise RowProblem(SkipReason.BAD_FIELD, f"unknown field {names} (the fields are {known})")
    camera_id = _camera_id(record.get("camera_id"))
    lat, lon = parse_coordinates(
        _number_text(record.get("lat"), "lat"), _number_text(record.get("lon"), "lon"), "lat", "lon"
    )
    return LprCamera(
        camera_id=camera_id,
        lat=lat,
        lon=lon,
        heading=_heading(record.get("heading")),
        site=_optional_text(record.get("site"), "site", allow_int=True),
        name=_optional_text(record.get("name"), "name"),
        address=_optional_text(record.get("address"), "address"),
        row_number=row_number,
    )


def _camera_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RowProblem(SkipReason.MISSING_FIELD, "camera_id is missing")
    if not isinstance(value, str):
        raise RowProblem(SkipReason.BAD_FIELD, f"camera_id {value!r} is not text")
    text = value.strip()
    if not _CAMERA_ID.fullmatch(text):
        raise RowProblem(
            SkipReason.BAD_FIELD,
            f"camera_id {text!r} must be 1–64 letters, digits, '-' or '_'",
        )
    return text


def _number_text(value: object, name: str) -> str:
    """A coordinate as text for the shared coordinate check (blank when absent)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RowProblem(SkipReason.BAD_COORDINATES, f"{name} {value!r} is not a number")
    return str(value)


def _heading(value: object) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RowProblem(SkipReason.BAD_FIELD, f"heading {value!r} is not a number")
    try:
        degrees = float(value)
    except ValueError:
        raise RowProblem(SkipReason.BAD_FIELD, f"heading {value!r} is not a number") from None
    if not math.isfinite(degrees) or not 0 <= degrees <= 360:
        raise RowProblem(
            SkipReason.BAD_FIELD, f"heading {value!r} is not between 0 and 360 degrees"
        )
    return degrees % 360


def _optional_text(value: object, name: str, *, allow_int: bool = False) -> str | None:
    if value is None:
        return None
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RowProblem(SkipReason.BAD_FIELD, f"{name} {value!r} is not text")
    return clean_text(value)
