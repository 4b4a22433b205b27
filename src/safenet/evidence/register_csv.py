"""The provision register as a spreadsheet: CSV export (UTF-8 with BOM), reading it back,
and the monthly summary by requester and category.

Spreadsheet programs open a UTF-8 CSV correctly only with a byte-order mark, so every
file starts with one. Times are written in KST with their offset
(``2026-11-25T21:00:00.764000+09:00``), so a row reads naturally and still says the
exact instant. A cell that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``, and so
is a cell that starts with ``'`` itself, so :func:`read_register_csv` gives back exactly
what was exported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from safenet.evidence.errors import RegisterFormatError
from safenet.evidence.legal import CATEGORY_LABELS, describe_basis, parse_basis
from safenet.evidence.register import FORMS, ProvisionRecord
from safenet.link.messages import ProvisionForm

KST = timezone(timedelta(hours=9), "KST")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_FORM_OF = {label: form for form, label in FORMS.items()}
_CATEGORY_OF = {label: code for code, label in CATEGORY_LABELS.items()}


def _time(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(KST).isoformat()


def _join(values: Sequence[str]) -> str:
    return ";".join(values)


COLUMNS: tuple[tuple[str, Callable[[ProvisionRecord], str]], ...] = (
    ("번호", lambda r: r.record_id),
    ("제공 일시", lambda r: _time(r.provided_at)),
    ("제공 형태", lambda r: FORMS[r.form]),
    ("카메라", lambda r: _join(r.camera_ids)),
    ("촬영 시작", lambda r: _time(r.time_from)),
    ("촬영 끝", lambda r: _time(r.time_to)),
    ("파일", lambda r: _join(r.files)),
    ("파일 SHA-256", lambda r: _join(r.file_sha256)),
    ("제공받는 기관", lambda r: r.recipient_agency),
    ("요청자 ID", lambda r: r.recipient_officer_id),
    ("요청자 성명", lambda r: r.recipient_name),
    ("요청자 계급", lambda r: r.recipient_rank),
    ("목적", lambda r: r.purpose),
    ("법적 근거", lambda r: describe_basis(r.legal_basis)),
    ("제공 기간(보유 기한)", lambda r: _time(r.period_until)),
    ("사건번호", lambda r: r.case_number),
    ("범죄 유형", lambda r: CATEGORY_LABELS.get(r.category, r.category)),
    ("승인자", lambda r: r.approver),
    ("승인 일시", lambda r: _time(r.approved_at)),
    ("패키지", lambda r: r.package_id),
    ("요청 번호", lambda r: r.request_id),
    ("센터", lambda r: r.site),
    ("패키지 SHA-256", lambda r: r.package_sha256),
)
"""The register's columns, in order, with how each is written."""

HEADER = tuple(name for name, _ in COLUMNS)


def _cell(text: str) -> str:
    # Spreadsheets run a cell starting with these as a formula (CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return (BOM + out.getvalue()).encode("utf-8")


def export_register_csv(records: Iterable[ProvisionRecord]) -> bytes:
    """The register as CSV bytes, UTF-8 with BOM, one line per provided item."""
    return _csv(HEADER, ([write(r) for _, write in COLUMNS] for r in records))


def in_period(
    records: Iterable[ProvisionRecord], start: datetime, end: datetime
) -> list[ProvisionRecord]:
    """The rows provided from ``start`` (inclusive) to ``end`` (exclusive), in time order."""
    chosen = [r for r in records if start <= r.provided_at < end]
    return sorted(chosen, key=lambda r: (r.provided_at, r.record_id))


def _parse_time(text: str, where: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise RegisterFormatError(f"{where}: {text!r} is not a time", field=where) from None
    if value.tzinfo is None:
        raise RegisterFormatError(f"{where}: {text!r} has no offset", field=where)
    return value


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(";")) if text else ()


