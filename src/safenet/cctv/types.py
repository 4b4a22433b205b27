"""The camera registry's domain types: sites and cameras as a center's files describe them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from safenet.cctv.ids import camera_id


class Layout(StrEnum):
    """Which published layout of 전국CCTV표준데이터 a file follows."""

    STANDARD_2018 = "2018"  # 13 columns, 위도/경도, 설치년월
    STANDARD_2022 = "2022"  # WGS84위도/WGS84경도, 설치연월, often a leading 번호 column
    STANDARD_2025 = "2025"  # adds 개방자치단체코드, 관리번호 and three update-tracking columns


class SkipReason(StrEnum):
    """Why a row of a camera file was not imported."""

    FIELD_COUNT = "field-count"
    MISSING_AGENCY = "missing-agency"
    MISSING_CAMERA_COUNT = "missing-camera-count"
    BAD_CAMERA_COUNT = "bad-camera-count"
    MISSING_COORDINATES = "missing-coordinates"
    BAD_COORDINATES = "bad-coordinates"
    PLACEHOLDER_COORDINATES = "placeholder-coordinates"
    OUTSIDE_KOREA = "outside-korea"
    DUPLICATE = "duplicate"
    MISSING_FIELD = "missing-field"
    BAD_FIELD = "bad-field"


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row left out of an import, and why, so an operator can find and fix it.

    ``row_number`` is the line on which the row starts (the header is line 1); for a
    JSON file it is the 1-based position of the item in the list.
    """

    row_number: int
    reason: SkipReason
    detail: str

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.reason.value}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Camera:
    """One camera of a site, the unit a plate read and a hit refer to.

    ``heading`` is the direction the camera looks in degrees clockwise from north,
    or ``None`` when the source says nothing usable (the national data gives only
    free text in 촬영방면정보, kept as ``view_direction``).
    """

    camera_id: str
    site_id: str
    index: int
    lat: float
    lon: float
    heading: float | None
    purpose: str | None
    view_direction: str | None
    retention_days: int | None


@dataclass(frozen=True, slots=True)
class CameraSite:
    """A CCTV installation as one row of 전국CCTV표준데이터 lists it: a place with N cameras.

    ``resolution`` is 카메라화소수 as published, in units of ten thousand pixels
    (200 means 2 megapixels). ``installed`` is 설치년월 / 설치연월 as raw text: the
    source files carry spreadsheet-damaged values, so it is kept but never trusted.
    """

    site_id: str
    row_number: int
    agency: str
    road_address: str | None
    lot_address: str | None
    purpose: str | None
    camera_count: int
    resolution: int | None
    view_direction: str | None
    retention_days: int | None
    installed: str | None
    lat: float
    lon: float
    data_date: date | None
    local_gov_code: str | None = None
    management_no: str | None = None

    def cameras(self) -> list[Camera]:
        """The site's cameras, numbered 1..camera_count, each with a stable id."""
        return [
            Camera(
                camera_id=camera_id(self.site_id, index),
                site_id=self.site_id,
                index=index,
                lat=self.lat,
                lon=self.lon,
                heading=None,
                purpose=self.purpose,
                view_direction=self.view_direction,
                retention_days=self.retention_days,
            )
            for index in range(1, self.camera_count + 1)
        ]


def _reason_counts(skipped: list[SkippedRow]) -> dict[SkipReason, int]:
    counts = Counter(row.reason for row in skipped)
    return {reason: counts[reason] for reason in SkipReason if counts[reason]}


@dataclass(slots=True)
class ImportResult:
    """What one national-standard camera file yielded: sites, cameras and skipped rows."""

    source: str
    layout: Layout
    encoding: str
    rows_read: int
    sites: list[CameraSite] = field(default_factory=list)
    cameras: list[Camera] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()

    @property
    def skipped_by_reason(self) -> dict[SkipReason, int]:
        """How many rows were skipped for each reason (reasons with none left out)."""
        return _reason_counts(self.skipped)

    def summary(self) -> str:
        """One line for the import's output: what was read, imported and skipped."""
        reasons = ", ".join(f"{r.value} {n:,}" for r, n in self.skipped_by_reason.items())
        skipped = f"{len(self.skipped):,} skipped" + (f" ({reasons})" if reasons else "")
        return (
            f"{self.source}: layout {self.layout.value}, {self.encoding}; "
            f"{self.rows_read:,} rows: {len(self.sites):,} sites, "
            f"{len(self.cameras):,} cameras imported, {skipped}"
        )


@dataclass(frozen=True, slots=True)
class LprCamera:
    """A plate-recognition camera from the center's own list, with its id and heading.

    ``heading`` is degrees clockwise from north in [0, 360); ``site`` groups cameras
    that stand together (an intersection, a gate) and may be absent.
    """

    camera_id: str
    lat: float
    lon: float
    heading: float | None
    site: str | None
    name: str | None
    address: str | None
    row_number: int


@dataclass(slots=True)
class LprImportResult:
    """What one LPR camera file yielded: cameras and skipped rows."""

    source: str
    format: str
    encoding: str
    rows_read: int
    cameras: list[LprCamera] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def skipped_by_reason(self) -> dict[SkipReason, int]:
        """How many rows were skipped for each reason (reasons with none left out)."""
        return _reason_counts(self.skipped)

    def summary(self) -> str:
        """One line for the import's output: what was read, imported and skipped."""
        reasons = ", ".join(f"{r.value} {n:,}" for r, n in self.skipped_by_reason.items())
        skipped = f"{len(self.skipped):,} skipped" + (f" ({reasons})" if reasons else "")
        return (
            f"{self.source}: LPR {self.format}, {self.encoding}; {self.rows_read:,} rows: "
            f"{len(self.cameras):,} cameras imported, {skipped}"
        )
