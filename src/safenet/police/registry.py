"""The wanted registry: register, approve, renew, cancel, resolve and expire entries.

Every action runs in one serialized write transaction (:func:`serial_write`) holding
the entry's change, its audit record and, when the hotlist changes, the new version
and its delta in the outbox — so an action is recorded and distributed completely
or not at all. Refusals (the gate, the two-person rule, a wrong status) raise before
anything is written.

The two-person rule: an entry becomes active only when an approving officer other
than the registrar approves it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.auth import Principal, Role
from safenet.matching.privacy import PatternPolicy
from safenet.police import distribution
from safenet.police.categories import CATEGORIES, CategoryPolicy
from safenet.police.clock import Clock
from safenet.police.distribution import Change
from safenet.police.errors import EntryNotFound, TwoPersonRule, WrongState
from safenet.police.gate import ExpiryLimits, check_reason, check_registration, check_renewal
from safenet.police.rows import entry_from_row, serial_write
from safenet.police.tables import wanted
from safenet.police.types import Ending, Renewal, Status, WantedDraft, WantedEntry
from safenet.service.errors import Forbidden, ValidationFailed
from safenet.store import Database

SYSTEM = "system:expiry-sweep"
"""The audit actor of the expiry sweep."""


@dataclass(frozen=True)
class Outcome:
    """An entry after an action, and the hotlist version it made (if any)."""

    entry: WantedEntry
    change: Change | None = None


def new_entry_id(now: datetime) -> str:
    """A fresh entry id: ``W`` + the UTC date + 8 random hex digits."""
    return f"W{now:%Y%m%d}-{secrets.token_hex(4)}"


def _require(principal: Principal, *roles: Role) -> None:
    if not any(principal.has(r) for r in roles):
        raise Forbidden(
            f"this action needs the role {' or '.join(r.value for r in roles)}",
            key="registry.role_needed",
            params={"roles": [r.value for r in roles]},
        )


class Registry:
    """The police's wanted entries and the rules every change to them follows."""

    def __init__(
        self,
        db: Database,
        policies: Mapping[str, CategoryPolicy],
        *,
        clock: Clock,
        limits: ExpiryLimits = ExpiryLimits(),
        pattern_policy: PatternPolicy | None = None,
    ) -> None:
        self.pattern_policy = pattern_policy or PatternPolicy()
        self.db = db
        self.policies = policies
        self.clock = clock
        self.limits = limits

    # -- actions (each one write transaction; call from a worker thread) ---------------

    def register(self, draft: WantedDraft, registrar: Principal) -> WantedEntry:
        """Check the draft at the gate and store it as pending approval."""
        _require(registrar, Role.REGISTRAR)
        now = self.clock()
        reg = check_registration(draft, now, self.policies, self.limits, self.pattern_policy)
        entry_id = new_entry_id(now)
        with serial_write(self.db) as conn:
            conn.execute(
                wanted.insert().values(
                    entry_id=entry_id,
                    plate=reg.plate,
                    plate_input=reg.plate_input,
                    is_pattern=reg.is_pattern,
                    vehicle_make=reg.vehicle.make,
                    vehicle_model=reg.vehicle.model,
                    vehicle_colour=reg.vehicle.colour,
                    vehicle_type=reg.vehicle.type,
                    category=reg.category,
                    case_number=reg.case_number,
                    reason=reg.reason,
                    registrar=registrar.subject,
                    registrar_name=registrar.name,
                    status=Status.PENDING.value,
                    created_at=now,
                    expires_at=reg.expires_at,
                    renewals=0,
                    updated_at=now,
                    hold_hits=reg.hold_hits,
                )
            )
            audit.append(
                conn,
                registrar.subject,
                "wanted.register",
                entry_id,
                {
                    "case_number": reg.case_number,
                    "category": reg.category,
                    "plate": reg.plate,
                    "expires_at": reg.expires_at.isoformat(),
                    "outcome": "pending",
                    "hold_hits": reg.hold_hits,
                    "specificity": reg.specificity,
                },
                ts=now,
            )
            return self._get(conn, entry_id)

    def approve(self, entry_id: str, approver: Principal) -> Outcome:
        """Activate a pending entry: a second officer's approval puts it on the hotlist."""
        _require(approver, Role.APPROVER)
        now = self.clock()
        with serial_write(self.db) as conn:
            entry = self._get(conn, entry_id)
            if entry.status is not Status.PENDING:
                raise WrongState(entry_id, entry.status.value, "approved")
            if entry.registrar == approver.subject:
                raise TwoPersonRule()
            if entry.expires_at <= now:
                raise WrongState(entry_id, "past its expiry", "approved")
            conn.execute(
                wanted.update()
                .where(wanted.c.entry_id == entry_id)
                .values(
                    status=Status.ACTIVE.value,
                    approver=approver.subject,
                    approver_name=approver.name,
                    approved_at=now,
                    updated_at=now,
                )
            )
            entry = self._get(conn, entry_id)
            change = distribution.record_change(conn, now, "approve", self.policies, added=[entry])
            audit.append(
                conn,
                approver.subject,
                "wanted.approve",
                entry_id,
                {
                    "case_number": entry.case_number,
                    "registrar": entry.registrar,
                    "version": change.version,
                },
                ts=now,
            )
            return Outcome(entry, change)

    def renew(self, entry_id: str, renewal: Renewal, officer: Principal) -> Outcome:
        """Move a live entry's expiry (a reason is required; at most the legal maximum)."""
        _require(officer, Role.REGISTRAR, Role.APPROVER)
        now = self.clock()
        expires_at, reason = check_renewal(renewal, now, self.limits)
        with serial_write(self.db) as conn:
            entry = self._get(conn, entry_id)
            if entry.status.ended:
                raise WrongState(entry_id, entry.status.value, "renewed")
            if entry.expires_at <= now:
                raise WrongState(entry_id, "past its expiry", "renewed")
            moved = expires_at != entry.expires_at
            conn.execute(
                wanted.update()
                .where(wanted.c.entry_id == entry_id)
                .values(expires_at=expires_at, renewals=wanted.c.renewals + 1, updated_at=now)
            )
            renewed = self._get(conn, entry_id)
            change = None
            if moved and renewed.status is Status.ACTIVE:
                # The delta re-sends the entry; a center replaces it, new expiry included.
                change = distribution.record_change(
                    conn, now, "renew", self.policies, added=[renewed]
                )
            audit.append(
                conn,
                officer.subject,
                "wanted.renew",
                entry_id,
                {
                    "case_number": entry.case_number,
                    "reason": reason,
                    "from": entry.expires_at.isoformat(),
                    "to": expires_at.isoformat(),
                    "version": change.version if change else None,
                },
                ts=now,
            )
            return Outcome(renewed, change)

    def cancel(self, entry_id: str, ending: Ending, officer: Principal) -> Outcome:
        """Lift an entry (수배 해제): it stops matching at every center."""
        return self._end(entry_id, ending, officer, Status.CANCELLED, "cancel", "cancelled")

    def resolve(self, entry_id: str, ending: Ending, officer: Principal) -> Outcome:
        """End an entry because the case no longer needs it (vehicle found, person safe)."""
        return self._end(entry_id, ending, officer, Status.RESOLVED, "resolve", "resolved")

    def _end(
        self,
        entry_id: str,
        ending: Ending,
        officer: Principal,
        status: Status,
        action: str,
        done: str,
    ) -> Outcome:
        _require(officer, Role.REGISTRAR, Role.APPROVER)
        reason = check_reason(ending.reason)
        now = self.clock()
        with serial_write(self.db) as conn:
            entry = self._get(conn, entry_id)
            if entry.status.ended:
                raise WrongState(entry_id, entry.status.value, done)
            was_active = entry.status is Status.ACTIVE
            conn.execute(
                wanted.update()
                .where(wanted.c.entry_id == entry_id)
                .values(
                    status=status.value,
                    ended_at=now,
                    ended_by=officer.subject,
                    end_reason=reason,
                    updated_at=now,
                )
            )
            change = (
                distribution.record_change(conn, now, action, self.policies, removed=[entry_id])
                if was_active
                else None
            )
            audit.append(
                conn,
                officer.subject,
                f"wanted.{action}",
                entry_id,
                {
                    "case_number": entry.case_number,
                    "reason": reason,
                    "version": change.version if change else None,
                },
                ts=now,
            )
            return Outcome(self._get(conn, entry_id), change)

    def sweep(self) -> Change | None:
        """End every entry past its expiry; one new version removes the active ones."""
        now = self.clock()
        with serial_write(self.db) as conn:
            rows = conn.execute(
                sa.select(wanted.c.entry_id, wanted.c.status, wanted.c.case_number).where(
                    wanted.c.status.in_([Status.PENDING.value, Status.ACTIVE.value]),
                    wanted.c.expires_at <= now,
                )
            ).all()
            if not rows:
                return None
            ids = [r.entry_id for r in rows]
            conn.execute(
                wanted.update()
                .where(wanted.c.entry_id.in_(ids))
                .values(
                    status=Status.EXPIRED.value,
                    ended_at=now,
                    ended_by=SYSTEM,
                    end_reason="expired",
                    updated_at=now,
                )
            )
            removed = [r.entry_id for r in rows if r.status == Status.ACTIVE.value]
            change = (
                distribution.record_change(conn, now, "expire", self.policies, removed=removed)
                if removed
                else None
            )
            for r in rows:
                audit.append(
                    conn,
                    SYSTEM,
                    "wanted.expire",
                    r.entry_id,
                    {"case_number": r.case_number, "version": change.version if change else None},
                    ts=now,
                )
            return change

    # -- reading -----------------------------------------------------------------------

    def get(self, entry_id: str) -> WantedEntry:
        with self.db.read() as conn:
            return self._get(conn, entry_id)

    def entries(
        self, status: str | None = None, category: str | None = None, limit: int = 500
    ) -> list[WantedEntry]:
        """Entries newest first, optionally of one status or category."""
        query = sa.select(wanted).order_by(wanted.c.created_at.desc()).limit(limit)
        if status is not None:
            if status not in {s.value for s in Status}:
                allowed = ", ".join(s.value for s in Status)
                raise ValidationFailed(
                    f"status: {status!r} is not a status ({allowed})",
                    field="status",
                    key="field.invalid",
                )
            query = query.where(wanted.c.status == status)
        if category is not None:
            if category not in CATEGORIES:
                raise ValidationFailed(
                    f"category: {category!r} is not a category",
                    field="category",
                    key="registry.category_unknown",
                    params={"category": category},
                )
            query = query.where(wanted.c.category == category)
        with self.db.read() as conn:
            return [entry_from_row(r) for r in conn.execute(query).all()]

    def active(self) -> list[WantedEntry]:
        with self.db.read() as conn:
            return distribution.active_entries(conn, self.clock())

    @staticmethod
    def _get(conn: Connection, entry_id: str) -> WantedEntry:
        row = conn.execute(sa.select(wanted).where(wanted.c.entry_id == entry_id)).first()
        if row is None:
            raise EntryNotFound(entry_id)
        return entry_from_row(row)
