"""The camera registry: the four real national files, idempotent upserts, district filter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from safenet.center.cameras import CameraRegistry
from safenet.center.registry import import_camera_file
from safenet.center.tables import cameras, installations
from safenet.store import Database, migrate, open_database

CCTV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cctv"

# file: (sites, cameras, skipped rows) as docs/cameras.md gives them.
REAL_FILES = {
    "seoul_2018_cctv_standard.csv": (19_735, 37_467, 1_386),
    "seoul_gangnam_2019_cctv_standard.csv": (1_879, 5_300, 1),
    "busan_2024_cctv_standard.csv": (13_060, 17_453, 2_677),
    "daejeon_2026_cctv_standard.csv": (9_037, 15_394, 0),
}


@pytest.fixture
def db(db_url: str) -> Database:
    database = open_database(db_url)
    migrate(database, "center")
    yield database  # type: ignore[misc]
    database.dispose()


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        return (
            conn.execute(sa.select(sa.func.count()).select_from(installations)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(cameras)).scalar_one(),
        )


def test_all_four_real_files_import_with_the_right_counts(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    total_sites = total_cameras = 0
    for name, (sites, cams, skipped) in REAL_FILES.items():
        report = import_camera_file(db, CCTV / name)
        assert (report.sites.new, report.cameras.new, len(report.skipped)) == (
            sites,
            cams,
            skipped,
        ), name
        assert all(row.reason and row.detail for row in report.skipped)
        total_sites += sites
        total_cameras += cams
    # Gangnam 2019 and Seoul 2018 share no site id, so the totals simply add up.
    assert _counts(db) == (total_sites, total_cameras)
    again = import_camera_file(db, CCTV / "busan_2024_cctv_standard.csv")
    assert not again.changed
    assert "nothing changed" in "\n".join(again.lines())
    db.dispose()


def test_a_second_import_changes_nothing(db: Database) -> None:
    first = import_camera_file(db, CCTV / "seoul_gangnam_2019_cctv_standard.csv")
    assert first.changed
    second = import_camera_file(db, CCTV / "seoul_gangnam_2019_cctv_standard.csv")
    assert (second.sites.new, second.sites.updated, second.sites.unchanged) == (0, 0, 1_879)
    assert (second.cameras.new, second.cameras.updated) == (0, 0)
    assert not second.changed
    assert _counts(db) == (1_879, 5_300)


def test_the_agency_filter_keeps_one_district(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    report = import_camera_file(db, CCTV / "seoul_2018_cctv_standard.csv", agencies=["서초구"])
    with db.read() as conn:
        agencies = set(conn.execute(sa.select(installations.c.agency).distinct()).scalars())
    assert agencies
    assert all("서초구" in a for a in agencies)
    assert report.kept_sites == report.sites.new > 0
    assert report.filtered_out == 19_735 - report.kept_sites
    assert "서초구" in report.lines()[1]
    db.dispose()


def test_an_lpr_list_changes_and_retires(tmp_path: Path, sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    path = tmp_path / "lpr.json"
    rows = [
        {"camera_id": "EP-1", "lat": 37.60, "lon": 126.93, "heading": 90},
        {"camera_id": "EP-2", "lat": 37.61, "lon": 126.93},
    ]
    path.write_text(json.dumps(rows))
    assert import_camera_file(db, path).cameras.new == 2
    rows[0]["heading"] = 180
    path.write_text(json.dumps(rows[:1]))
    report = import_camera_file(db, path, retire_missing=True)
    assert (report.cameras.updated, report.cameras.retired) == (1, 1)
    registry = CameraRegistry(db)
    assert registry.load() == 1
    info = registry.get("EP-1")
    assert info is not None
    assert info.heading == 180
    assert registry.get("EP-2") is None
    db.dispose()
