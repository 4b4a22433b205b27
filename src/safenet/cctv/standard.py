"""Reading 전국CCTV표준데이터 files into camera sites, each bad row skipped with its reason.

The reader never raises for a row: a row with placeholder or foreign coordinates,
a missing agency or camera count, the wrong number of fields, or a repeat of a
row already imported becomes a :class:`SkippedRow` and the rest of the file
imports. Only a file that is unusable as a whole raises :class:`CameraFileError`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from safenet.cctv.encoding import UTF8, decode
from safenet.cctv.errors import CameraFileError
from safenet.cctv.ids import (
    content_site_id,
    is_management_id,
    management_site_id,
    repeated_site_id,
)
from safenet.cctv.layouts import Header, detect_layout
from safenet.cctv.types import CameraSite, ImportResult, SkippedRow, SkipReason
from safenet.cctv.values import (
    RowProblem,
    clean_text,
    parse_coordinates,
    parse_optional_count,
    parse_positive_int,
)

if TYPE_CHECKING:
    from _csv import Reader

# Columns that say nothing about the installation itself: two rows that differ only
# here describe the same site.
_BOOKKEEPING = frozenset(
    {"row_no", "phone", "data_date", "update_kind", "update_time", "modified_time"}
)

# 데이터기준일자 as 2018-02-20, 2018.02.20, 20180220, optionally with a time after it.
_DATE = re.compile(r"(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})(?:[ T].*)?")


def read_standard_file(path: Path | str, *, keep_repeated_rows: bool = False) -> ImportResult:
    """Every site and camera in a 전국CCTV표준데이터 file (UTF-8 or CP949, any layout)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CameraFileError(str(file), f"cannot be read ({exc.strerror})") from exc
    return parse_standard_bytes(data, source=str(file), keep_repeated_rows=keep_repeated_rows)


def parse_standard_bytes(
    data: bytes, *, source: str = "<bytes>", keep_repeated_rows: bool = False
) -> ImportResult:
    """Every site and camera in the bytes of a 전국CCTV표준데이터 file."""
    text, encoding = decode(data, source)
    return parse_standard_text(
        text, source=source, encoding=encoding, keep_repeated_rows=keep_repeated_rows
    )


