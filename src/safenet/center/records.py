"""Writing hits: the hit row, its read marked as a hit, and its LocationReport in the outbox.

Used by the live pipeline's persist stage and by the retrospective look-up, always
inside the caller's transaction, so a hit and its report commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.center.decide import assessment_record, report_assessment
from safenet.center.explain_view import hit_explanation, report_match
from safenet.center.reports import (
    decision_for,
    explain_hit,
    location_report,
    report_text,
    snapshot_ref_for,
    status_line,
)
from safenet.center.tables import hits, reads
from safenet.center.types import CameraInfo, HitDraft
from safenet.link import outbox
from safenet.store import insert_if_absent


@dataclass(frozen=True, slots=True)
class ReadRecord:
    """A stored read, as far as writing its hits needs it."""

    seq: int
    read_id: str
    camera_id: str
    read_at: datetime
    confidence: float
    vehicle_colour: str | None
    vehicle_type: str | None
    has_snapshot: bool
    snapshot_ref: str | None
    alternatives: tuple[tuple[str, float], ...] = ()
    marked_hit: bool = False
    """The read's row was written with ``is_hit`` already (the batch's own reads with
    hits): no UPDATE of the partitioned ``reads`` table for it."""


@dataclass(frozen=True, slots=True)
class HitWrite:
    """One hit to write: the decision, the read it came from, and its camera."""

    draft: HitDraft
    read: ReadRecord
    camera: CameraInfo


def write_hits(conn: Connection, site: str, writes: Iterable[HitWrite], now: datetime) -> int:
    """Insert hits (a hit already stored is left alone) and queue their reports.

    Returns how many hits were new. Reads of new hits are marked as hits so that the
    retention purge of non-hit reads leaves them for the hit retention.
    """
    new_reads: set[int] = set()
    count = 0
    for w in writes:
        draft, read = w.draft, w.read
        explanation = explain_hit(
            draft,
            read_confidence=read.confidence,
            vehicle_colour=read.vehicle_colour,
            vehicle_type=read.vehicle_type,
        )
        if not insert_if_absent(conn, hits, _row(draft, read, explanation, now), ["hit_id"]):
            continue
        count += 1
        if not read.marked_hit:
            new_reads.add(read.seq)
        if draft.reported:
            outbox.enqueue(
                conn,
                location_report(
                    site,
                    hit_id=draft.hit_id,
                    entry_id=draft.entry.entry_id,
                    hotlist_version=draft.match.version,
                    camera=w.camera,
                    read_at=read.read_at,
                    plate_read=draft.match.text,
                    level=draft.level,
                    score=draft.match.score,
                    explanation=report_text(
                        status_line(alert=draft.alert, level=draft.level, score=draft.match.score),
                        explanation,
                    ),
                    read_confidence=read.confidence,
                    snapshot_ref=snapshot_ref_for(
                        draft.hit_id, read.has_snapshot, read.snapshot_ref
                    ),
                    retrospective=draft.retrospective,
                    decision=decision_for(alert=draft.alert),
                    assessment=None
                    if draft.assessment is None
                    else report_assessment(
                        draft.assessment, draft.entry, read.vehicle_colour, read.vehicle_type
                    ),
                    match=report_match(
                        hit_explanation(
                            text=draft.match.text,
                            registered=draft.match.registered,
                            match_level=draft.match.level.value,
                            reported_level=draft.level,
                            rank=draft.match.rank,
                            confidence=read.confidence,
                            alternatives=read.alternatives,
                        )
                    ),
                ),
            )
    if new_reads:
        conn.execute(sa.update(reads).where(reads.c.seq.in_(sorted(new_reads))).values(is_hit=True))
    return count


def _row(draft: HitDraft, read: ReadRecord, explanation: str, now: datetime) -> dict[str, Any]:
    match = draft.match
    return {
        "hit_id": draft.hit_id,
        "read_seq": read.seq,
        "read_id": read.read_id,
        "camera_id": read.camera_id,
        "entry_id": draft.entry.entry_id,
        "hotlist_version": match.version,
        "read_at": read.read_at,
        "detected_at": now,
        "plate_read": match.text[:16],
        "level": draft.level,
        "match_level": match.level.value,
        "text_rank": match.rank,
        "score": match.score,
        "explanation": explanation,
        "read_confidence": read.confidence,
        "state": draft.state.value,
        "reported": draft.reported,
        "retrospective": draft.retrospective,
        "impossible_journey": draft.impossible_journey,
        "journey_note": draft.journey_note,
        "suppressed_by": draft.suppressed_by,
        "decision_rule": None if draft.assessment is None else draft.assessment.rule.value,
        "group_plate": None if draft.group_plate is None else draft.group_plate[:16],
        "assessment": None if draft.assessment is None else assessment_record(draft.assessment),
    }
