"""The center's domain types: reads as cameras send them, their fate in the pipeline, hits.

A read enters as an :class:`IncomingRead` (checked field by field at ingest), travels
the pipeline as a :class:`ReadItem` that each stage may mark, and leaves as accepted
(stored, perhaps with :class:`HitDraft` hits), duplicate, or rejected with a
:class:`Rejection` that names the field and the reason. A :class:`Step` that failed on
a read and let it go on is kept in the read's ``not_done``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from safenet.matching import Level, Match
from safenet.matching.decision import Decision

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware (tests inject their own)."""


def system_clock() -> datetime:
    """The real time in UTC."""
    return datetime.now(UTC)


class RejectCode(StrEnum):
    """Why a read was refused, as counted in ``center_reads_rejected_total{reason}``."""

    SCHEMA = "schema"  # a field is missing or of the wrong type or range
    PLATE = "plate"  # the plate text cannot be a plate
    TIMESTAMP = "timestamp"  # not RFC 3339 with an offset
    FUTURE = "future"  # later than now plus center.max_clock_skew_s
    STALE = "stale"  # older than the read retention: it would be purged at once
    UNKNOWN_CAMERA = "unknown_camera"  # the camera is not in this center's registry
    SNAPSHOT = "snapshot"  # not base64, not a JPEG, or too large
    PIPELINE = "pipeline_error"  # a stage failed for this read; the sender may retry


@dataclass(frozen=True, slots=True)
class Rejection:
    """A read that was refused: which field, why, and the code it is counted under."""

    field: str
    reason: str
    code: RejectCode


@dataclass(frozen=True, slots=True)
class IncomingRead:
    """One plate read as a camera sent it, after every field was checked on its own."""

    read_id: str
    camera_id: str
    ts: datetime
    plate: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()
    snapshot_jpeg: bytes | None = None
    snapshot_ref: str | None = None
    vehicle_colour: str | None = None
    vehicle_type: str | None = None


class Step(StrEnum):
    """A step of the read pipeline (docs/center.md, "The pipeline"), in order."""

    NORMALIZE = "normalize"
    DEDUPLICATE = "deduplicate"
    MATCH = "match"
    DECIDE = "decide"
    PLAUSIBILITY = "plausibility"
    SUPPRESS = "suppress"
    PERSIST = "persist"
    LEARN = "learn"


class ReadFate(StrEnum):
    """Where a read stands in the pipeline."""

    LIVE = "live"  # still moving through the stages
    ACCEPTED = "accepted"  # committed (with its hits, if any)
    DUPLICATE = "duplicate"  # the same read again, or the same plate at the same camera
    REJECTED = "rejected"  # refused; see its rejection


@dataclass(frozen=True, slots=True)
class CameraInfo:
    """What a hit needs to know about the camera that read it."""

    camera_id: str
    lat: float
    lon: float
    heading: float | None
    address: str
    retention_days: int | None


@dataclass(frozen=True, slots=True)
class EntryInfo:
    """A wanted entry as the center holds it: what matching and reporting need."""

    entry_id: str
    plate: str
    category: str
    expires_at: datetime
    fuzzy_allowance: float
    vehicle: str
    policy: str
    confirm_before_send: bool
    colour: str | None = None
    """The wanted vehicle's colour, a code of :mod:`safenet.vehicles` (None: not said)."""
    vehicle_type: str | None = None
    """Its body type, a code of :mod:`safenet.vehicles` (None: not said)."""
    make: str | None = None
    model: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now


class HitState(StrEnum):
    """Where a hit stands."""

    ALERT = "alert"  # exact on the top text: reported as an alert, no decision needed
    PENDING = "pending"  # a candidate (or a held hit) waiting for an operator
    CONFIRMED = "confirmed"  # an operator confirmed it
    REJECTED = "rejected"  # an operator rejected it
    SUPPRESSED = "suppressed"  # the same entry at the same camera was reported just before


@dataclass(slots=True)
class HitDraft:
    """A match on its way to becoming a hit row (and perhaps a LocationReport)."""

    match: Match
    entry: EntryInfo
    hit_id: str
    alert: bool
    held: bool
    level: str
    retrospective: bool = False
    state: HitState = HitState.PENDING
    suppressed_by: str | None = None
    impossible_journey: bool = False
    journey_note: str | None = None
    assessment: Decision | None = None
    """The decision chain's verdict on the match (None when the chain did not run)."""
    group_plate: str | None = None
    """The plate the vehicle appears to carry: with the entry, the hit's queue item."""

    @property
    def reported(self) -> bool:
        """Whether a LocationReport goes out with the hit's commit."""
        return self.state in (HitState.ALERT, HitState.PENDING) and not self.held


@dataclass(slots=True)
class ReadItem:
    """A read moving through the pipeline, with what the stages found out about it."""

    incoming: IncomingRead
    ingested_at: float
    """``time.perf_counter()`` when the read arrived (for the latency histogram)."""
    received_at: datetime
    fate: ReadFate = ReadFate.LIVE
    rejection: Rejection | None = None
    plate: str = ""
    alternatives: tuple[tuple[str, float], ...] = ()
    camera: CameraInfo | None = None
    hits: list[HitDraft] = field(default_factory=list)
    evidence: list[Match] = field(default_factory=list)
    """Matches below their entry's threshold: evidence for the decision chain, no hit."""
    not_done: set[Step] = field(default_factory=set)
    """Steps that failed on this read and let it go on without their work."""
    seq: int | None = None

    @property
    def live(self) -> bool:
        return self.fate is ReadFate.LIVE

    @property
    def camera_id(self) -> str:
        return self.incoming.camera_id

    @property
    def read_at(self) -> datetime:
        return self.incoming.ts

    def reject(self, field_name: str, reason: str, code: RejectCode) -> None:
        self.fate = ReadFate.REJECTED
        self.rejection = Rejection(field_name, reason, code)

    def duplicate(self) -> None:
        self.fate = ReadFate.DUPLICATE


ALERT_RULE = "exact"
"""The one decision-chain rule that alerts (:attr:`safenet.matching.decision.Rule.EXACT`).

The chain alerts with this rule and only with it; every other rule on an exact top
read (its camera unsure, its description contradicted, its alternatives naming another
plate, a look-alike car about, the plate read out of reach meanwhile, a held read
corroborated later) makes a candidate. A stored hit's ``decision_rule`` says which.
"""


def is_alert(match_level: str, text_rank: int, rule: str | None = None) -> bool:
    """Whether a hit alerts at once: only an exact match on the camera's top text does.

    ``rule`` is the decision chain's, when it ran: the hit alerts only if the chain's
    rule is :data:`ALERT_RULE` (a new rule that makes an exact read a candidate can
    never turn into an alert here by being missing from a list).
    """
    return (
        match_level == Level.EXACT.value and text_rank == 0 and (rule is None or rule == ALERT_RULE)
    )


def hit_id_for(site: str, camera_id: str, read_id: str, entry_id: str) -> str:
    """The hit's id: fixed by the read and the entry, so a replayed read makes the same hit."""
    digest = hashlib.blake2b(
        f"{site}/{camera_id}/{read_id}/{entry_id}".encode(), digest_size=10
    ).hexdigest()
    return f"hit-{digest}"
