"""The provision register: one row per provided item, CSV round trip, summary, reconciliation."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safenet.audit import SigningKey
from safenet.evidence import (
    BuiltPackage,
    Decision,
    ProvisionRecord,
    RegisterFormatError,
    export_register_csv,
    export_summary_csv,
    in_period,
    monthly_summary,
    read_register_csv,
    reconcile,
    records_for,
)
from safenet.evidence.register_csv import HEADER
from safenet.link.messages import WarrantBasis
from tests.evidence.world import NOW, build, make_request


@pytest.fixture(scope="module")
def built(center_key: SigningKey) -> BuiltPackage:
    return build(key=center_key)


@pytest.fixture(scope="module")
def rows(built: BuiltPackage) -> list[ProvisionRecord]:
    return records_for(built.manifest, built.package_sha256)


def _released(built: BuiltPackage) -> list[tuple[str, object]]:
    return [(built.manifest.package_id, f) for f in built.manifest.files]


def test_one_row_per_provided_item_with_every_field_the_register_needs(
    built: BuiltPackage, rows: list[ProvisionRecord]
) -> None:
    assert [r.form for r in rows] == ["still", "route", "clip"]
    still, route, clip = rows
    assert still.camera_ids == ("cam-7",)
    assert route.camera_ids == ("cam-7", "cam-9")
    assert clip.camera_ids == ("cam-9",)
    assert still.time_from is not None
    assert still.time_to is not None
    assert still.time_from <= still.time_to
    assert (still.recipient_agency, still.recipient_name, still.recipient_rank) == (
        "서울서초경찰서 형사과",
        "김민수",
        "경위",
    )
    request = make_request()
    for row in rows:
        assert row.purpose == request.purpose
        assert row.legal_basis == request.legal_basis
        assert row.case_number == request.case_number
        assert row.category == "kidnapping"
        assert row.approver == "op-3"
        assert row.provided_at == NOW
        assert row.period_until == NOW + timedelta(days=30)
        assert row.package_sha256 == built.package_sha256
    assert sum(len(r.files) for r in rows) == len(built.manifest.files)


def test_a_partial_provision_has_rows_only_for_what_left(center_key: SigningKey) -> None:
    decision = Decision("op-3", NOW, frozenset({1}), {0: "불필요", 2: "불필요"})
    partial = build(make_request(), decision, key=center_key)
    rows = records_for(partial.manifest, partial.package_sha256)
    assert [r.form for r in rows] == ["route"]
    assert reconcile(rows, _released(partial)) == []  # type: ignore[arg-type]


def test_reconciliation_holds_for_a_package_and_finds_every_gap(
    built: BuiltPackage, rows: list[ProvisionRecord]
) -> None:
    released = _released(built)
    assert reconcile(rows, released) == []  # type: ignore[arg-type]
    # A file that left with no row.
    problems = reconcile(rows[1:], released)  # type: ignore[arg-type]
    assert len(problems) == len(rows[0].files)
    assert all("no register row" in p.reason for p in problems)
    # A file two rows name.
    assert any("named by 2 rows" in p.reason for p in reconcile([*rows, rows[0]], released))  # type: ignore[arg-type]
    # A row whose hash is not the released file's.
    bad = replace(rows[1], file_sha256=("0" * 64,))
    assert "another SHA-256" in reconcile([rows[0], bad, rows[2]], released)[0].reason  # type: ignore[arg-type]
    # A row for a file that never left.
    assert "never left" in reconcile(rows, released[1:])[0].reason  # type: ignore[arg-type]


def test_the_csv_has_a_bom_korean_headers_and_reads_back(rows: list[ProvisionRecord]) -> None:
    data = export_register_csv(rows)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[:3] == ["번호", "제공 일시", "제공 형태"]
    table = list(csv.reader(io.StringIO(text)))
    assert table[1][2] == "정지영상"
    assert table[1][13] == "개인정보보호법 제18조제2항제7호"
    assert table[1][1].endswith("+09:00")  # KST, with its offset
    assert read_register_csv(data) == rows


def test_a_cell_a_spreadsheet_would_run_is_escaped_and_still_reads_back(
    rows: list[ProvisionRecord],
) -> None:
    evil = replace(rows[0], purpose='=HYPERLINK("http://x","click")', recipient_name="'김")
    data = export_register_csv([evil])
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = dict(zip(HEADER, table[1], strict=True))
    assert cells["목적"] == "'" + evil.purpose
    assert cells["요청자 성명"] == "''김"
    assert read_register_csv(data) == [evil]


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60)
@given(
    purpose=_text,
    name=_text,
    agency=_text,
    warrant=_text.filter(
        lambda t: (
            not t[0].isspace()
            and not any(c in t for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        )
    ),
    offset_h=st.integers(-12, 14),
)
def test_any_row_round_trips_through_the_csv(
    purpose: str, name: str, agency: str, warrant: str, offset_h: int
) -> None:
    from datetime import timezone

    when = datetime(2026, 11, 30, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=offset_h)))
    row = ProvisionRecord(
        record_id="pkg-1-01",
        package_id="pkg-1",
        request_id="req-1",
        site="seocho",
        provided_at=when,
        form="clip",
        camera_ids=("cam-1", "cam-2"),
        time_from=None,
        time_to=when,
        files=("01-clip/cam-1/a.jpg",),
        file_sha256=("a" * 64,),
        recipient_agency=agency,
        recipient_officer_id="officer-1",
        recipient_name=name,
        recipient_rank="경사",
        purpose=purpose,
        legal_basis=WarrantBasis(number=warrant),
        period_until=when + timedelta(days=30),
        case_number="=1+1",
        category="arson",
        approver="op-1",
        approved_at=when,
        package_sha256="b" * 64,
    )
    assert read_register_csv(export_register_csv([row])) == [row]


def test_a_register_csv_that_is_not_one_says_where(rows: list[ProvisionRecord]) -> None:
    with pytest.raises(RegisterFormatError, match="line 1: the header"):
        read_register_csv("\ufeffa,b\r\n".encode())
    text = export_register_csv(rows[:1]).decode("utf-8-sig")
    broken = text.replace(text.splitlines()[1].split(",")[1], "yesterday", 1)
    with pytest.raises(RegisterFormatError, match="line 2, 제공 일시: 'yesterday' is not a time"):
        read_register_csv(broken.encode())
    with pytest.raises(RegisterFormatError, match="not UTF-8"):
        read_register_csv(b"\xff\xfe\x00")


def test_the_monthly_summary_counts_by_kst_month_requester_and_category(
    rows: list[ProvisionRecord],
) -> None:
    late = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 2026-12-01 01:00 KST
    other = [
        replace(r, package_id="pkg-2", record_id=f"pkg-2-{i}", provided_at=late)
        for i, r in enumerate(rows)
    ]
    robbery = replace(rows[0], package_id="pkg-3", record_id="pkg-3-1", category="robbery")
    summary = monthly_summary([*rows, *other, robbery])
    assert [(s.month, s.category, s.packages, s.items) for s in summary] == [
        ("2026-11", "kidnapping", 1, 3),
        ("2026-11", "robbery", 1, 1),
        ("2026-12", "kidnapping", 1, 3),
    ]
    assert summary[0].officer == "김민수 경위"
    assert summary[0].files == sum(len(r.files) for r in rows)
    text = export_summary_csv(summary).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("월,제공받는 기관")
    assert "약취·유인(납치)" in text


def test_a_period_takes_rows_from_its_start_up_to_its_end(rows: list[ProvisionRecord]) -> None:
    assert in_period(rows, NOW, NOW + timedelta(seconds=1)) == rows
    assert in_period(rows, NOW + timedelta(seconds=1), NOW + timedelta(days=1)) == []
    assert in_period(rows, NOW - timedelta(days=1), NOW) == []
