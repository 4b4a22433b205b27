"""The confirmation queue: candidates an operator looks at beside the wanted vehicle's description.

Every candidate (any hit that is not an exact match on the top text) waits here in
state ``pending``; a held one (its entry asks for confirmation before sending) has not
been reported yet. The
operator confirms or rejects it with a reason; the decision is audited and goes to
the police:

- a candidate already reported (marked unconfirmed) gets a :class:`HitUpdate`;
- a held hit (never reported) that is confirmed gets its :class:`LocationReport` now,
  its explanation starting "CONFIRMED by an operator", then the HitUpdate;
- a held hit that is rejected sends nothing: the police never heard of it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.auth import Principal
from safenet.center.cameras import CameraRegistry
from safenet.center.decide import stored_report_assessment
from safenet.center.errors import AlreadyDecided, HitNotFound, SnapshotNotFound
from safenet.center.explain_view import hit_explanation, report_match
from safenet.center.queue_items import MAX_PENDING, description_view, group_key, queue_items
from safenet.center.reports import (
    decision_for,
    hit_update,
    location_report,
    report_text,
    snapshot_ref_for,
    status_line,
)
from safenet.center.retry import retry_on_conflict
from safenet.center.tables import hits, hotlist_entries, reads, snapshots, utc, utc_or_none
from safenet.center.types import CameraInfo, Clock, HitState, is_alert
from safenet.link import outbox
from safenet.matching.explain import Explanation
from safenet.service import Conflict
from safenet.store import Database

log = logging.getLogger(__name__)

Decision = Literal["confirmed", "rejected"]


@dataclass(frozen=True)
class DecisionResult:
    """What a decision did: the hit as it is now, and which messages went to the police."""

    hit: dict[str, Any]
    report_sent: bool
    update_sent: bool
    report_withheld: str | None = None


def _hit_query() -> sa.Select[Any]:
    return sa.select(
        hits,
        reads.c.confidence,
        reads.c.vehicle_colour,
        reads.c.vehicle_type,
        reads.c.alternatives,
        reads.c.has_snapshot,
        reads.c.snapshot_ref,
        hotlist_entries.c.plate.label("entry_plate"),
        hotlist_entries.c.vehicle.label("entry_vehicle"),
        hotlist_entries.c.category.label("entry_category"),
        hotlist_entries.c.expires_at.label("entry_expires_at"),
        hotlist_entries.c.colour.label("entry_colour"),
        hotlist_entries.c.vehicle_type.label("entry_type"),
        hotlist_entries.c.make.label("entry_make"),
        hotlist_entries.c.model.label("entry_model"),
    ).select_from(
        hits.join(reads, reads.c.seq == hits.c.read_seq).outerjoin(
            hotlist_entries, hotlist_entries.c.entry_id == hits.c.entry_id
        )
    )


def hit_view(row: Any) -> dict[str, Any]:
    """A hit as the API shows it to operators (no other reads, ever)."""
    return {
        "hit_id": row.hit_id,
        "read_id": row.read_id,
        "entry_id": row.entry_id,
        "camera_id": row.camera_id,
        "read_at": utc(row.read_at).isoformat(),
        "detected_at": utc(row.detected_at).isoformat(),
        "plate_read": row.plate_read,
        "level": row.level,
        "score": round(float(row.score), 4),
        "alert": is_alert(row.match_level, row.text_rank, row.decision_rule),
        "state": row.state,
        "reported": bool(row.reported),
        "retrospective": bool(row.retrospective),
        "impossible_journey": bool(row.impossible_journey),
        "explanation": row.explanation,
        "why": _why(row),
        "read_confidence": float(row.confidence),
        "vehicle_seen": {
            "colour": row.vehicle_colour,
            "type": row.vehicle_type,
            "described": description_view(row.vehicle_colour, row.vehicle_type, None, None),
        },
        "wanted": {
            "plate": row.entry_plate,
            "vehicle": row.entry_vehicle,
            "category": row.entry_category,
            "described": description_view(
                row.entry_colour, row.entry_type, row.entry_make, row.entry_model
            ),
        },
        "assessment": row.assessment,
        "group_plate": row.group_plate,
        "snapshot": f"/api/v1/hits/{row.hit_id}/snapshot" if row.has_snapshot else None,
        "snapshot_ref": row.snapshot_ref,
        "hotlist_version": row.hotlist_version,
        "decision": None
        if row.decided_at is None
        else {
            "by": row.decided_by,
            "by_name": row.decided_by_name or row.decided_by,
            "at": utc_or_none(row.decided_at).isoformat(),  # type: ignore[union-attr]
            "reason": row.decision_reason,
        },
    }


def pending_count(conn: Connection) -> int:
    """How many candidates wait for an operator."""
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(hits)
            .where(hits.c.state == HitState.PENDING.value)
        ).scalar_one()
    )


class CandidateQueue:
    """The queue as the operators' routes use it: one center's hits, decided one by one.

    Every method runs its database work in a worker thread.
    """

    def __init__(self, db: Database, site: str, registry: CameraRegistry, clock: Clock) -> None:
        self.db = db
        self.site = site
        self.registry = registry
        self.clock = clock

    async def candidates(self, limit: int = 100) -> list[dict[str, Any]]:
        """Queue items waiting for an operator, oldest first: one per vehicle and entry.

        Each item is its first pending hit, with every pending hit of the same vehicle
        and entry in ``reads`` (:mod:`safenet.center.queue_items`).
        """
        query = (
            _hit_query()
            .where(hits.c.state == HitState.PENDING.value)
            .order_by(hits.c.read_at)
            .limit(MAX_PENDING)
        )
        return await asyncio.to_thread(self._items, query, limit)

    def _items(self, query: sa.Select[Any], limit: int) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return queue_items(rows, [hit_view(r) for r in rows], limit)

    async def hits(self, limit: int = 100, state: str | None = None) -> list[dict[str, Any]]:
        """The latest hits, newest first."""
        query = _hit_query().order_by(hits.c.read_at.desc()).limit(limit)
        if state is not None:
            query = query.where(hits.c.state == state)
        return await asyncio.to_thread(self._views, query)

    async def hit(self, hit_id: str) -> dict[str, Any]:
        views = await asyncio.to_thread(self._views, _hit_query().where(hits.c.hit_id == hit_id))
        if not views:
            raise HitNotFound(
                f"hit {hit_id} does not exist at this center",
                field="hit_id",
                params={"hit_id": hit_id},
            )
        return views[0]

    async def snapshot(self, hit_id: str) -> bytes:
        """The JPEG sent with a hit's read."""
        return await asyncio.to_thread(self._snapshot, hit_id)

    async def decide(
        self, hit_id: str, decision: Decision, reason: str, operator: Principal
    ) -> DecisionResult:
        """Record an operator's decision on a waiting hit; see the module docstring."""
        now = self.clock()
        return await asyncio.to_thread(
            retry_on_conflict,
            lambda: self._decide(hit_id, decision, reason.strip(), operator, now),
            what=f"decision on {hit_id}",
        )

    def _views(self, query: sa.Select[Any]) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return [hit_view(r) for r in conn.execute(query).all()]

    def _snapshot(self, hit_id: str) -> bytes:
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(hits.c.hit_id, reads.c.snapshot_ref, snapshots.c.jpeg)
                .select_from(
                    hits.join(reads, reads.c.seq == hits.c.read_seq).outerjoin(
                        snapshots, snapshots.c.read_seq == reads.c.seq
                    )
                )
                .where(hits.c.hit_id == hit_id)
            ).first()
        if row is None:
            raise HitNotFound(
                f"hit {hit_id} does not exist at this center",
                field="hit_id",
                params={"hit_id": hit_id},
            )
        if row.jpeg is None:
            where = f"; the camera keeps it as {row.snapshot_ref}" if row.snapshot_ref else ""
            raise SnapshotNotFound(
                f"hit {hit_id} has no stored snapshot{where}",
                field="hit_id",
                params={"hit_id": hit_id},
            )
        return bytes(row.jpeg)

    def _decide(
        self, hit_id: str, decision: Decision, reason: str, operator: Principal, now: datetime
    ) -> DecisionResult:
        with self.db.begin() as conn:
            row = conn.execute(_hit_query().where(hits.c.hit_id == hit_id)).first()
            if row is None:
                raise HitNotFound(
                    f"hit {hit_id} does not exist at this center",
                    field="hit_id",
                    params={"hit_id": hit_id},
                )
            if row.state in (HitState.CONFIRMED.value, HitState.REJECTED.value):
                raise AlreadyDecided(
                    f"hit {hit_id} was already {row.state} by {row.decided_by}",
                    field="hit_id",
                    params={"hit_id": hit_id, "state": row.state, "by": row.decided_by},
                )
            if row.state != HitState.PENDING.value:
                raise Conflict(
                    f"hit {hit_id} is {row.state}, not a candidate waiting for a decision",
                    field="hit_id",
                    key="candidate.not_held",
                    params={"hit_id": hit_id, "state": row.state},
                )
            # One decision decides the whole queue item: every pending hit of the same
            # vehicle and entry (docs/center.md, "The confirmation queue").
            members = [
                r
                for r in conn.execute(
                    _hit_query().where(
                        hits.c.entry_id == row.entry_id,
                        hits.c.state == HitState.PENDING.value,
                        hits.c.hit_id != hit_id,
                    )
                ).all()
                if group_key(r) == group_key(row)
            ]
            report_now, update_now, withheld = self._decide_one(
                conn, row, decision, reason, operator, now, group=len(members) + 1
            )
            for other in members:
                self._decide_one(
                    conn, other, decision, reason, operator, now, group=len(members) + 1
                )
            updated = conn.execute(_hit_query().where(hits.c.hit_id == hit_id)).one()
        log.info("candidate %s %s by %s", hit_id, decision, operator.subject)
        if withheld:
            log.warning("candidate %s confirmed but not reported: %s", hit_id, withheld)
        return DecisionResult(hit_view(updated), report_now, update_now, withheld)

    def _decide_one(
        self,
        conn: Connection,
        row: Any,
        decision: Decision,
        reason: str,
        operator: Principal,
        now: datetime,
        *,
        group: int,
    ) -> tuple[bool, bool, str | None]:
        site = self.site
        report_now = decision == "confirmed" and not row.reported
        withheld = None
        if report_now and not _in_force(row, now):
            # The police lifted the entry, or it expired, while the candidate waited: the
            # lawful basis for reporting this vehicle has ended. Keep the decision, send
            # nothing.
            report_now = False
            withheld = "the wanted entry is no longer in force (lifted or expired)"
        update_now = bool(row.reported) or report_now
        conn.execute(
            sa.update(hits)
            .where(hits.c.hit_id == row.hit_id)
            .values(
                state=decision,
                decided_by=operator.subject,
                decided_by_name=operator.name[:100],
                decided_at=now,
                decision_reason=reason,
                reported=bool(row.reported) or report_now,
            )
        )
        if report_now:
            outbox.enqueue(conn, _confirmed_report(site, row, reason, self.registry))
        if update_now:
            outbox.enqueue(
                conn,
                hit_update(
                    site,
                    hit_id=row.hit_id,
                    decision=decision,
                    reason=reason,
                    operator=operator.subject,
                    decided_at=now,
                    operator_name=operator.name,
                ),
            )
        audit.append(
            conn,
            operator.subject,
            f"hit.{'confirm' if decision == 'confirmed' else 'reject'}",
            row.hit_id,
            {
                "entry_id": row.entry_id,
                "by_name": operator.name,
                "reason": reason,
                "level": row.level,
                "report_sent": report_now,
                "update_sent": update_now,
                "report_withheld": withheld,
                "queue_item_hits": group,
            },
            ts=now,
        )
        return report_now, update_now, withheld


