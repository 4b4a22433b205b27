"""Alerts as the police record them: what officers were told, who acknowledged, who went.

An alert row is written in the same transaction as the hit, update or flag that
raised it, so an alert exists exactly when its cause was stored. Acknowledging and
dispatching write who and when on the row and an audit record, in one transaction.
The payload builders here decide what an officer sees: the entry, where and when,
the match level, and the "육안 확인 필요" banner on every hit the center did not
send as an alert.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.auth import Principal
from safenet.police import hit_log
from safenet.police.categories import CONFIRM_BANNER, LABELS_KO
from safenet.police.clock import Clock, as_utc, iso, maybe_utc
from safenet.police.errors import AlertNotFound
from safenet.police.rows import serial_write
from safenet.police.tables import alerts
from safenet.police.tracks import leg_view
from safenet.police.types import WantedEntry
from safenet.store import Database
from safenet.tracking import IMPOSSIBLE_LABEL_EN, IMPOSSIBLE_LABEL_KO, Leg
from safenet.vehicles import describe


@dataclass(frozen=True)
class AlertRecord:
    """A stored alert, ready for the hub and the outbound notifications."""

    alert_id: int
    kind: str
    entry_id: str
    site: str
    data: dict[str, Any]


def entry_brief(entry: WantedEntry | None, entry_id: str) -> dict[str, Any]:
    """What an alert says about the wanted entry."""
    if entry is None:
        return {"entry_id": entry_id, "known": False}
    return {
        "entry_id": entry.entry_id,
        "known": True,
        "plate": entry.plate,
        "category": entry.category,
        "category_ko": LABELS_KO.get(entry.category, entry.category),
        "case_number": entry.case_number,
        "vehicle": entry.vehicle.text(),
        "described": _described(entry),
        "status": entry.status.value,
        "expires_at": iso(entry.expires_at),
    }


def _described(entry: WantedEntry) -> dict[str, str | None]:
    """The wanted vehicle's description as vocabulary codes, for the card to word."""
    v = entry.vehicle
    described, _ = describe(v.colour or None, v.type or None, v.make or None, v.model or None)
    return described.codes()


def hit_payload(
    hit: dict[str, Any], entry: dict[str, Any], track: dict[str, Any]
) -> dict[str, Any]:
    """The body of a ``hit`` alert; every hit the center did not send as an alert says so."""
    visual = hit["decision"] != "alert"
    return {
        "entry": entry,
        "hit": hit,
        "track": track,
        "needs_visual_confirmation": visual,
        "banner": CONFIRM_BANNER if visual else None,
    }


WITHDRAWN = "센터 운영자 기각 — the center's operator rejected this candidate; stand down"
"""The banner of an update that withdraws a candidate."""


def update_payload(row: Any, entry: dict[str, Any], track: dict[str, Any]) -> dict[str, Any]:
    """The body of an ``update`` alert: an operator's decision on a hit."""
    rejected = row.decision == "rejected"
    return {
        "entry": entry,
        "hit": hit_log.hit_view(row),
        "decision": row.decision,
        "reason": row.decision_reason,
        "operator": row.decided_by,
        "operator_name": row.decided_by_name or row.decided_by,
        "decided_at": iso(as_utc(row.decided_at)),
        "track": track,
        "banner": WITHDRAWN
        if rejected
        else (CONFIRM_BANNER if row.report_decision != "alert" else None),
    }


def flag_payload(leg: Leg, entry: dict[str, Any]) -> dict[str, Any]:
    """The body of a ``flag`` alert: an impossible journey on an entry's track."""
    return {
        "entry": entry,
        "leg": leg_view(leg),
        "label": IMPOSSIBLE_LABEL_EN,
        "label_ko": IMPOSSIBLE_LABEL_KO,
        "banner": CONFIRM_BANNER,
    }


def insert(
    conn: Connection,
    kind: str,
    entry_id: str,
    site: str,
    payload: dict[str, Any],
    now: datetime,
    hit_row: int | None = None,
) -> AlertRecord:
    """Store an alert in the caller's transaction."""
    result = conn.execute(
        alerts.insert()
        .values(
            kind=kind,
            entry_id=entry_id,
            site=site,
            hit_row=hit_row,
            created_at=now,
            payload=payload,
        )
        .returning(alerts.c.alert_id)
    )
    alert_id = int(result.scalar_one())
    data = {
        "alert_id": alert_id,
        "kind": kind,
        "site": site,
        "entry_id": entry_id,
        "created_at": iso(now),
        **payload,
    }
    return AlertRecord(alert_id, kind, entry_id, site, data)


