"""What a center tells the police about a hit: the LocationReport, its explanation, updates.

Each report carries the center's decision (:func:`decision_for`): ``alert``,
``candidate`` or ``confirmed``; the police take it as it is. The explanation is
written for the dispatcher who reads it: it starts with ALERT or CANDIDATE (so nobody
acts on an unconfirmed candidate by mistake), then says why the read matched, how sure
the OCR was, what vehicle the camera saw, and whether the journey since the entry's
previous hit was possible.
"""

from __future__ import annotations

from datetime import datetime

from safenet.center.types import CameraInfo, HitDraft
from safenet.link.messages import (
    Coordinates,
    HitUpdate,
    LocationReport,
    ReportAssessment,
    ReportMatch,
)
from safenet.vocabulary import ReportDecision

MAX_EXPLANATION = 4000


def decision_for(*, alert: bool, confirmed: bool = False) -> ReportDecision:
    """The decision a report carries: an alert, a candidate, or one an operator confirmed."""
    if confirmed:
        return "confirmed"
    return "alert" if alert else "candidate"


def snapshot_ref_for(hit_id: str, has_snapshot: bool, camera_ref: str | None) -> str | None:
    """The snapshot's reference in a report: ours when we hold the image, else the camera's."""
    if has_snapshot:
        return f"hits/{hit_id}/snapshot"
    return camera_ref


def explain_hit(
    draft: HitDraft,
    *,
    read_confidence: float,
    vehicle_colour: str | None,
    vehicle_type: str | None,
) -> str:
    """Why the read is the entry's vehicle, and what speaks against it (kept with the hit)."""
    match = draft.match
    parts = [
        f"Match: {match.explanation} (registered {match.registered}).",
        f"Read confidence {read_confidence:.2f}.",
    ]
    seen = " ".join(v for v in (vehicle_colour, vehicle_type) if v)
    if seen or draft.entry.vehicle:
        wanted = draft.entry.vehicle or "not described"
        parts.append(f"Vehicle seen: {seen or 'not described'}; wanted: {wanted}.")
    if draft.impossible_journey and draft.journey_note:
        parts.append(f"IMPOSSIBLE JOURNEY: {draft.journey_note} (likely misread or cloned plate).")
    elif draft.journey_note:
        parts.append(f"Journey: {draft.journey_note}.")
    if draft.retrospective:
        parts.append(
            f"Retrospective: found in the center's retained reads when the entry was added "
            f"(hotlist version {match.version})."
        )
    return " ".join(parts)


def status_line(
    *, alert: bool, level: str, score: float, confirmed_reason: str | None = None
) -> str:
    """The first sentence of a report: what the police may do with it."""
    if confirmed_reason is not None:
        kind = "ALERT" if alert else f"CANDIDATE ({level}, score {score:.2f})"
        return f"{kind}, CONFIRMED by an operator at the center before sending: {confirmed_reason}."
    if alert:
        return "ALERT: exact match on the plate as read."
    return (
        f"CANDIDATE, unconfirmed ({level}, score {score:.2f}): an operator at the center must "
        "confirm it against the snapshot before officers act on it."
    )


def report_text(status: str, body: str) -> str:
    """A report's explanation: the status sentence, then the hit's explanation."""
    text = f"{status} {body}"
    return text if len(text) <= MAX_EXPLANATION else text[: MAX_EXPLANATION - 1] + "…"


def location_report(
    site: str,
    *,
    hit_id: str,
    entry_id: str,
    hotlist_version: int,
    camera: CameraInfo,
    read_at: datetime,
    plate_read: str,
    level: str,
    score: float,
    explanation: str,
    read_confidence: float,
    snapshot_ref: str | None,
    retrospective: bool,
    decision: ReportDecision,
    assessment: ReportAssessment | None = None,
    match: ReportMatch | None = None,
) -> LocationReport:
    """The LocationReport of one hit."""
    return LocationReport(
        site=site,
        hit_id=hit_id,
        entry_id=entry_id,
        hotlist_version=hotlist_version,
        camera_id=camera.camera_id,
        coordinates=Coordinates(lat=camera.lat, lon=camera.lon),
        address=camera.address[:200],
        heading=camera.heading,
        read_at=read_at,
        plate_read=plate_read,
        level=level,  # type: ignore[arg-type]
        score=min(1.0, max(0.0, score)),
        explanation=explanation[:MAX_EXPLANATION],
        read_confidence=read_confidence,
        snapshot_ref=snapshot_ref,
        retrospective=retrospective,
        decision=decision,
        assessment=assessment,
        match=match,
    )


def hit_update(
    site: str,
    *,
    hit_id: str,
    decision: str,
    reason: str,
    operator: str,
    decided_at: datetime,
    operator_name: str | None = None,
) -> HitUpdate:
    """An operator's decision on a hit, for the police (with the operator's rank and name)."""
    name = (operator_name or "").strip()[:100] or None
    return HitUpdate(
        site=site,
        hit_id=hit_id,
        decision=decision,  # type: ignore[arg-type]
        reason=reason,
        operator=operator,
        decided_at=decided_at,
        operator_name=name,
    )
