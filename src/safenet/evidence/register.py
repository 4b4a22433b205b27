"""The provision register (개인영상정보 제공 관리대장): one row per provided item.

Each row says what left (the files, their cameras and time range), in which form
(정지영상 still, 영상 clip, 이동경로 route, 실시간 열람 live view), to whom (agency, officer's
name and rank), for what (purpose, legal basis: the item of 개인정보보호법 제18조제2항 or
the warrant number), for how long (the provision period: the recipient must delete it
by then), under which case, approved by whom and when it was provided, and the hash of
the package it went in. The center writes the rows in the same transaction as the
release (:func:`records_for`), so no file leaves without its row:
:func:`reconcile` checks that every file of every package is in exactly one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from safenet.evidence.errors import Problem
from safenet.evidence.manifest import Manifest, ManifestFile
from safenet.link.messages import LegalBasis, ProvisionForm

FORMS: dict[ProvisionForm, str] = {
    "still": "정지영상",
    "clip": "영상",
    "route": "이동경로",
    "live_view": "실시간 열람",
}
"""The register's Korean name for each form."""


@dataclass(frozen=True, slots=True)
class ProvisionRecord:
    """One row of the provision register: one provided item of one package."""

    record_id: str
    package_id: str
    request_id: str
    site: str
    provided_at: datetime
    form: ProvisionForm
    camera_ids: tuple[str, ...]
    time_from: datetime | None
    time_to: datetime | None
    files: tuple[str, ...]
    file_sha256: tuple[str, ...]
    recipient_agency: str
    recipient_officer_id: str
    recipient_name: str
    recipient_rank: str
    purpose: str
    legal_basis: LegalBasis
    period_until: datetime
    case_number: str
    category: str
    approver: str
    approved_at: datetime
    package_sha256: str


def _form_of(files: Sequence[ManifestFile]) -> ProvisionForm:
    forms = {f.form for f in files}
    if len(forms) != 1:
        raise ValueError(f"an item's files must share one form, got {sorted(forms)}")
    return next(iter(forms))


def records_for(manifest: Manifest, package_sha256: str) -> list[ProvisionRecord]:
    """The register rows of a package: one per provided item, in item order."""
    rows = []
    for item in manifest.provided:
        files = [f for f in manifest.files if f.item == item]
        if not files:
            continue  # check_manifest keeps this from happening; a row must name files
        cameras = tuple(dict.fromkeys(c for f in files for c in f.camera_ids))
        starts = [f.time_from for f in files if f.time_from is not None]
        ends = [f.time_to for f in files if f.time_to is not None]
        rows.append(
            ProvisionRecord(
                record_id=f"{manifest.package_id}-{item + 1:02d}",
                package_id=manifest.package_id,
                request_id=manifest.request_id,
                site=manifest.site,
                provided_at=manifest.provided_at,
                form=_form_of(files),
                camera_ids=cameras,
                time_from=min(starts) if starts else None,
                time_to=max(ends) if ends else None,
                files=tuple(f.name for f in files),
                file_sha256=tuple(f.sha256 for f in files),
                recipient_agency=manifest.recipient.agency,
                recipient_officer_id=manifest.recipient.officer_id,
                recipient_name=manifest.recipient.name,
                recipient_rank=manifest.recipient.rank,
                purpose=manifest.purpose,
                legal_basis=manifest.legal_basis,
                period_until=manifest.expires_at,
                case_number=manifest.case_number,
                category=manifest.category,
                approver=manifest.approver,
                approved_at=manifest.approved_at,
                package_sha256=package_sha256,
            )
        )
    return rows


def reconcile(
    records: Iterable[ProvisionRecord], released: Iterable[tuple[str, ManifestFile]]
) -> list[Problem]:
    """Every released file against the register: each in exactly one row, same hash.

    ``released`` is every (package id, file) that left the evidence store. A file no row
    names, a file two rows name, a row naming a file that never left, or a hash that
    differs is a problem.
    """
    named: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in records:
        for name, sha in zip(row.files, row.file_sha256, strict=True):
            named.setdefault((row.package_id, name), []).append((row.record_id, sha))
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for package_id, f in released:
        key = (package_id, f.name)
        seen.add(key)
        rows = named.get(key, [])
        where = f"{package_id}/{f.name}"
        if not rows:
            problems.append(Problem(where, "left the evidence store with no register row"))
        elif len(rows) > 1:
            ids = ", ".join(r for r, _ in rows)
            problems.append(Problem(where, f"is named by {len(rows)} rows ({ids})"))
        elif rows[0][1] != f.sha256:
            problems.append(Problem(where, f"row {rows[0][0]} records another SHA-256"))
    for key in sorted(set(named) - seen):
        problems.append(Problem(f"{key[0]}/{key[1]}", "is in the register but never left"))
    return problems