def _view(row: Any) -> dict[str, Any]:
    return {
        "alert_id": int(row.alert_id),
        "kind": row.kind,
        "site": row.site,
        "entry_id": row.entry_id,
        "created_at": iso(as_utc(row.created_at)),
        **row.payload,
        "acknowledged_by": row.acknowledged_by,
        "acknowledged_by_name": row.acknowledged_by_name or row.acknowledged_by,
        "acknowledged_at": iso(maybe_utc(row.acknowledged_at)),
        "dispatched_by": row.dispatched_by,
        "dispatched_by_name": row.dispatched_by_name or row.dispatched_by,
        "dispatched_at": iso(maybe_utc(row.dispatched_at)),
        "dispatch_note": row.dispatch_note,
    }


def recent(
    conn: Connection,
    sites: frozenset[str],
    limit: int,
    entry_id: str | None = None,
    after: int | None = None,
) -> list[dict[str, Any]]:
    """The newest alerts the caller's scope reaches, newest first."""
    query = sa.select(alerts).order_by(alerts.c.alert_id.desc()).limit(limit)
    if sites:
        query = query.where(alerts.c.site.in_(sorted(sites)))
    if entry_id is not None:
        query = query.where(alerts.c.entry_id == entry_id)
    if after is not None:
        query = query.where(alerts.c.alert_id > after)
    return [_view(r) for r in conn.execute(query).all()]


def get(conn: Connection, alert_id: int, sites: frozenset[str]) -> dict[str, Any]:
    row = conn.execute(sa.select(alerts).where(alerts.c.alert_id == alert_id)).first()
    if row is None or (sites and row.site not in sites):
        raise AlertNotFound(alert_id)
    return _view(row)


def acknowledge(
    conn: Connection, alert_id: int, officer: Principal, now: datetime
) -> dict[str, Any]:
    """Record that an officer saw the alert (the first acknowledgement is kept)."""
    current = get(conn, alert_id, officer.sites)
    if current["acknowledged_by"] is None:
        conn.execute(
            alerts.update()
            .where(alerts.c.alert_id == alert_id)
            .values(
                acknowledged_by=officer.subject,
                acknowledged_by_name=officer.name[:100],
                acknowledged_at=now,
            )
        )
    audit.record_once(
        conn,
        f"alert:{alert_id}:acknowledge:{officer.subject}"[:200],
        officer.subject,
        "alert.acknowledge",
        f"alert:{alert_id}",
        {"entry_id": current["entry_id"], "site": current["site"], "by_name": officer.name},
        ts=now,
    )
    return get(conn, alert_id, officer.sites)


def dispatch(
    conn: Connection, alert_id: int, officer: Principal, note: str, now: datetime
) -> dict[str, Any]:
    """Record that officers were sent (출동 지령); acknowledges the alert too."""
    current = get(conn, alert_id, officer.sites)
    values: dict[str, Any] = {
        "dispatched_by": officer.subject,
        "dispatched_by_name": officer.name[:100],
        "dispatched_at": now,
        "dispatch_note": note,
    }
    if current["acknowledged_by"] is None:
        values |= {
            "acknowledged_by": officer.subject,
            "acknowledged_by_name": officer.name[:100],
            "acknowledged_at": now,
        }
    conn.execute(alerts.update().where(alerts.c.alert_id == alert_id).values(**values))
    audit.record_once(
        conn,
        _dispatch_key(alert_id, officer.subject, note),
        officer.subject,
        "alert.dispatch",
        f"alert:{alert_id}",
        {
            "entry_id": current["entry_id"],
            "site": current["site"],
            "note": note,
            "by_name": officer.name,
        },
        ts=now,
    )
    return get(conn, alert_id, officer.sites)


def _dispatch_key(alert_id: int, officer: str, note: str) -> str:
    """The effect a dispatch records once: this officer, this alert, this order."""
    digest = hashlib.sha256(note.encode("utf-8")).hexdigest()[:16]
    return f"alert:{alert_id}:dispatch:{digest}:{officer}"[:200]


class AlertBook:
    """The alerts as officers work them: listed, acknowledged, dispatched (worker threads)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def recent(
        self, officer: Principal, limit: int, entry_id: str | None, after: int | None
    ) -> list[dict[str, Any]]:
        def work() -> list[dict[str, Any]]:
            with self.db.read() as conn:
                return recent(conn, officer.sites, limit, entry_id, after)

        return await asyncio.to_thread(work)

    async def acknowledge(self, alert_id: int, officer: Principal) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            with serial_write(self.db) as conn:
                return acknowledge(conn, alert_id, officer, self.clock())

        return await asyncio.to_thread(work)

    async def dispatch(self, alert_id: int, officer: Principal, note: str) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            with serial_write(self.db) as conn:
                return dispatch(conn, alert_id, officer, note, self.clock())

        return await asyncio.to_thread(work)
