"""The four real 전국CCTV표준데이터 files import with the counts verified by hand.

The figures were checked against an independent count (a plain ``csv`` script
over the same files) and against /work/shared/data/README.md: rows and cameras
before skipping match the README exactly (Seoul 21,121 / 39,106, 은평구 978 / 2,478,
서초구 905 / 2,254, 강남 2019 1,880 / 5,301, Busan 15,737 / 20,526, Daejeon
9,037 / 15,394); the skips are what this importer adds.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from safenet.cctv import (
    ImportResult,
    Layout,
    SkipReason,
    read_camera_file,
    read_standard_file,
)
from safenet.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def cctv_dir() -> Path:
    """The machine's CCTV data folder; its absence is a set-up fault, so the test fails."""
    data_dir = Settings().data_dir
    if not data_dir.is_absolute():
        data_dir = ROOT / data_dir
    folder = (data_dir / "cctv").resolve()
    if not folder.is_dir():
        pytest.fail(
            f"the CCTV data folder {folder} is missing: it is part of this machine's set-up "
            "(see /work/shared/data/README.md); set SAFENET_DATA_DIR if it lives elsewhere"
        )
    return folder


@dataclass(frozen=True)
class Expected:
    file: str
    layout: Layout
    rows: int
    sites: int
    cameras: int
    skipped: dict[SkipReason, int]
    # With keep_repeated_rows=True the duplicates become sites of their own.
    sites_keeping_repeats: int
    cameras_keeping_repeats: int


EXPECTED = [
    Expected(
        "seoul_2018_cctv_standard.csv",
        Layout.STANDARD_2018,
        rows=21_121,
        sites=19_735,
        cameras=37_467,
        skipped={
            SkipReason.PLACEHOLDER_COORDINATES: 681,
            SkipReason.OUTSIDE_KOREA: 3,
            SkipReason.DUPLICATE: 702,
        },
        sites_keeping_repeats=20_437,
        cameras_keeping_repeats=38_171,
    ),
    Expected(
        "seoul_gangnam_2019_cctv_standard.csv",
        Layout.STANDARD_2018,
        rows=1_880,
        sites=1_879,
        cameras=5_300,
        skipped={SkipReason.DUPLICATE: 1},
        sites_keeping_repeats=1_880,
        cameras_keeping_repeats=5_301,
    ),
    Expected(
        "busan_2024_cctv_standard.csv",
        Layout.STANDARD_2022,
        rows=15_737,
        sites=13_060,
        cameras=17_453,
        skipped={
            SkipReason.PLACEHOLDER_COORDINATES: 1,
            SkipReason.OUTSIDE_KOREA: 1,
            SkipReason.DUPLICATE: 2_675,
        },
        sites_keeping_repeats=15_735,
        cameras_keeping_repeats=20_524,
    ),
    Expected(
        "daejeon_2026_cctv_standard.csv",
        Layout.STANDARD_2025,
        rows=9_037,
        sites=9_037,
        cameras=15_394,
        skipped={},
        sites_keeping_repeats=9_037,
        cameras_keeping_repeats=15_394,
    ),
]

_cache: dict[tuple[str, bool], ImportResult] = {}


def imported(file: str, *, keep_repeated_rows: bool = False) -> ImportResult:
    key = (file, keep_repeated_rows)
    if key not in _cache:
        _cache[key] = read_standard_file(cctv_dir() / file, keep_repeated_rows=keep_repeated_rows)
    return _cache[key]


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.file.split("_cctv")[0])
def test_real_file_imports_with_the_verified_counts(expected: Expected) -> None:
    result = imported(expected.file)
    assert result.layout is expected.layout
    assert result.encoding == "utf-8"
    assert result.rows_read == expected.rows
    assert len(result.sites) == expected.sites
    assert len(result.cameras) == expected.cameras
    assert result.skipped_by_reason == expected.skipped
    assert result.ignored_columns == ()


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.file.split("_cctv")[0])
def test_every_row_is_imported_or_skipped_with_a_reason(expected: Expected) -> None:
    result = imported(expected.file)
    imported_rows = {site.row_number for site in result.sites}
    skipped_rows = {row.row_number for row in result.skipped}
    assert not imported_rows & skipped_rows
    assert len(imported_rows) + len(skipped_rows) == expected.rows
    assert all(row.detail for row in result.skipped)
    assert min(imported_rows | skipped_rows) == 2


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.file.split("_cctv")[0])
def test_keeping_repeated_rows_turns_duplicates_into_sites(expected: Expected) -> None:
    result = imported(expected.file, keep_repeated_rows=True)
    assert len(result.sites) == expected.sites_keeping_repeats
    assert len(result.cameras) == expected.cameras_keeping_repeats
    assert SkipReason.DUPLICATE not in result.skipped_by_reason
    assert len({site.site_id for site in result.sites}) == len(result.sites)


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.file.split("_cctv")[0])
def test_importing_twice_gives_identical_ids(expected: Expected) -> None:
    first = imported(expected.file)
    again = read_standard_file(cctv_dir() / expected.file)
    assert [s.site_id for s in again.sites] == [s.site_id for s in first.sites]
    assert [c.camera_id for c in again.cameras] == [c.camera_id for c in first.cameras]
    assert len({c.camera_id for c in first.cameras}) == len(first.cameras)


