"""Hits: what a center reports of a read that hit a wanted entry."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import Meta

from safenet.link.messages.base import (
    REPORT_SCHEMA_VERSION,
    HotlistVersion,
    Identifier,
    LongText,
    Probability,
    ShortText,
    UtcTime,
    _FromCenter,
    _time_key,
)
from safenet.link.messages.hotlist import VehicleWord
from safenet.link.subjects import Family
from safenet.vocabulary import MatchLevel, ReportDecision

# ---- hits (center -> police) -----------------------------------------------------------


class Coordinates(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A WGS 84 position."""

    lat: Annotated[float, Meta(ge=-90.0, le=90.0)]
    lon: Annotated[float, Meta(ge=-180.0, le=180.0)]


FactorKey = Annotated[str, Meta(pattern=r"^[a-z_]{1,24}$")]
FactorValue = Annotated[str, Meta(max_length=40)] | int | float | None


class ReportDifference(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One way the plate read differs from the registered one (issue 18).

    ``factor``: ``lookalike``, ``substitution``, ``inserted``, ``deleted``,
    ``dropped_digit`` or ``no_region``; ``position`` indexes the plate read (null
    for a dropped class digit or a lost region); ``part`` and ``digit`` name the
    plate part there (``region``, ``class_number``, ``usage``, ``serial``, ...).
    """

    factor: Annotated[str, Meta(pattern=r"^[a-z_]{1,24}$")]
    position: Annotated[int, Meta(ge=0, le=16)] | None = None
    part: Annotated[str, Meta(pattern=r"^[a-z_]{1,24}$")] | None = None
    digit: Annotated[int, Meta(ge=1, le=16)] | None = None
    read_char: Annotated[str, Meta(max_length=4)] = ""
    registered_char: Annotated[str, Meta(max_length=4)] = ""


class ReportMatch(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Why the read matched, as data the police's console words (issue 18).

    ``kind``: ``exact``, ``exact_alternative`` (the registered plate was only one of
    the OCR's alternatives), ``pattern`` (a witness's partial plate) or ``misread``
    (the ``differences``); ``rank`` 0 is the camera's top read, k its k-th
    alternative, with that text's ``confidence``.
    """

    kind: Annotated[str, Meta(pattern=r"^[a-z_]{1,24}$")]
    level: MatchLevel
    reported_level: MatchLevel
    text: Annotated[str, Meta(max_length=16)]
    registered: Annotated[str, Meta(max_length=40)]
    rank: Annotated[int, Meta(ge=0, le=16)] = 0
    confidence: Probability | None = None
    differences: Annotated[list[ReportDifference], Meta(max_length=4)] = []


class ReportFactor(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One factor of the center's decision score, with its effect and its words."""

    factor: Annotated[str, Meta(pattern=r"^[a-z_]{1,24}$")]
    contribution: Annotated[
        float, Meta(ge=-100.0, le=100.0, description="Log-odds: positive raised the score.")
    ]
    ko: Annotated[str, Meta(max_length=500)]
    en: Annotated[str, Meta(max_length=500)]
    code: (
        Annotated[
            str,
            Meta(
                pattern=r"^[a-z_]{1,24}$",
                description="What the factor says, as a code the console words (issue 18).",
            ),
        ]
        | None
    ) = None
    params: Annotated[
        dict[FactorKey, FactorValue],
        Meta(max_length=8, description="The values the factor's words name (issue 18)."),
    ] = {}


class ReportAssessment(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Why the center's decision chain reported a hit (docs/matching.md, "Decisions").

    The calibrated score, the rule that decided and its words, every factor with
    its effect, how many linked reads backed it (``reads_for``: the wanted plate in
    other passes; ``reads_support``: every read that raised it) or spoke against it
    (``reads_against``), and the two descriptions compared (vocabulary codes).
    """

    score: Probability
    rule: Annotated[str, Meta(pattern=r"^[a-z_]{1,24}$")]
    ko: Annotated[str, Meta(max_length=1000)]
    en: Annotated[str, Meta(max_length=1000)]
    factors: Annotated[list[ReportFactor], Meta(max_length=12)] = []
    reads_for: Annotated[int, Meta(ge=0)] = 0
    reads_support: Annotated[int, Meta(ge=0)] = 0
    reads_against: Annotated[int, Meta(ge=0)] = 0
    wanted_colour: VehicleWord | None = None
    wanted_type: VehicleWord | None = None
    seen_colour: VehicleWord | None = None
    seen_type: VehicleWord | None = None
    threshold: Probability | None = None  # the surfacing threshold the rule names
    hold_s: (
        Annotated[
            float, Meta(ge=0.0, le=86400.0, description="The hold time the rule names (seconds).")
        ]
        | None
    ) = None


class LocationReport(_FromCenter, frozen=True, kw_only=True, tag="location_report"):
    """Where and when a center's camera saw a wanted vehicle: one hit, sent to the police.

    ``decision`` is the center's: ``alert`` (exact on the camera's top text: officers may
    act on it), ``candidate`` (to be confirmed against the snapshot before officers act;
    the center's operator decides and a HitUpdate follows) or ``confirmed`` (a candidate
    the center's operator confirmed before sending). The police take it as it is.

    Schema version 2. A version-1 report has no ``decision``; it meant ``alert`` for
    level ``exact`` and ``candidate`` for any other level (:attr:`center_decision`).
    """

    family: ClassVar[Family] = Family.REPORT

    # Wider than the base's Literal[1]: msgspec checks each class's own field.
    schema_version: Literal[1, 2] = REPORT_SCHEMA_VERSION  # type: ignore[assignment]

    hit_id: Identifier
    entry_id: Identifier
    hotlist_version: HotlistVersion
    camera_id: Identifier
    coordinates: Coordinates
    address: ShortText
    heading: (
        Annotated[
            float, Meta(ge=0.0, lt=360.0, description="Direction of travel, degrees from north.")
        ]
        | None
    ) = None
    read_at: UtcTime
    plate_read: Annotated[str, Meta(min_length=1, max_length=16, description="The plate as read.")]
    level: MatchLevel
    score: Probability
    explanation: LongText
    read_confidence: Probability
    snapshot_ref: (
        Annotated[
            str,
            Meta(max_length=200, description="The snapshot's id in the center's evidence store."),
        ]
        | None
    ) = None
    retrospective: Annotated[
        bool,
        Meta(description="Found in recent reads when the entry was registered, not live."),
    ] = False
    decision: (
        Annotated[
            ReportDecision,
            Meta(
                description="The center's decision: `alert`, `candidate` or `confirmed` "
                "(required from schema version 2; absent in version 1)."
            ),
        ]
        | None
    ) = None
    assessment: (
        Annotated[
            ReportAssessment,
            Meta(description="Why the center's decision chain reported it (optional)."),
        ]
        | None
    ) = None
    match: (
        Annotated[
            ReportMatch,
            Meta(description="Why the read matched, as data (optional; issue 18)."),
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        if self.schema_version >= REPORT_SCHEMA_VERSION and self.decision is None:
            raise ValueError(
                "decision: required from schema version 2 (alert, candidate or confirmed)"
            )
        if self.schema_version < REPORT_SCHEMA_VERSION and self.decision is not None:
            raise ValueError("decision: not part of schema version 1")
        if self.decision == "alert" and self.level != "exact":
            raise ValueError(
                f"decision: an alert is an exact match on the camera's top text, "
                f"not level {self.level!r}"
            )
        super().__post_init__()

    @property
    def center_decision(self) -> ReportDecision:
        """The center's decision; for a version-1 report, what that version meant."""
        if self.decision is not None:
            return self.decision
        return "alert" if self.level == "exact" else "candidate"

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.hit_id)


class HitUpdate(_FromCenter, frozen=True, kw_only=True, tag="hit_update"):
    """A center operator's decision on a candidate hit after looking at the snapshot."""

    family: ClassVar[Family] = Family.UPDATE

    hit_id: Identifier
    decision: Literal["confirmed", "rejected"]
    reason: Annotated[str, Meta(min_length=1, max_length=2000)]
    operator: Identifier
    decided_at: UtcTime
    operator_name: (
        Annotated[
            str,
            Meta(
                min_length=1,
                max_length=100,
                description="The operator's rank and real name, as records show it "
                "('주무관 박서연'); absent from older centers.",
            ),
        ]
        | None
    ) = None

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.hit_id, self.decision, _time_key(self.decided_at))


class LookupCapExceeded(_FromCenter, frozen=True, kw_only=True, tag="lookup_cap_exceeded"):
    """A center's retrospective look-up for an entry found more vehicles than the cap.

    Only the first ``max_vehicles`` (the strongest matches) were kept, every hit held for
    an operator; the others were dropped. The police raise an alarm (the entry is
    behaving like a search of everyone). Carries counts only, never a plate.
    """

    family: ClassVar[Family] = Family.UPDATE

    entry_id: Identifier
    hotlist_version: HotlistVersion
    vehicles: Annotated[int, Meta(ge=0, description="Distinct vehicles the look-up found.")]
    max_vehicles: Annotated[int, Meta(ge=1, description="The cap (privacy.lookup_max_vehicles).")]
    looked_up_at: UtcTime

    def natural_key(self) -> tuple[str, ...]:
        return (self.site, self.entry_id, str(self.hotlist_version))
