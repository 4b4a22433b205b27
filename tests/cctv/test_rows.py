"""Bad rows are skipped with their line and reason; good rows get stable ids."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safenet.cctv import (
    ImportResult,
    SkippedRow,
    SkipReason,
    parse_standard_bytes,
    parse_standard_text,
    read_camera_file,
)
from tests.cctv.test_layouts import HEADER_2018, HEADER_2022, HEADER_2025, SITE, csv_text


def parse_2018(*rows: dict[str, str]) -> ImportResult:
    return parse_standard_text(csv_text(HEADER_2018, *rows))


def site(**changes: str) -> dict[str, str]:
    return {**SITE, **changes}


def only_skip(result: ImportResult) -> SkippedRow:
    [skipped] = result.skipped
    return skipped


@pytest.mark.parametrize(
    ("changes", "reason", "detail"),
    [
        (
            {"위도": "99.999999", "경도": "999.999999"},
            SkipReason.PLACEHOLDER_COORDINATES,
            "위도 99.999999 / 경도 999.999999 is a placeholder",
        ),
        ({"위도": "0", "경도": "0"}, SkipReason.PLACEHOLDER_COORDINATES, "placeholder (0, 0)"),
        ({"위도": "40.564718"}, SkipReason.OUTSIDE_KOREA, "위도 40.564718 / 경도 126.928998"),
        ({"위도": "32.626224"}, SkipReason.OUTSIDE_KOREA, "outside Korea"),
        ({"경도": "132.5"}, SkipReason.OUTSIDE_KOREA, "outside Korea"),
        (
            {"위도": "126.928998", "경도": "37.602638"},
            SkipReason.OUTSIDE_KOREA,
            "latitude and longitude look swapped",
        ),
        ({"위도": ""}, SkipReason.MISSING_COORDINATES, "위도 empty"),
        ({"위도": " ", "경도": ""}, SkipReason.MISSING_COORDINATES, "위도 and 경도 empty"),
        ({"경도": "126,92"}, SkipReason.BAD_COORDINATES, "경도 '126,92' is not a number"),
        ({"위도": "nan"}, SkipReason.BAD_COORDINATES, "위도 'nan' is not a finite number"),
        ({"관리기관명": "  "}, SkipReason.MISSING_AGENCY, "관리기관명 is empty"),
        ({"카메라대수": ""}, SkipReason.MISSING_CAMERA_COUNT, "카메라대수 is empty"),
        ({"카메라대수": "0"}, SkipReason.BAD_CAMERA_COUNT, "카메라대수 '0' is not a positive"),
        ({"카메라대수": "-2"}, SkipReason.BAD_CAMERA_COUNT, "'-2'"),
        ({"카메라대수": "2.5"}, SkipReason.BAD_CAMERA_COUNT, "'2.5'"),
        ({"카메라대수": "세대"}, SkipReason.BAD_CAMERA_COUNT, "'세대'"),
        ({"카메라대수": "３"}, SkipReason.BAD_CAMERA_COUNT, "'３'"),
    ],
)
def test_a_bad_row_is_skipped_with_its_reason_and_the_rest_import(
    changes: dict[str, str], reason: SkipReason, detail: str
) -> None:
    result = parse_2018(site(관리기관명="A"), site(**changes), site(관리기관명="B"))
    assert [s.agency for s in result.sites] == ["A", "B"]
    skipped = only_skip(result)
    assert (skipped.row_number, skipped.reason) == (3, reason)
    assert detail in skipped.detail
    assert result.rows_read == 3
    assert result.skipped_by_reason == {reason: 1}


def test_the_first_problem_of_a_row_is_its_reason() -> None:
    result = parse_2018(site(관리기관명="", 카메라대수="0", 위도="99.999999"))
    assert only_skip(result).reason is SkipReason.MISSING_AGENCY


def test_a_short_row_is_skipped() -> None:
    text = HEADER_2018 + "\n서울특별시 은평구청,주소,지번,생활방범,1\n"
    skipped = only_skip(parse_standard_text(text))
    assert skipped.reason is SkipReason.FIELD_COUNT
    assert skipped.detail == "has 5 fields, the header has 13"


def test_a_long_row_is_skipped_unless_the_extra_cells_are_blank() -> None:
    good = csv_text(HEADER_2018, site()).splitlines()[1]
    text = "\n".join([HEADER_2018, good + ",,", good.replace("은평로", "은평로,7") + ",x"])
    result = parse_standard_text(text)
    assert [s.row_number for s in result.sites] == [2]
    assert only_skip(result).reason is SkipReason.FIELD_COUNT


def test_an_unclosed_quote_is_reported_with_the_lines_it_swallowed() -> None:
    good = csv_text(HEADER_2018, site()).splitlines()[1]
    text = "\n".join([HEADER_2018, good, 'x,"unclosed', good, good]) + "\n"
    result = parse_standard_text(text)
    assert len(result.sites) == 1
    skipped = only_skip(result)
    assert (skipped.row_number, skipped.reason) == (3, SkipReason.FIELD_COUNT)
    assert "runs over lines 3–5" in skipped.detail


def test_row_numbers_are_line_numbers_when_a_cell_spans_lines() -> None:
    text = csv_text(HEADER_2018, site(촬영방면정보="삼거리\n(식당 옆)"), site(위도="99.999999"))
    result = parse_standard_text(text)
    assert result.sites[0].view_direction == "삼거리 (식당 옆)"
    assert only_skip(result).row_number == 4


def test_blank_lines_are_not_rows_but_comma_only_rows_are() -> None:
    body = csv_text(HEADER_2018, site()).replace("\r\n", "\n")
    text = body + "\n" + "," * 12 + "\n"
    result = parse_standard_text(text)
    assert result.rows_read == 2
    skipped = only_skip(result)
    assert (skipped.row_number, skipped.reason) == (4, SkipReason.MISSING_AGENCY)


def test_an_exact_duplicate_is_skipped_naming_the_first_row() -> None:
    result = parse_2018(site(), site(관리기관명="B"), site())
    assert len(result.sites) == 2
    skipped = only_skip(result)
    assert (skipped.row_number, skipped.reason) == (4, SkipReason.DUPLICATE)
    assert skipped.detail == "repeats row 2 exactly"


def test_a_row_differing_only_in_bookkeeping_is_a_duplicate() -> None:
    result = parse_2018(site(), site(데이터기준일자="2019-01-01", 관리기관전화번호="02-1"))
    assert only_skip(result).detail == (
        "repeats row 2, differing only in 관리기관전화번호, 데이터기준일자"
    )


def test_a_row_differing_only_in_spacing_or_number_form_is_a_duplicate() -> None:
    result = parse_2018(
        site(), site(소재지도로명주소=" 서울특별시  은평구 은평로 195", 위도="37.6026380")
    )
    assert (
        only_skip(result).detail
        == "repeats row 2 (only the form of 소재지도로명주소, 위도 differs)"
    )


def test_the_2022_row_number_column_does_not_hide_a_duplicate() -> None:
    result = parse_standard_text(csv_text(HEADER_2022, site(번호="1"), site(번호="2")))
    assert only_skip(result).detail == "repeats row 2 exactly"


def test_same_place_different_purpose_is_a_separate_installation() -> None:
    result = parse_2018(site(), site(설치목적구분="어린이보호"), site(카메라대수="1"))
    assert result.skipped == []
    assert len({s.site_id for s in result.sites}) == 3


def test_kept_repeats_get_their_own_stable_ids() -> None:
    text = csv_text(HEADER_2018, site(), site(), site(), site(카메라대수="1"))
    result = parse_standard_text(text, keep_repeated_rows=True)
    ids = [s.site_id for s in result.sites]
    assert ids[1:3] == [f"{ids[0]}-r2", f"{ids[0]}-r3"]
    assert result.cameras[3].camera_id == f"{ids[0]}-r2-1"
    assert parse_standard_text(text, keep_repeated_rows=True).sites == result.sites


def test_current_layout_uses_the_management_number() -> None:
    text = csv_text(
        HEADER_2025,
        site(),
        site(관리번호="202631100000800002"),  # same content, its own installation
        site(카메라대수="5"),  # the same 관리번호 again
    )
    for keep in (False, True):
        result = parse_standard_text(text, keep_repeated_rows=keep)
        assert [s.site_id for s in result.sites] == [
            "mn-3110000-202631100000800001",
            "mn-3110000-202631100000800002",
        ]
        skipped = only_skip(result)
        assert skipped.reason is SkipReason.DUPLICATE
        assert skipped.detail == "관리번호 202631100000800001 repeats row 2"


def test_an_unusable_management_number_falls_back_to_the_content_id() -> None:
    result = parse_standard_text(csv_text(HEADER_2025, site(관리번호="12/34")))
    assert result.sites[0].site_id.startswith("h-")
    assert result.sites[0].management_no == "12/34"


def test_content_id_ignores_bookkeeping_and_spacing() -> None:
    [base] = parse_2018(site()).sites
    same = parse_standard_text(
        csv_text(
            HEADER_2022,
            site(
                번호="77", 데이터기준일자="2024-01-01", 관리기관전화번호="02-9", 설치연월="2017-05"
            ),
        )
    ).sites[0]
    spaced = parse_2018(site(관리기관명=" 서울특별시   은평구청 ")).sites[0]
    assert base.site_id == same.site_id == spaced.site_id


@pytest.mark.parametrize(
    "changes",
    [
        {"카메라대수": "4"},
        {"설치목적구분": "다목적"},
        {"위도": "37.602639"},
        {"카메라화소수": "400"},
        {"촬영방면정보": "전방"},
        {"설치년월": "2018-01"},
    ],
)
def test_content_id_changes_when_the_installation_changes(changes: dict[str, str]) -> None:
    [base] = parse_2018(site()).sites
    [changed] = parse_2018(site(**changes)).sites
    assert changed.site_id != base.site_id


def test_optional_values_that_mean_unknown() -> None:
    result = parse_2018(
        site(
            카메라화소수="", 보관일수="0", 촬영방면정보="", 설치년월="14-Dec", 데이터기준일자="몰라"
        ),
        site(카메라화소수="0", 보관일수="삼십", 데이터기준일자="20180220"),
    )
    first, second = result.sites
    assert (first.resolution, first.retention_days, first.view_direction) == (None, None, None)
    assert (first.installed, first.data_date) == ("14-Dec", None)
    assert (second.resolution, second.retention_days) == (None, None)
    assert second.data_date == date(2018, 2, 20)
    assert first.site_id != second.site_id


def test_camera_records_carry_the_site_details() -> None:
    result = parse_2018(site(카메라대수="2"))
    [s] = result.sites
    assert [(c.index, c.site_id, c.lat, c.lon, c.heading) for c in result.cameras] == [
        (1, s.site_id, s.lat, s.lon, None),
        (2, s.site_id, s.lat, s.lon, None),
    ]
    assert {(c.purpose, c.view_direction, c.retention_days) for c in result.cameras} == {
        ("생활방범", "360도 전방면", 30)
    }


def test_summary_line() -> None:
    result = parse_standard_text(
        csv_text(HEADER_2018, site(), site(위도="99.999999"), site()), source="x.csv"
    )
    assert result.summary() == (
        "x.csv: layout 2018, utf-8; 3 rows: 1 sites, 3 cameras imported, "
        "2 skipped (placeholder-coordinates 1, duplicate 1)"
    )
    assert str(result.skipped[0]).startswith("row 3: placeholder-coordinates: 위도 99.999999")


def test_any_file_reader_sends_a_standard_csv_to_the_standard_parser(tmp_path: Path) -> None:
    path = tmp_path / "cctv.csv"
    path.write_bytes(csv_text(HEADER_2018, site()).encode("cp949"))
    result = read_camera_file(path)
    assert isinstance(result, ImportResult)
    assert result.encoding == "cp949"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
            | st.sampled_from(["99.999999", "37.5", "127.0", "1", "0", "서울특별시 중구"]),
            max_size=15,
        ),
        max_size=6,
    )
)
def test_no_row_crashes_the_import(rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER_2018.split(","))
    writer.writerows(rows)
    result = parse_standard_bytes(out.getvalue().encode("utf-8"))
    assert len(result.sites) + len(result.skipped) == result.rows_read
