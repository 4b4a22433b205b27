"""How one cell of a camera file becomes a value, or why its row cannot be imported."""

from __future__ import annotations

import math
import re

from safenet.cctv.types import SkipReason

# The box around South Korea and its islands: 마라도 33.11 … 고성 38.6 north,
# 백령도 124.6 … 독도 131.87 east. A camera outside it has wrong coordinates.
KOREA_LAT = (33.0, 38.7)
KOREA_LON = (124.5, 131.9)

# Values agencies type when they do not know where a camera is.
PLACEHOLDER_VALUES = frozenset({99.999999, 999.999999})

_SPACES = re.compile(r"\s+")


class RowProblem(Exception):
    """Why one row is skipped; caught by the parser and turned into a SkippedRow."""

    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def clean_text(value: str) -> str | None:
    """A cell with its whitespace collapsed to single spaces; ``None`` when blank.

    Collapsing keeps a site's id the same when a publisher re-saves a file with a
    trailing space or a line break inside a quoted cell.
    """
    text = _SPACES.sub(" ", value).strip()
    return text or None


def parse_positive_int(value: str, column: str) -> int:
    """A count that must be a whole number above zero (카메라대수)."""
    text = value.strip()
    if not text:
        raise RowProblem(SkipReason.MISSING_CAMERA_COUNT, f"{column} is empty")
    if not text.isascii() or not text.isdigit() or int(text) <= 0:
        raise RowProblem(
            SkipReason.BAD_CAMERA_COUNT, f"{column} {text!r} is not a positive integer"
        )
    return int(text)


def parse_optional_count(value: str) -> int | None:
    """An optional positive whole number (카메라화소수, 보관일수); blank, 0 or text is unknown.

    Busan writes ``0`` for "not known" in both columns, and no camera has zero pixels
    or keeps footage for zero days, so 0 is read as unknown rather than as a value.
    """
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number or None


def parse_coordinates(
    lat_text: str, lon_text: str, lat_column: str, lon_column: str
) -> tuple[float, float]:
    """A WGS84 point inside Korea, or the reason the row's coordinates cannot be used."""
    lat_raw, lon_raw = lat_text.strip(), lon_text.strip()
    empty = [name for name, raw in ((lat_column, lat_raw), (lon_column, lon_raw)) if not raw]
    if empty:
        raise RowProblem(SkipReason.MISSING_COORDINATES, f"{' and '.join(empty)} empty")
    lat = _parse_degrees(lat_raw, lat_column)
    lon = _parse_degrees(lon_raw, lon_column)
    shown = f"{lat_column} {lat_raw} / {lon_column} {lon_raw}"
    if round(lat, 6) in PLACEHOLDER_VALUES or round(lon, 6) in PLACEHOLDER_VALUES:
        raise RowProblem(SkipReason.PLACEHOLDER_COORDINATES, f"{shown} is a placeholder")
    if lat == 0 and lon == 0:
        raise RowProblem(SkipReason.PLACEHOLDER_COORDINATES, f"{shown} is a placeholder (0, 0)")
    if not in_korea(lat, lon):
        hint = " (latitude and longitude look swapped)" if in_korea(lon, lat) else ""
        raise RowProblem(
            SkipReason.OUTSIDE_KOREA,
            f"{shown} is outside Korea (lat {KOREA_LAT[0]}–{KOREA_LAT[1]}, "
            f"lon {KOREA_LON[0]}–{KOREA_LON[1]}){hint}",
        )
    return lat, lon


def in_korea(lat: float, lon: float) -> bool:
    """Whether a point lies in the box that holds South Korea and its islands."""
    return KOREA_LAT[0] <= lat <= KOREA_LAT[1] and KOREA_LON[0] <= lon <= KOREA_LON[1]


def _parse_degrees(raw: str, column: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise RowProblem(SkipReason.BAD_COORDINATES, f"{column} {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise RowProblem(SkipReason.BAD_COORDINATES, f"{column} {raw!r} is not a finite number")
    return value
