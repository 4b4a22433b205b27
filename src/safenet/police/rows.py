"""Reading the police tables back into domain values, and the serialized writer.

Registry actions, hotlist versions and the audit chain each need a strict order: two
officers approving at the same instant must get versions N and N+1, and two audit
records must not claim the same place in the chain. :func:`serial_write` gives the
transaction that order — SQLite's ``BEGIN IMMEDIATE`` already serializes writers;
on PostgreSQL a transaction-scoped advisory lock does, across processes too (the
admin CLI and the service may share a database).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.police.clock import as_utc, maybe_utc
from safenet.police.types import Status, VehicleDescription, WantedEntry
from safenet.store import Database

# Arbitrary constant, distinct from the store's migration lock.
_WRITER_LOCK = 0x5AFE_0103


@contextmanager
def serial_write(db: Database) -> Iterator[Connection]:
    """A write transaction ordered after every other registry, version or audit write."""
    with db.begin() as conn:
        if db.dialect == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITER_LOCK})
        yield conn


def entry_from_row(row: Any) -> WantedEntry:
    """A :class:`WantedEntry` from a ``police_wanted`` row."""
    return WantedEntry(
        entry_id=row.entry_id,
        plate=row.plate,
        plate_input=row.plate_input,
        is_pattern=bool(row.is_pattern),
        vehicle=VehicleDescription(
            make=row.vehicle_make,
            model=row.vehicle_model,
            colour=row.vehicle_colour,
            type=row.vehicle_type or "",
        ),
        category=row.category,
        case_number=row.case_number,
        reason=row.reason,
        registrar=row.registrar,
        registrar_name=row.registrar_name,
        approver=row.approver,
        approver_name=row.approver_name,
        status=Status(row.status),
        created_at=as_utc(row.created_at),
        approved_at=maybe_utc(row.approved_at),
        expires_at=as_utc(row.expires_at),
        ended_at=maybe_utc(row.ended_at),
        ended_by=row.ended_by,
        end_reason=row.end_reason,
        renewals=int(row.renewals),
        updated_at=as_utc(row.updated_at),
        hold_hits=bool(getattr(row, "hold_hits", False)),
    )