def _record(cells: dict[str, str], line: int) -> ProvisionRecord:
    def where(column: str) -> str:
        return f"line {line}, {column}"

    def time_or_none(column: str) -> datetime | None:
        return _parse_time(cells[column], where(column)) if cells[column] else None

    form_label = cells["제공 형태"]
    form: ProvisionForm | None = _FORM_OF.get(form_label)
    if form is None:
        raise RegisterFormatError(f"{where('제공 형태')}: unknown form {form_label!r}")
    try:
        basis = parse_basis(cells["법적 근거"])
    except ValueError as exc:
        raise RegisterFormatError(f"{where('법적 근거')}: {exc}") from None
    files, hashes = _split(cells["파일"]), _split(cells["파일 SHA-256"])
    if len(files) != len(hashes):
        raise RegisterFormatError(f"{where('파일 SHA-256')}: one hash per file is needed")
    return ProvisionRecord(
        record_id=cells["번호"],
        package_id=cells["패키지"],
        request_id=cells["요청 번호"],
        site=cells["센터"],
        provided_at=_parse_time(cells["제공 일시"], where("제공 일시")),
        form=form,
        camera_ids=_split(cells["카메라"]),
        time_from=time_or_none("촬영 시작"),
        time_to=time_or_none("촬영 끝"),
        files=files,
        file_sha256=hashes,
        recipient_agency=cells["제공받는 기관"],
        recipient_officer_id=cells["요청자 ID"],
        recipient_name=cells["요청자 성명"],
        recipient_rank=cells["요청자 계급"],
        purpose=cells["목적"],
        legal_basis=basis,
        period_until=_parse_time(cells["제공 기간(보유 기한)"], where("제공 기간(보유 기한)")),
        case_number=cells["사건번호"],
        category=_CATEGORY_OF.get(cells["범죄 유형"], cells["범죄 유형"]),
        approver=cells["승인자"],
        approved_at=_parse_time(cells["승인 일시"], where("승인 일시")),
        package_sha256=cells["패키지 SHA-256"],
    )


def read_register_csv(data: bytes) -> list[ProvisionRecord]:
    """The rows of an exported register; raises :class:`RegisterFormatError` (line, column)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterFormatError(f"the file is not UTF-8: {exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(header) != HEADER:
        raise RegisterFormatError(
            f"line 1: the header must be the register's columns ({', '.join(HEADER)})"
        )
    records = []
    for row in reader:
        line = reader.line_num
        if len(row) != len(HEADER):
            raise RegisterFormatError(f"line {line}: {len(row)} cells, expected {len(HEADER)}")
        records.append(_record(dict(zip(HEADER, (_uncell(c) for c in row), strict=True)), line))
    return records


@dataclass(frozen=True, slots=True)
class MonthlyRow:
    """Provisions in one month (KST) to one officer, under one category."""

    month: str
    agency: str
    officer_id: str
    officer: str
    category: str
    packages: int
    items: int
    files: int


def monthly_summary(records: Iterable[ProvisionRecord]) -> list[MonthlyRow]:
    """Packages, items and files provided per month, requester and category."""
    groups: dict[tuple[str, str, str, str, str], list[ProvisionRecord]] = {}
    for r in records:
        month = r.provided_at.astimezone(KST).strftime("%Y-%m")
        officer = f"{r.recipient_name} {r.recipient_rank}"
        key = (month, r.recipient_agency, r.recipient_officer_id, officer, r.category)
        groups.setdefault(key, []).append(r)
    return [
        MonthlyRow(
            month=month,
            agency=agency,
            officer_id=officer_id,
            officer=officer,
            category=category,
            packages=len({r.package_id for r in rows}),
            items=len(rows),
            files=sum(len(r.files) for r in rows),
        )
        for (month, agency, officer_id, officer, category), rows in sorted(groups.items())
    ]


SUMMARY_HEADER = (
    "월",
    "제공받는 기관",
    "요청자 ID",
    "요청자",
    "범죄 유형",
    "제공 건수",
    "항목 수",
    "파일 수",
)


def export_summary_csv(rows: Iterable[MonthlyRow]) -> bytes:
    """The monthly summary as CSV bytes, UTF-8 with BOM."""
    return _csv(
        SUMMARY_HEADER,
        (
            [
                r.month,
                r.agency,
                r.officer_id,
                r.officer,
                CATEGORY_LABELS.get(r.category, r.category),
                str(r.packages),
                str(r.items),
                str(r.files),
            ]
            for r in rows
        ),
    )
