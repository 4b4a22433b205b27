"""The published layouts of 전국CCTV표준데이터 and how a file's header says which one it is.

Columns are found by name, never by position: the layouts reorder and rename them
(위도 → WGS84위도, 설치년월 → 설치연월), some files start with a 번호 column, and the
2025–26 layout adds 개방자치단체코드, 관리번호 and three update-tracking columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from safenet.cctv.errors import CameraFileError
from safenet.cctv.types import Layout

# Each field the parser reads, with every name a published layout has used for it.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "agency": ("관리기관명",),
    "road_address": ("소재지도로명주소",),
    "lot_address": ("소재지지번주소",),
    "purpose": ("설치목적구분",),
    "camera_count": ("카메라대수",),
    "resolution": ("카메라화소수",),
    "view_direction": ("촬영방면정보",),
    "retention_days": ("보관일수",),
    "installed": ("설치년월", "설치연월"),
    "lat": ("위도", "WGS84위도"),
    "lon": ("경도", "WGS84경도"),
    "data_date": ("데이터기준일자",),
}

# Columns some layouts carry; recognised so that they are not reported as unknown.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "row_no": ("번호",),
    "phone": ("관리기관전화번호",),
    "local_gov_code": ("개방자치단체코드",),
    "management_no": ("관리번호",),
    "update_kind": ("데이터갱신구분",),
    "update_time": ("데이터갱신시점",),
    "modified_time": ("최종수정시점",),
}

_NAME_TO_FIELD = {
    name: key
    for table in (REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    for key, names in table.items()
    for name in names
}

_SPACE = re.compile(r"[\s\ufeff]+")


def clean_column_name(name: str) -> str:
    """A header cell with BOMs and all spaces removed (``' WGS84 위도'`` → ``'WGS84위도'``)."""
    return _SPACE.sub("", name)


@dataclass(frozen=True, slots=True)
class Header:
    """Where each field sits in a file of a given layout."""

    layout: Layout
    columns: dict[str, int]
    width: int
    names: dict[str, str]
    ignored: tuple[str, ...] = ()

    def column_name(self, key: str) -> str:
        """The column's name as this file spells it, for messages (``WGS84위도``)."""
        return self.names[key]


def detect_layout(cells: list[str], source: str) -> Header:
    """The layout a header row belongs to, or an error naming the columns that are missing."""
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for index, raw in enumerate(cells):
        name = clean_column_name(raw)
        key = _NAME_TO_FIELD.get(name)
        if key is None:
            if name:
                ignored.append(name)
            continue
        if key in columns:
            raise CameraFileError(
                source,
                f"the header has column {names[key]!r} twice "
                f"(columns {columns[key] + 1} and {index + 1}, the second as {name!r})",
            )
        columns[key] = index
        names[key] = name

    missing = [" or ".join(alts) for key, alts in REQUIRED_COLUMNS.items() if key not in columns]
    if missing:
        found = ", ".join(clean_column_name(c) for c in cells) or "nothing"
        raise CameraFileError(
            source,
            "the header matches no 전국CCTV표준데이터 layout: expected columns missing: "
            f"{', '.join(missing)} (the header has: {found})",
        )
    return Header(
        layout=_layout_of(names),
        columns=columns,
        width=len(cells),
        names=names,
        ignored=tuple(ignored),
    )


def _layout_of(names: dict[str, str]) -> Layout:
    if "management_no" in names or "local_gov_code" in names:
        return Layout.STANDARD_2025
    if names["lat"].startswith("WGS84") or names["installed"] == "설치연월":
        return Layout.STANDARD_2022
    return Layout.STANDARD_2018
