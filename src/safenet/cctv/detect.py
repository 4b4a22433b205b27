"""Which kind of camera file a path holds: national standard data or an LPR camera list."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

from safenet.cctv.encoding import decode
from safenet.cctv.errors import CameraFileError
from safenet.cctv.layouts import clean_column_name
from safenet.cctv.lpr import parse_lpr_csv, parse_lpr_json
from safenet.cctv.standard import parse_standard_text
from safenet.cctv.types import ImportResult, LprImportResult

FileKind = Literal["standard", "lpr-csv", "lpr-json"]


def detect_kind(path: Path, text: str) -> FileKind:
    """The parser a camera file needs: ``lpr-json``, ``lpr-csv`` or ``standard``.

    JSON is an LPR list; a CSV is one when its header has ``camera_id``. Anything else
    goes to the standard parser, which names the columns missing if it is not that either.
    """
    if path.suffix.lower() == ".json" or text.lstrip("\ufeff \t\r\n").startswith("["):
        return "lpr-json"
    try:
        header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")), [])
    except csv.Error:
        return "standard"  # the standard parser reports the unreadable header
    names = {clean_column_name(cell).lower() for cell in header}
    return "lpr-csv" if "camera_id" in names else "standard"


def read_camera_file(
    path: Path | str, *, keep_repeated_rows: bool = False
) -> ImportResult | LprImportResult:
    """The cameras in any supported camera file, read by the parser its content calls for."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CameraFileError(str(file), f"cannot be read ({exc.strerror})") from exc
    text, encoding = decode(data, str(file))
    kind = detect_kind(file, text)
    if kind == "lpr-json":
        return parse_lpr_json(text, source=str(file), encoding=encoding)
    if kind == "lpr-csv":
        return parse_lpr_csv(text, source=str(file), encoding=encoding)
    return parse_standard_text(
        text, source=str(file), encoding=encoding, keep_repeated_rows=keep_repeated_rows
    )
