"""The center's own LPR camera list: explicit ids and headings, each row checked on its own."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from safenet.cctv import (
    CameraFileError,
    LprCamera,
    LprImportResult,
    SkipReason,
    parse_lpr_csv,
    parse_lpr_json,
    read_camera_file,
    read_lpr_file,
)

GOOD = {
    "camera_id": "EP-0101",
    "lat": 37.6027,
    "lon": 126.929,
    "heading": 90,
    "site": "은평로-녹번",
    "name": "녹번역 북측",
    "address": "서울특별시 은평구 은평로 195",
}


def json_result(*items: object) -> LprImportResult:
    return parse_lpr_json(json.dumps(list(items), ensure_ascii=False))


def test_a_json_list_becomes_cameras() -> None:
    result = json_result(GOOD, {"camera_id": "EP-0102", "lat": "37.61", "lon": "126.93"})
    assert result.skipped == []
    assert result.cameras == [
        LprCamera("EP-0101", 37.6027, 126.929, 90.0, "은평로-녹번", "녹번역 북측",
                  "서울특별시 은평구 은평로 195", 1),
        LprCamera("EP-0102", 37.61, 126.93, None, None, None, None, 2),
    ]  # fmt: skip
    assert (result.format, result.rows_read) == ("json", 2)


@pytest.mark.parametrize(
    ("changes", "reason", "detail"),
    [
        ({"camera_id": None}, SkipReason.MISSING_FIELD, "camera_id is missing"),
        ({"camera_id": " "}, SkipReason.MISSING_FIELD, "camera_id is missing"),
        ({"camera_id": "EP 1"}, SkipReason.BAD_FIELD, "camera_id 'EP 1' must be 1–64"),
        ({"camera_id": "a.b"}, SkipReason.BAD_FIELD, "camera_id 'a.b'"),
        ({"camera_id": 1.5}, SkipReason.BAD_FIELD, "camera_id 1.5 is not text"),
        ({"lat": None}, SkipReason.MISSING_COORDINATES, "lat empty"),
        ({"lat": "north"}, SkipReason.BAD_COORDINATES, "lat 'north' is not a number"),
        ({"lon": True}, SkipReason.BAD_COORDINATES, "lon True is not a number"),
        ({"lat": 99.999999}, SkipReason.PLACEHOLDER_COORDINATES, "placeholder"),
        ({"lat": 35.0, "lon": 140.0}, SkipReason.OUTSIDE_KOREA, "lat 35.0 / lon 140.0"),
        ({"heading": 361}, SkipReason.BAD_FIELD, "heading 361 is not between 0 and 360"),
        ({"heading": -1}, SkipReason.BAD_FIELD, "heading -1 is not between"),
        ({"heading": "east"}, SkipReason.BAD_FIELD, "heading 'east' is not a number"),
        ({"heading": [90]}, SkipReason.BAD_FIELD, "heading [90] is not a number"),
        ({"name": 7}, SkipReason.BAD_FIELD, "name 7 is not text"),
        ({"headng": 90}, SkipReason.BAD_FIELD, "unknown field 'headng'"),
    ],
)
def test_a_bad_json_item_is_skipped_naming_the_field(
    changes: dict[str, object], reason: SkipReason, detail: str
) -> None:
    result = json_result(
        {**GOOD, "camera_id": "A"}, {**GOOD, **changes}, {**GOOD, "camera_id": "B"}
    )
    assert [c.camera_id for c in result.cameras] == ["A", "B"]
    [skipped] = result.skipped
    assert (skipped.row_number, skipped.reason) == (2, reason)
    assert detail in skipped.detail


def test_heading_edges_and_numeric_ids() -> None:
    result = json_result(
        {**GOOD, "camera_id": 17, "heading": 360},
        {**GOOD, "camera_id": "x", "heading": "0", "site": 3},
    )
    assert [(c.camera_id, c.heading, c.site) for c in result.cameras] == [
        ("17", 0.0, "은평로-녹번"),
        ("x", 0.0, "3"),
    ]


def test_a_repeated_camera_id_is_a_duplicate() -> None:
    result = json_result(GOOD, {**GOOD, "heading": 180})
    [skipped] = result.skipped
    assert (skipped.reason, skipped.detail) == (
        SkipReason.DUPLICATE,
        "camera_id EP-0101 repeats row 1",
    )


def test_a_json_item_that_is_not_an_object_is_skipped() -> None:
    result = json_result(GOOD, ["EP-2", 37.6, 126.9])
    assert [str(s) for s in result.skipped] == [
        "row 2: bad-field: the item is a JSON list, not an object"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"camera_id": "a"}', "must hold a JSON list of camera objects, not a dict"),
        ("[{,]", "is not valid JSON: .* at line 1 column 3"),
    ],
)
def test_a_json_file_that_is_not_a_list_is_an_error(text: str, message: str) -> None:
    with pytest.raises(CameraFileError, match=message):
        parse_lpr_json(text, source="lpr.json")


CSV = (
    "camera_id,lat,lon,heading,site,name,address\r\n"
    "EP-0101,37.6027,126.929,90,은평로-녹번,녹번역 북측,서울특별시 은평구 은평로 195\r\n"
    "EP-0102,37.61,126.93,,,,\r\n"
    "EP-0103,37.61,126.93,400,,,\r\n"
    "EP-0104,37.61\r\n"
)


def test_a_csv_list_becomes_cameras_with_line_numbers() -> None:
    result = parse_lpr_csv(CSV)
    assert [(c.camera_id, c.heading, c.site, c.row_number) for c in result.cameras] == [
        ("EP-0101", 90.0, "은평로-녹번", 2),
        ("EP-0102", None, None, 3),
    ]
    assert [(s.row_number, s.reason) for s in result.skipped] == [
        (4, SkipReason.BAD_FIELD),
        (5, SkipReason.FIELD_COUNT),
    ]
    assert result.rows_read == 4
    assert result.summary() == (
        "<csv>: LPR csv, utf-8; 4 rows: 2 cameras imported, 2 skipped (field-count 1, bad-field 1)"
    )


def test_csv_columns_may_be_reordered_and_optional_ones_left_out() -> None:
    result = parse_lpr_csv("\ufeff LON , Camera_ID,lat\n126.93,c1,37.61\n")
    assert [(c.camera_id, c.lat, c.lon) for c in result.cameras] == [("c1", 37.61, 126.93)]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("camera_id,lat", "required columns missing: lon"),
        ("camera_id,lat,lon,bearing", "unknown columns: bearing"),
        ("camera_id,lat,lon,lat", "columns given twice: lat"),
        ("", "is empty"),
    ],
)
def test_a_bad_csv_header_is_an_error(header: str, message: str) -> None:
    with pytest.raises(CameraFileError, match=message):
        parse_lpr_csv(header + "\n" if header else "", source="lpr.csv")


def test_files_are_read_by_suffix_and_encoding(tmp_path: Path) -> None:
    json_file = tmp_path / "lpr.json"
    json_file.write_text(json.dumps([GOOD], ensure_ascii=False), encoding="utf-8")
    csv_file = tmp_path / "lpr.csv"
    csv_file.write_bytes(CSV.encode("cp949"))

    from_json = read_lpr_file(json_file)
    from_csv = read_lpr_file(csv_file)

    assert (from_json.format, from_json.encoding) == ("json", "utf-8")
    assert (from_csv.format, from_csv.encoding) == ("csv", "cp949")
    assert from_csv.cameras[0].name == "녹번역 북측"
    assert replace(from_json.cameras[0], row_number=2) == from_csv.cameras[0]


def test_the_any_file_reader_recognises_lpr_lists(tmp_path: Path) -> None:
    csv_file = tmp_path / "cameras.txt"
    csv_file.write_text(CSV, encoding="utf-8-sig")
    json_file = tmp_path / "cameras.dat"
    json_file.write_text(json.dumps([GOOD]), encoding="utf-8")
    for path, fmt in ((csv_file, "csv"), (json_file, "json")):
        result = read_camera_file(path)
        assert isinstance(result, LprImportResult)
        assert result.format == fmt