def test_seoul_2018_skips_are_the_readme_quirks() -> None:
    result = imported("seoul_2018_cctv_standard.csv")
    placeholders = [r for r in result.skipped if r.reason is SkipReason.PLACEHOLDER_COORDINATES]
    assert all("99.999999" in r.detail and "999.999999" in r.detail for r in placeholders)
    outside = {r.row_number for r in result.skipped if r.reason is SkipReason.OUTSIDE_KOREA}
    assert outside == {11528, 11529, 19284}
    duplicate = next(r for r in result.skipped if r.reason is SkipReason.DUPLICATE)
    assert duplicate.row_number == 1054
    assert duplicate.detail == "repeats row 1053 exactly"
    # 설치년월 was damaged by Excel; it is kept as raw text, never parsed.
    assert result.sites[0].installed == "11-Dec"


def test_seoul_2018_pilot_districts() -> None:
    result = imported("seoul_2018_cctv_standard.csv")
    with (cctv_dir() / "seoul_2018_cctv_standard.csv").open(encoding="utf-8", newline="") as f:
        # No cell in this file spans lines, so record n starts on line n + 1.
        agency_of_line = {n: row["관리기관명"] for n, row in enumerate(csv.DictReader(f), start=2)}
    for agency, rows, sites, cameras in (
        ("서울특별시 은평구청", 978, 956, 2_454),
        ("서울특별시 서초구청", 905, 895, 2_244),
    ):
        kept = [s for s in result.sites if s.agency == agency]
        assert (len(kept), sum(s.camera_count for s in kept)) == (sites, cameras)
        skipped = [r for r in result.skipped if agency_of_line[r.row_number] == agency]
        assert len(kept) + len(skipped) == rows
        assert all(r.reason is not SkipReason.PLACEHOLDER_COORDINATES for r in skipped)


def test_busan_coordinates_and_unknown_values() -> None:
    result = imported("busan_2024_cctv_standard.csv")
    bad = {r.row_number: r.reason for r in result.skipped if r.reason is not SkipReason.DUPLICATE}
    assert bad == {
        6940: SkipReason.PLACEHOLDER_COORDINATES,
        14068: SkipReason.OUTSIDE_KOREA,
    }
    # Busan writes 0 for an unknown 카메라화소수 / 보관일수.
    assert sum(1 for s in result.sites if s.resolution is None) == 2_824
    assert sum(1 for s in result.sites if s.retention_days is None) == 877
    assert all(s.resolution != 0 and s.retention_days != 0 for s in result.sites)
    kinds = Counter(
        re.sub(r"^repeats row \d+", "", r.detail)
        for r in result.skipped
        if r.reason is SkipReason.DUPLICATE
    )
    assert kinds == {
        " exactly": 2_318,
        ", differing only in 데이터기준일자": 305,
        ", differing only in 관리기관전화번호": 52,
    }


def test_daejeon_current_layout_keeps_codes_and_line_numbers() -> None:
    result = imported("daejeon_2026_cctv_standard.csv")
    first = result.sites[0]
    assert first.site_id == "mn-3640000-202636400000800323"
    assert first.local_gov_code == "3640000"
    assert first.management_no == "202636400000800323"
    assert result.cameras[0].camera_id == "mn-3640000-202636400000800323-1"
    # 1,910 rows leave 카메라화소수 / 보관일수 / 설치연월 empty, as the standard allows.
    assert sum(1 for s in result.sites if s.resolution is None) == 1_910
    assert sum(1 for s in result.sites if s.installed is None) == 1_910
    # Six 촬영방면정보 cells hold a line break, so later rows start on later lines.
    by_row = {s.row_number: s for s in result.sites}
    assert by_row[1446].view_direction == "한국전통대전충청도앉은굿 보존회 앞"
    assert 1447 not in by_row
    assert result.sites[-1].row_number == 9_044


def test_any_file_reader_picks_the_standard_parser() -> None:
    result = read_camera_file(cctv_dir() / "seoul_gangnam_2019_cctv_standard.csv")
    assert isinstance(result, ImportResult)
    assert len(result.sites) == 1_879


@pytest.mark.parametrize(
    "file", ["seoul_gangnam_2019_cctv_standard.csv", "daejeon_2026_cctv_standard.csv"]
)
@pytest.mark.parametrize(("encoding", "prefix"), [("cp949", b""), ("utf-8-sig", b"\xef\xbb\xbf")])
def test_a_real_file_reads_the_same_in_cp949_and_with_a_bom(
    tmp_path: Path, file: str, encoding: str, prefix: bytes
) -> None:
    # The publishers' originals were CP949; the shared copies were converted to UTF-8.
    text = (cctv_dir() / file).read_text(encoding="utf-8")
    copy = tmp_path / file
    copy.write_bytes(prefix + text.encode("cp949" if encoding == "cp949" else "utf-8"))
    result = read_standard_file(copy)
    assert result.encoding == encoding
    assert result.sites == imported(file).sites
    assert result.skipped == imported(file).skipped


def test_a_missing_data_folder_fails_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SAFENET_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(pytest.fail.Exception, match="is missing"):
        cctv_dir()
