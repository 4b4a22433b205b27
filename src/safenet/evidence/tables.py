"""The evidence tables, as SQLAlchemy Core sees them: the center's and the police's.

Created by migrations ``center_0005`` and ``police_0005`` (``evidence_parts`` keyed per
copy by ``police_0010``)
(``safenet/store/migrations/{center,police}/``); a change here needs a new numbered
migration, never an edit of an applied one (``tests/evidence/test_tables.py`` holds the
two in step). No foreign keys to hits or reads: the register outlives their retention.

Center (``center_metadata``): ``evidence_requests`` (the operator's queue and each
decision), ``evidence_provisions`` (each package as signed), ``provision_register``
(개인영상정보 제공 관리대장, one row per provided item).

Police (``police_metadata``): ``evidence_requests_sent`` (what officers asked and what
came of it), ``evidence_packages`` (received, verified or refused), ``evidence_parts``
(parts waiting for the rest of their package), ``evidence_files`` (verified files),
``evidence_views`` (who opened which provided item, when).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from safenet.evidence.legal import describe_basis, parse_basis
from safenet.evidence.register import ProvisionRecord
from safenet.store import UtcDateTime

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = UtcDateTime()

center_metadata = sa.MetaData()

evidence_requests = sa.Table(
    "evidence_requests",
    center_metadata,
    sa.Column("request_id", sa.String(64), primary_key=True),
    sa.Column("message_id", sa.String(64), nullable=False, unique=True),
    sa.Column("entry_id", sa.String(64), nullable=False),
    sa.Column("case_number", sa.String(64), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("requester_id", sa.String(64), nullable=False),
    sa.Column("request", sa.LargeBinary, nullable=False),
    sa.Column("requested_at", _TIME, nullable=False),
    sa.Column("received_at", _TIME, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_at", _TIME),
    sa.Column("decision", sa.JSON),
    sa.Column("denial_code", sa.String(32)),
    sa.Column("denial_reason", sa.Text),
    sa.Index("ix_evidence_requests_state", "state", "received_at"),
)
"""Requests received: ``pending`` in the operator's queue, then ``provided``, ``denied``
or ``refused`` (by a rule); ``request`` holds the message as it arrived."""

evidence_provisions = sa.Table(
    "evidence_provisions",
    center_metadata,
    sa.Column("package_id", sa.String(64), primary_key=True),
    sa.Column("request_id", sa.String(64), nullable=False, unique=True),
    sa.Column("manifest", sa.LargeBinary, nullable=False),
    sa.Column("signature", sa.LargeBinary, nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("package_sha256", sa.String(64), nullable=False),
    sa.Column("parts", sa.Integer, nullable=False),
    sa.Column("body_size", _SEQ, nullable=False),
    sa.Column("approver", sa.String(64), nullable=False),
    sa.Column("provided_at", _TIME, nullable=False),
    sa.Column("expires_at", _TIME, nullable=False),
)
"""Each package as the center signed and released it."""

provision_register = sa.Table(
    "provision_register",
    center_metadata,
    sa.Column("record_id", sa.String(80), primary_key=True),
    sa.Column("package_id", sa.String(64), nullable=False, index=True),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("site", sa.String(32), nullable=False),
    sa.Column("provided_at", _TIME, nullable=False, index=True),
    sa.Column("form", sa.String(16), nullable=False),
    sa.Column("camera_ids", sa.JSON, nullable=False),
    sa.Column("time_from", _TIME),
    sa.Column("time_to", _TIME),
    sa.Column("files", sa.JSON, nullable=False),
    sa.Column("file_sha256", sa.JSON, nullable=False),
    sa.Column("recipient_agency", sa.String(100), nullable=False),
    sa.Column("recipient_officer_id", sa.String(64), nullable=False),
    sa.Column("recipient_name", sa.String(40), nullable=False),
    sa.Column("recipient_rank", sa.String(20), nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("legal_basis", sa.String(100), nullable=False),
    sa.Column("period_until", _TIME, nullable=False),
    sa.Column("case_number", sa.String(64), nullable=False, index=True),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("approver", sa.String(64), nullable=False),
    sa.Column("approved_at", _TIME, nullable=False),
    sa.Column("package_sha256", sa.String(64), nullable=False),
)
"""개인영상정보 제공 관리대장: one row per provided item (``safenet.evidence.register``);
``legal_basis`` as the register writes it (``개인정보보호법 제18조제2항제7호``, ``영장 …``)."""

police_metadata = sa.MetaData()

evidence_requests_sent = sa.Table(
    "evidence_requests_sent",
    police_metadata,
    sa.Column("request_id", sa.String(64), primary_key=True),
    sa.Column("site", sa.String(32), nullable=False),
    sa.Column("entry_id", sa.String(64), nullable=False, index=True),
    sa.Column("case_number", sa.String(64), nullable=False),
    sa.Column("requester_id", sa.String(64), nullable=False),
    sa.Column("request", sa.LargeBinary, nullable=False),
    sa.Column("requested_at", _TIME, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("denial_code", sa.String(32)),
    sa.Column("denial_reason", sa.Text),
    sa.Column("closed_at", _TIME),
)
"""Requests the officers sent: ``sent``, then ``received`` (a verified package),
``denied`` (with the center's reason) or ``refused`` (a package that failed checks)."""

evidence_packages = sa.Table(
    "evidence_packages",
    police_metadata,
    sa.Column("package_id", sa.String(64), primary_key=True),
    sa.Column("site", sa.String(32), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False, unique=True),
    sa.Column("manifest", sa.LargeBinary, nullable=False),
    sa.Column("signature", sa.LargeBinary, nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("package_sha256", sa.String(64), nullable=False),
    sa.Column("parts", sa.Integer, nullable=False),
    sa.Column("provided_at", _TIME, nullable=False),
    sa.Column("received_at", _TIME, nullable=False),
    sa.Column("verified_at", _TIME),
    sa.Column("refused_reason", sa.Text),
    sa.Column("expires_at", _TIME, nullable=False, index=True),
    sa.Column("held_for_export", sa.Boolean, nullable=False),
    sa.Column("purged_at", _TIME),
)
"""Packages received: shown only once ``verified_at`` is set; ``refused_reason`` says why
one never will be; purged after ``expires_at`` unless held for a case export."""

evidence_parts = sa.Table(
    "evidence_parts",
    police_metadata,
    sa.Column("site", sa.String(32), primary_key=True),
    sa.Column("request_id", sa.String(64), primary_key=True),
    sa.Column("part", sa.Integer, primary_key=True),
    sa.Column("parts", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("received_at", _TIME, nullable=False),
)
"""Parts of packages not yet complete, each distinct copy of a part number apart (a forged
copy must not take the center's place; ``police_0010``); deleted once the package is in."""

evidence_files = sa.Table(
    "evidence_files",
    police_metadata,
    sa.Column("package_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("item", sa.Integer, nullable=False),
    sa.Column("form", sa.String(16), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("camera_ids", sa.JSON, nullable=False),
    sa.Column("time_from", _TIME),
    sa.Column("time_to", _TIME),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
"""The files of verified packages."""

evidence_views = sa.Table(
    "evidence_views",
    police_metadata,
    sa.Column("id", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("package_id", sa.String(64), nullable=False, index=True),
    sa.Column("file_name", sa.String(200), nullable=False),
    sa.Column("officer_id", sa.String(64), nullable=False),
    sa.Column("viewed_at", _TIME, nullable=False),
)
"""Every opening of a provided item at the police (열람): who, when, which file."""


def register_values(record: ProvisionRecord) -> dict[str, Any]:
    """A register row as ``provision_register`` stores it."""
    values = {c.name: getattr(record, c.name) for c in provision_register.columns}
    values.update(
        camera_ids=list(record.camera_ids),
        files=list(record.files),
        file_sha256=list(record.file_sha256),
        legal_basis=describe_basis(record.legal_basis),
    )
    return values


def record_from_row(row: sa.Row[Any]) -> ProvisionRecord:
    """A stored register row as a :class:`ProvisionRecord`."""
    m = row._mapping
    return ProvisionRecord(
        **{
            **{name: m[name] for name in m.keys()},  # noqa: SIM118 - a RowMapping
            "camera_ids": tuple(m["camera_ids"]),
            "files": tuple(m["files"]),
            "file_sha256": tuple(m["file_sha256"]),
            "legal_basis": parse_basis(m["legal_basis"]),
        }
    )