def parse_standard_text(
    text: str,
    *,
    source: str = "<text>",
    encoding: str = UTF8,
    keep_repeated_rows: bool = False,
) -> ImportResult:
    """Every site and camera in the text of a 전국CCTV표준데이터 file.

    A row whose installation fields repeat an imported row's (see
    :mod:`safenet.cctv.ids`) is skipped as a duplicate naming that row,
    unless ``keep_repeated_rows`` is set: then each copy becomes a site of its own
    (``…-r2``, ``…-r3``), for publishers that list several identical poles at one
    address as separate rows. A repeated 관리번호 is always a duplicate.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header, line = _read_header(reader, source)
    result = ImportResult(
        source=source,
        layout=header.layout,
        encoding=encoding,
        rows_read=0,
        ignored_columns=header.ignored,
    )
    first_seen: dict[str, tuple[int, list[str]]] = {}
    copies: dict[str, int] = {}
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            result.rows_read += 1
            result.skipped.append(SkippedRow(start, SkipReason.BAD_FIELD, f"unreadable: {exc}"))
            continue
        line = reader.line_num
        if not cells:
            continue  # an empty line is not a row
        result.rows_read += 1
        try:
            site = _site_from_row(cells, header, start, line)
        except RowProblem as problem:
            result.skipped.append(SkippedRow(start, problem.reason, problem.detail))
            continue
        earlier = first_seen.get(site.site_id)
        if earlier is None:
            first_seen[site.site_id] = (start, cells)
        elif keep_repeated_rows and not is_management_id(site.site_id):
            copies[site.site_id] = copies.get(site.site_id, 1) + 1
            site = replace(site, site_id=repeated_site_id(site.site_id, copies[site.site_id]))
        else:
            detail = _duplicate_detail(header, site, earlier, cells)
            result.skipped.append(SkippedRow(start, SkipReason.DUPLICATE, detail))
            continue
        result.sites.append(site)
        result.cameras.extend(site.cameras())
    return result


def _read_header(reader: Reader, source: str) -> tuple[Header, int]:
    try:
        for cells in reader:
            if cells:
                return detect_layout(cells, source), reader.line_num
    except csv.Error as exc:
        raise CameraFileError(source, f"the header cannot be read as CSV ({exc})") from exc
    raise CameraFileError(source, "is empty: no header row")


def _site_from_row(cells: list[str], header: Header, start: int, end: int) -> CameraSite:
    _check_width(cells, header, start, end)

    def cell(key: str) -> str:
        return cells[header.columns[key]]

    def optional(key: str) -> str | None:
        return clean_text(cell(key)) if key in header.columns else None

    agency = clean_text(cell("agency"))
    if agency is None:
        raise RowProblem(SkipReason.MISSING_AGENCY, f"{header.column_name('agency')} is empty")
    camera_count = parse_positive_int(cell("camera_count"), header.column_name("camera_count"))
    lat, lon = parse_coordinates(
        cell("lat"), cell("lon"), header.column_name("lat"), header.column_name("lon")
    )
    road_address = clean_text(cell("road_address"))
    lot_address = clean_text(cell("lot_address"))
    purpose = clean_text(cell("purpose"))
    resolution = parse_optional_count(cell("resolution"))
    view_direction = clean_text(cell("view_direction"))
    retention_days = parse_optional_count(cell("retention_days"))
    installed = clean_text(cell("installed"))
    local_gov_code = optional("local_gov_code")
    management_no = optional("management_no")

    site_id = None
    if management_no is not None:
        site_id = management_site_id(local_gov_code, management_no)
    if site_id is None:
        site_id = content_site_id(
            agency=agency,
            road_address=road_address,
            lot_address=lot_address,
            purpose=purpose,
            camera_count=camera_count,
            resolution=resolution,
            view_direction=view_direction,
            retention_days=retention_days,
            installed=installed,
            lat=lat,
            lon=lon,
        )
    return CameraSite(
        site_id=site_id,
        row_number=start,
        agency=agency,
        road_address=road_address,
        lot_address=lot_address,
        purpose=purpose,
        camera_count=camera_count,
        resolution=resolution,
        view_direction=view_direction,
        retention_days=retention_days,
        installed=installed,
        lat=lat,
        lon=lon,
        data_date=_parse_date(cell("data_date")),
        local_gov_code=local_gov_code,
        management_no=management_no,
    )


def _check_width(cells: list[str], header: Header, start: int, end: int) -> None:
    extra = cells[header.width :]
    if len(cells) >= header.width and not any(c.strip() for c in extra):
        return
    span = f"; the row runs over lines {start}–{end}, an unclosed quote?" if end > start else ""
    raise RowProblem(
        SkipReason.FIELD_COUNT,
        f"has {len(cells)} fields, the header has {header.width}{span}",
    )


def _parse_date(value: str) -> date | None:
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _duplicate_detail(
    header: Header, site: CameraSite, earlier: tuple[int, list[str]], cells: list[str]
) -> str:
    first_row, first_cells = earlier
    if is_management_id(site.site_id):
        name = header.column_name("management_no")
        return f"{name} {site.management_no} repeats row {first_row}"
    differing = [
        key
        for key, index in header.columns.items()
        if key != "row_no" and first_cells[index] != cells[index]
    ]
    if not differing:
        return f"repeats row {first_row} exactly"
    names = ", ".join(header.column_name(key) for key in differing)
    if all(key in _BOOKKEEPING for key in differing):
        return f"repeats row {first_row}, differing only in {names}"
    # The site fields differ only in form: spacing, number format, 0 vs blank for unknown.
    return f"repeats row {first_row} (only the form of {names} differs)"
