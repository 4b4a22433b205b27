"""Each published layout is recognised by its header, in UTF-8, UTF-8 with BOM or CP949."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from safenet.cctv import (
    CameraFileError,
    Layout,
    parse_standard_bytes,
    parse_standard_text,
    read_standard_file,
)

HEADER_2018 = (
    "관리기관명,소재지도로명주소,소재지지번주소,설치목적구분,카메라대수,카메라화소수,"
    "촬영방면정보,보관일수,설치년월,관리기관전화번호,위도,경도,데이터기준일자"
)
HEADER_2022 = (
    "번호,관리기관명,소재지도로명주소,소재지지번주소,설치목적구분,카메라대수,카메라화소수,"
    "촬영방면정보,보관일수,설치연월,관리기관전화번호,WGS84위도,WGS84경도,데이터기준일자"
)
HEADER_2025 = (
    "개방자치단체코드,관리번호,관리기관명,소재지도로명주소,소재지지번주소,설치목적구분,"
    "카메라대수,카메라화소수,촬영방면정보,보관일수,설치연월,관리기관전화번호,WGS84위도,"
    "WGS84경도,데이터기준일자,데이터갱신구분,데이터갱신시점,최종수정시점"
)

# One installation, by column name; each layout picks the columns it has.
SITE = {
    "번호": "1",
    "개방자치단체코드": "3110000",
    "관리번호": "202631100000800001",
    "관리기관명": "서울특별시 은평구청",
    "소재지도로명주소": "서울특별시 은평구 은평로 195",
    "소재지지번주소": "서울특별시 은평구 녹번동 84",
    "설치목적구분": "생활방범",
    "카메라대수": "3",
    "카메라화소수": "200",
    "촬영방면정보": "360도 전방면",
    "보관일수": "30",
    "설치년월": "2017-05",
    "설치연월": "2017-05",
    "관리기관전화번호": "02-351-6114",
    "위도": "37.602638",
    "경도": "126.928998",
    "WGS84위도": "37.602638",
    "WGS84경도": "126.928998",
    "데이터기준일자": "2018-02-20",
    "데이터갱신구분": "I",
    "데이터갱신시점": "2026-05-24 22:28:20",
    "최종수정시점": "2026-05-23 08:28:42",
}

HEADERS = {
    Layout.STANDARD_2018: HEADER_2018,
    Layout.STANDARD_2022: HEADER_2022,
    Layout.STANDARD_2025: HEADER_2025,
}


def csv_text(header: str, *rows: dict[str, str]) -> str:
    """A camera file with the given header and rows filled in by column name."""
    names = header.split(",")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(re.sub(r"[\s\ufeff]", "", name), "") for name in names])
    return out.getvalue()


@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8-sig", b"\xef\xbb\xbf"), ("cp949", b"")],
)
def test_each_layout_in_each_encoding(
    tmp_path: Path, layout: Layout, encoding: str, prefix: bytes
) -> None:
    path = tmp_path / "cctv.csv"
    body = csv_text(HEADERS[layout], SITE).encode("cp949" if encoding == "cp949" else "utf-8")
    path.write_bytes(prefix + body)

    result = read_standard_file(path)

    assert result.layout is layout
    assert result.encoding == encoding
    assert result.skipped == []
    [site] = result.sites
    assert site.agency == "서울특별시 은평구청"
    assert site.road_address == "서울특별시 은평구 은평로 195"
    assert site.lot_address == "서울특별시 은평구 녹번동 84"
    assert (site.purpose, site.camera_count, site.resolution) == ("생활방범", 3, 200)
    assert (site.view_direction, site.retention_days, site.installed) == (
        "360도 전방면",
        30,
        "2017-05",
    )
    assert (site.lat, site.lon) == (37.602638, 126.928998)
    assert site.data_date == date(2018, 2, 20)
    assert site.row_number == 2
    if layout is Layout.STANDARD_2025:
        assert (site.local_gov_code, site.management_no) == ("3110000", "202631100000800001")
        assert site.site_id == "mn-3110000-202631100000800001"
    else:
        assert (site.local_gov_code, site.management_no) == (None, None)
        assert site.site_id.startswith("h-")
    assert [c.camera_id for c in result.cameras] == [f"{site.site_id}-{i}" for i in (1, 2, 3)]


def test_columns_are_found_by_name_with_spaces_and_bom_around_them() -> None:
    names = HEADER_2018.split(",")
    shuffled = [f" {n} " for n in reversed(names)]
    shuffled[0] = "\ufeff" + shuffled[0]
    result = parse_standard_text(csv_text(",".join(shuffled), SITE))
    assert result.layout is Layout.STANDARD_2018
    assert [s.camera_count for s in result.sites] == [3]


def test_spaces_inside_a_column_name_are_tolerated() -> None:
    header = HEADER_2022.replace("WGS84위도", "WGS84 위도")
    result = parse_standard_text(csv_text(header, SITE))
    assert result.layout is Layout.STANDARD_2022
    assert len(result.sites) == 1


def test_mixed_old_and_new_names_are_accepted() -> None:
    # 위도/경도 with 설치연월: a 2019–21 transition file.
    header = HEADER_2018.replace("설치년월", "설치연월")
    result = parse_standard_text(csv_text(header, SITE))
    assert result.layout is Layout.STANDARD_2022
    assert result.sites[0].installed == "2017-05"


def test_unknown_columns_are_ignored_and_listed() -> None:
    result = parse_standard_text(csv_text(HEADER_2018 + ",비고", {**SITE, "비고": "x"}))
    assert result.ignored_columns == ("비고",)
    assert len(result.sites) == 1


def test_unknown_header_names_the_expected_columns_that_are_missing() -> None:
    text = "man,add,rd,object,num,fixel,see,store,install_day,phone,lat,lng,update\n"
    with pytest.raises(CameraFileError) as caught:
        parse_standard_text(text, source="cctv2.csv")
    message = str(caught.value)
    assert message.startswith("cctv2.csv: the header matches no 전국CCTV표준데이터 layout")
    for expected in ("관리기관명", "카메라대수", "위도 or WGS84위도", "설치년월 or 설치연월"):
        assert expected in message
    assert "man, add, rd" in message


def test_one_missing_column_is_named() -> None:
    header = HEADER_2022.replace(",카메라대수", "")
    with pytest.raises(CameraFileError, match=r"expected columns missing: 카메라대수 \("):
        parse_standard_text(csv_text(header, SITE))


def test_a_column_given_twice_is_an_error() -> None:
    header = HEADER_2018 + ",WGS84위도"
    with pytest.raises(CameraFileError, match="column '위도' twice"):
        parse_standard_text(csv_text(header, SITE))


def test_an_empty_file_is_an_error() -> None:
    with pytest.raises(CameraFileError, match="empty"):
        parse_standard_bytes(b"\r\n\r\n", source="empty.csv")


def test_bytes_that_are_neither_utf8_nor_cp949_are_an_error() -> None:
    with pytest.raises(CameraFileError, match=r"neither UTF-8 .* nor CP949"):
        parse_standard_bytes(HEADER_2018.encode() + b"\n\xff\xfe\xff\n", source="x.csv")


def test_a_bom_with_broken_utf8_is_an_error() -> None:
    data = b"\xef\xbb\xbf" + csv_text(HEADER_2018, SITE).encode("cp949")
    with pytest.raises(CameraFileError, match="UTF-8 BOM but is not valid UTF-8"):
        parse_standard_bytes(data)


def test_decomposed_hangul_reads_like_composed() -> None:
    composed = csv_text(HEADER_2018, SITE)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    a = parse_standard_bytes(composed.encode())
    b = parse_standard_bytes(decomposed.encode())
    assert b.layout is Layout.STANDARD_2018
    assert [s.site_id for s in b.sites] == [s.site_id for s in a.sites]


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(CameraFileError, match=r"nope\.csv: cannot be read"):
        read_standard_file(tmp_path / "nope.csv")