def _in_force(row: Any, now: datetime) -> bool:
    """Whether the hit's wanted entry is still on the hotlist and not expired."""
    return row.entry_expires_at is not None and utc(row.entry_expires_at) > now


def _confirmed_report(site: str, row: Any, reason: str, registry: CameraRegistry) -> Any:
    camera = registry.get(row.camera_id) or _camera_from_db_missing(row.camera_id)
    alert = is_alert(row.match_level, row.text_rank, row.decision_rule)
    return location_report(
        site,
        hit_id=row.hit_id,
        entry_id=row.entry_id,
        hotlist_version=row.hotlist_version,
        camera=camera,
        read_at=utc(row.read_at),
        plate_read=row.plate_read,
        level=row.level,
        score=float(row.score),
        explanation=report_text(
            status_line(
                alert=alert, level=row.level, score=float(row.score), confirmed_reason=reason
            ),
            row.explanation,
        ),
        read_confidence=float(row.confidence),
        snapshot_ref=snapshot_ref_for(row.hit_id, bool(row.has_snapshot), row.snapshot_ref),
        retrospective=bool(row.retrospective),
        decision=decision_for(alert=alert, confirmed=True),
        assessment=stored_report_assessment(
            row.assessment,
            (row.entry_colour, row.entry_type),
            (row.vehicle_colour, row.vehicle_type),
        ),
        match=report_match(_explanation(row)),
    )


def _explanation(row: Any) -> Explanation | None:
    """The structure of a hit row's match, derived again from what the row keeps."""
    return hit_explanation(
        text=row.plate_read,
        registered=row.entry_plate,
        match_level=row.match_level,
        reported_level=row.level,
        rank=int(row.text_rank),
        confidence=float(row.confidence),
        alternatives=row.alternatives,
    )


def _why(row: Any) -> dict[str, Any] | None:
    """Why the hit matched, as data the console words (docs/center.md)."""
    why = _explanation(row)
    return None if why is None else why.as_dict()


def _camera_from_db_missing(camera_id: str) -> CameraInfo:
    raise Conflict(
        f"camera {camera_id} of this hit is no longer in the registry, so its location "
        "cannot be reported; re-import the camera first",
        field="camera_id",
        key="candidate.camera_missing",
        params={"camera_id": camera_id},
    )
