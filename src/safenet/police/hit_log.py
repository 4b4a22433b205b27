"""The hits as the police keep them: stored once by intake, read back for tracks, maps, alerts.

Each hit keeps the center's decision as its report carried it (``report_decision``:
``alert``, ``candidate`` or ``confirmed``; a schema-1 report's is what that version
implied); nothing here works it out again from the match level.

:mod:`safenet.police.intake` writes ``police_hits`` and ``police_hit_updates`` (one
transaction per message); everything that reads them back goes through here: the
hit as consoles and alerts show it, an entry's hits for its track, the places of the
hits for the police map, and the latest operator decision on a hit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.link import LocationReport
from safenet.police.clock import as_utc, iso, maybe_utc
from safenet.police.tables import hit_updates, hits


def hit_view(row: Any) -> dict[str, Any]:
    """A stored hit as consoles and alerts show it."""
    return {
        "hit_key": f"{row.site}:{row.hit_id}",
        "hit_id": row.hit_id,
        "site": row.site,
        "camera_id": row.camera_id,
        "lat": row.lat,
        "lon": row.lon,
        "address": row.address,
        "heading": row.heading,
        "read_at": iso(as_utc(row.read_at)),
        "received_at": iso(as_utc(row.received_at)),
        "plate_read": row.plate_read,
        "level": row.level,
        "decision": row.report_decision,
        "score": row.score,
        "explanation": row.explanation,
        "read_confidence": row.read_confidence,
        "snapshot_ref": row.snapshot_ref,
        "retrospective": bool(row.retrospective),
        "hotlist_version": row.hotlist_version,
        "confirmation": confirmation(row.report_decision, row.decision),
        "decided_by": row.decided_by,
        "decided_by_name": row.decided_by_name or row.decided_by,
        "decided_at": iso(maybe_utc(row.decided_at)),
        "decision_reason": row.decision_reason,
        "assessment": stored_assessment(row.assessment),
        "why": stored_match(row.assessment),
    }


MATCH_KEY = "match"
"""Where a hit's ``assessment`` column keeps the report's ``match`` (no column of its own)."""


def stored_assessment(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """The center's assessment as the hit keeps it, without the match structure beside it."""
    if not stored:
        return None
    rest = {k: v for k, v in stored.items() if k != MATCH_KEY}
    return rest or None


def stored_match(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """Why the read matched, as the report's ``match`` carried it (None for older reports)."""
    if not stored:
        return None
    found = stored.get(MATCH_KEY)
    return found if isinstance(found, dict) else None


def assessment_value(m: LocationReport) -> dict[str, Any] | None:
    """What the ``assessment`` column keeps of a report: its assessment and its match."""
    value: dict[str, Any] = {}
    if m.assessment is not None:
        value.update(msgspec.to_builtins(m.assessment))
    if m.match is not None:
        value[MATCH_KEY] = msgspec.to_builtins(m.match)
    return value or None


def confirmation(report_decision: str, operator_decision: str | None) -> str:
    """``not_needed`` for the center's alert, else ``pending``, ``confirmed`` or ``rejected``.

    ``report_decision`` is the center's (the LocationReport's ``decision``);
    ``operator_decision`` is the latest HitUpdate's, once one arrived.
    """
    if operator_decision is not None:
        return operator_decision
    return "not_needed" if report_decision == "alert" else "pending"


def values(m: LocationReport, now: datetime) -> dict[str, Any]:
    """The ``police_hits`` row of a LocationReport received at ``now``."""
    return {
        "site": m.site,
        "hit_id": m.hit_id,
        "entry_id": m.entry_id,
        "hotlist_version": m.hotlist_version,
        "camera_id": m.camera_id,
        "lat": m.coordinates.lat,
        "lon": m.coordinates.lon,
        "address": m.address,
        "heading": m.heading,
        "read_at": m.read_at,
        "plate_read": m.plate_read,
        "level": m.level,
        "report_decision": m.center_decision,
        "score": m.score,
        "explanation": m.explanation,
        "read_confidence": m.read_confidence,
        "snapshot_ref": m.snapshot_ref,
        "retrospective": m.retrospective,
        "assessment": assessment_value(m),
        "received_at": now,
        "alerted": False,
    }


def latest_update(conn: Connection, site: str, hit_id: str) -> dict[str, Any] | None:
    """The latest operator decision on a hit (by the operator's time), if any arrived."""
    row = conn.execute(
        sa.select(hit_updates)
        .where(hit_updates.c.site == site, hit_updates.c.hit_id == hit_id)
        .order_by(hit_updates.c.decided_at.desc(), hit_updates.c.message_id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return {
        "decision": row.decision,
        "operator": row.operator,
        "operator_name": row.operator_name,
        "decided_at": as_utc(row.decided_at),
        "reason": row.reason,
    }


def apply_decision(conn: Connection, site: str, hit_id: str, decision: dict[str, Any]) -> None:
    """Write a decision (from :func:`latest_update`) onto its hit."""
    conn.execute(
        hits.update()
        .where(hits.c.site == site, hits.c.hit_id == hit_id)
        .values(
            decision=decision["decision"],
            decided_by=decision["operator"],
            decided_by_name=decision.get("operator_name"),
            decided_at=decision["decided_at"],
            decision_reason=decision["reason"],
        )
    )


def row(conn: Connection, site: str, hit_id: str) -> Any:
    """One stored hit (it must exist)."""
    return conn.execute(sa.select(hits).where(hits.c.site == site, hits.c.hit_id == hit_id)).one()


def of_entry(conn: Connection, entry_id: str) -> list[Any]:
    """Every hit of an entry, oldest first."""
    return list(
        conn.execute(
            sa.select(hits).where(hits.c.entry_id == entry_id).order_by(hits.c.read_at)
        ).all()
    )


def places(conn: Connection, limit: int) -> list[tuple[float, float]]:
    """Where the hits were seen (each camera once), for the map's districts."""
    query = sa.select(hits.c.lat, hits.c.lon).distinct().limit(limit)
    return [(float(r.lat), float(r.lon)) for r in conn.execute(query)]
