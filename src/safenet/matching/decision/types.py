"""The decision chain's domain types: what it is fed, what it decides, and the rules it keeps.

Every type is a frozen value. Times are stream times in Unix seconds (the reads'
own ``ts``), never the wall clock: the chain must decide the same way live and
when ``safenet match`` replays a file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from safenet.matching.types import Match
from safenet.tracking import DEFAULT_PLAUSIBILITY, GeoPoint, PlausibilityPolicy
from safenet.vehicles import Description

DEFAULT_HOLD_S = 60.0
"""How long a weak candidate may wait for corroboration before it is dropped."""

DEFAULT_WINDOW_S = 300.0
"""How long the reads of an entry are kept as evidence (the center's alert window)."""

DEFAULT_PASS_GAP_S = 5.0
"""Reads at one camera this close in time are one pass of one vehicle."""

NO_DESCRIPTION = Description()
"""A vehicle nothing is known about."""

CONTRADICTION_RATIO = 0.25
"""A description whose likelihood ratio is at or below this contradicts the entry."""

AGREEMENT_RATIO = 1.5
"""A description part whose likelihood ratio is at or above this agrees with the entry."""

BACKING_RATIO = 4.0
"""An agreeing description backs an unsure exact read when its ratio is at least this."""

EXACT_ALERT_CONFIDENCE = 0.7
"""Below this read confidence an exact read needs backing to be an alert (docs/matching.md)."""

DEFAULT_MEMORY_S = 86_400.0
"""How long the neighbour memory keeps a surely read real plate near an entry (24 h)."""

MEMORY_CONFIDENCE = 0.9
"""A read of another valid plate at or above this confidence is remembered (read surely)."""

MEMORY_PLATES = 32
"""At most this many real plates are remembered per entry (the least recently read go)."""

MEMORY_PASSES = 16
"""At most this many camera passes are remembered per plate (the oldest go)."""

TRAFFIC_S = 3_600.0
"""How far back look-alike traffic near an entry is counted (the crowd; an hour)."""

TRAFFIC_PASSES = 4_096
"""At most this many look-alike passes are kept per entry for the crowd."""

RIVAL_CONFIDENCE = 0.1
"""An OCR alternative this sure that is another valid plate makes an exact read ambiguous:
the camera itself says the car may carry that plate (docs/matching.md)."""


FEATURES = ("plate", "exact", "colour", "type", "make", "support", "against")
"""The factors of a score, in the calibration file's order."""


@dataclass(frozen=True, slots=True)
class Features:
    """The factors of one match's score (see decision.evidence), with their counts."""

    plate: float
    exact: float
    colour: float
    type: float
    make: float
    support: float
    against: float
    support_reads: int = 0
    against_reads: int = 0
    pass_against_reads: int = 0
    plate_reads: int = 0  # reads of the wanted plate itself in other camera passes
    for_plate: float = 0.0  # sureness of the linked reads of the wanted plate
    for_other: float = 0.0  # sureness of the linked reads of another valid plate
    memory_reads: int = 0  # remembered passes of this read's own text, before the window
    for_memory: float = 0.0  # their summed sureness (part of ``against``)
    site_reads: int = 0  # reads of the wanted plate at another camera site (>= min distance)
    crowd: int = 0  # surely read passes of real look-alike plates near the entry, last hour
    lookalikes: int = 0  # real look-alike cars that could be this read's vehicle
    elsewhere_reads: int = 0  # reads of the wanted plate in the window out of this read's reach

    def vector(self) -> tuple[float, ...]:
        """The factor values in :data:`FEATURES` order."""
        return (
            self.plate,
            self.exact,
            self.colour,
            self.type,
            self.make,
            self.support,
            self.against,
        )


class State(StrEnum):
    """What becomes of a match.

    ``alert`` and ``candidate`` are surfaced (an operator sees them; an alert goes
    to the police at once); ``held`` waits for corroboration, up to the hold time;
    ``dropped`` is never surfaced.
    """

    ALERT = "alert"
    CANDIDATE = "candidate"
    HELD = "held"
    DROPPED = "dropped"

    @property
    def surfaced(self) -> bool:
        """Whether an operator sees it."""
        return self in (State.ALERT, State.CANDIDATE)


class Rule(StrEnum):
    """Which rule of the chain decided, for the record and the operator's words."""

    EXACT = "exact"  # exact top read, nothing contradicts it: alert at once
    EXACT_UNSURE = "exact_unsure"  # exact, but the camera was unsure and nothing backs it
    EXACT_CONTRADICTED = "exact_contradicted"  # exact, but the description contradicts it
    EXACT_AMBIGUOUS = "exact_ambiguous"  # exact, but the camera's alternatives name another plate
    NO_EVIDENCE = "no_evidence"  # nothing to weigh beyond the plate: surfaced as today
    SURFACED = "surfaced"  # score at or above the surfacing threshold
    HELD = "held"  # below it: waiting for corroboration
    CORROBORATED = "corroborated"  # a later read lifted it over the threshold
    NOT_CORROBORATED = "not_corroborated"  # the hold ran out
    LOOKALIKES = "lookalikes"  # real look-alike cars are about: held for a read they cannot give
    EXACT_LOOKALIKE = "exact_lookalike"  # exact, but a real look-alike car could be the vehicle
    EXACT_ELSEWHERE = "exact_elsewhere"  # exact, but the plate was read out of reach meanwhile


@dataclass(frozen=True, slots=True)
class Observation:
    """One read as the chain weighs it: what was read, where, when, how sure, how it looked.

    ``text`` is the normalized top text; ``point`` the camera's position when the
    camera list knows it; ``seen`` the description the camera reported.
    """

    read_id: str
    camera_id: str
    ts: float
    text: str
    confidence: float
    point: GeoPoint | None = None
    seen: Description = NO_DESCRIPTION
    valid_plate: bool = True
    rival: str | None = None  # the surest OCR alternative that is another valid plate
    rival_confidence: float = 0.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.ts):
            raise ValueError(f"ts must be a finite number of seconds, got {self.ts!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be between 0 and 1, got {self.confidence!r}")


@dataclass(frozen=True, slots=True)
class WantedVehicle:
    """A wanted entry as the chain needs it: its plate, what the vehicle looks like, its threshold.

    ``plate`` is the normalized registered plate or witness pattern; ``pattern``
    says which; ``min_score`` is the entry's reporting threshold (its policy's, or
    an override): matches below it are evidence only, never a line of their own.
    """

    entry_id: str
    plate: str
    description: Description = NO_DESCRIPTION
    min_score: float = 0.025
    pattern: bool = False


@dataclass(frozen=True, slots=True)
class Factor:
    """One factor of a decision: how much it moved the score, and why, in both languages.

    ``contribution`` is in log-odds: positive raised the score, negative lowered it.
    ``code`` and ``params`` say the same as ``ko``/``en`` as data, for a console to
    word in its own catalogue (:func:`safenet.matching.decision.wording.factor_code`).
    """

    factor: str
    contribution: float
    ko: str
    en: str
    code: str = ""
    params: dict[str, str | int | float | None] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the chain decided about one match, why, and when.

    ``score`` is the calibrated probability that the read is the entry's vehicle;
    ``decided_ts`` the stream time of this decision; ``surfaced_ts`` when an
    operator first saw it (None while held or when dropped); ``group`` is the
    queue item it belongs to: (entry id, the plate the vehicle appears to carry).
    ``final`` is False only for ``held``: a later decision on the same match follows.
    ``features`` are the factor values the score was computed from (for the record
    and for refitting the calibration).
    """

    match: Match
    state: State
    rule: Rule
    score: float
    factors: tuple[Factor, ...]
    ko: str
    en: str
    ts: float
    decided_ts: float
    surfaced_ts: float | None
    group: tuple[str, str]
    features: Features
    threshold: float = 0.0  # the surfacing threshold the rule's words name
    hold_s: float = 0.0  # the hold time the rule's words name

    @property
    def final(self) -> bool:
        """Whether no later decision on this match will follow."""
        return self.state is not State.HELD

    @property
    def read_id(self) -> str:
        """The read decided on."""
        return self.match.read_id

    @property
    def entry_id(self) -> str:
        """The entry it may be."""
        return self.match.entry_id


@dataclass(frozen=True, slots=True)
class DecisionPolicy:
    """The chain's settings: how long to hold and keep evidence, and when to surface.

    ``surface_at`` None means the calibration file's threshold. ``memory_*`` bound
    the neighbour memory (:mod:`safenet.matching.decision.memory`): how long a
    surely read real plate near an entry is remembered, how sure its read must be,
    and how many plates per entry and passes per plate are kept (0 turns it off).
    ``lookalike_s``: a real look-alike car read surely this long before a read, at a
    camera from which the read's is reachable, could be that read's vehicle (the
    read then needs corroboration a look-alike cannot give); ``traffic_s`` and
    ``traffic_passes``: how far back and how many look-alike passes are counted for
    the crowd (0 passes turns both off).
    """

    hold_s: float = DEFAULT_HOLD_S
    window_s: float = DEFAULT_WINDOW_S
    pass_gap_s: float = DEFAULT_PASS_GAP_S
    surface_at: float | None = None
    contradiction_ratio: float = CONTRADICTION_RATIO
    exact_alert_confidence: float = EXACT_ALERT_CONFIDENCE
    rival_confidence: float = RIVAL_CONFIDENCE
    plausibility: PlausibilityPolicy = DEFAULT_PLAUSIBILITY
    memory_s: float = DEFAULT_MEMORY_S
    memory_confidence: float = MEMORY_CONFIDENCE
    memory_plates: int = MEMORY_PLATES
    memory_passes: int = MEMORY_PASSES
    lookalike_s: float = DEFAULT_WINDOW_S
    lookalike_exact_s: float = TRAFFIC_S
    traffic_s: float = TRAFFIC_S
    traffic_passes: int = TRAFFIC_PASSES

    def __post_init__(self) -> None:
        for name in (
            "hold_s",
            "window_s",
            "pass_gap_s",
            "memory_s",
            "lookalike_s",
            "lookalike_exact_s",
            "traffic_s",
        ):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a number of seconds >= 0, got {value!r}")
        if self.window_s < self.hold_s:
            raise ValueError(
                f"window_s ({self.window_s}) must be at least hold_s ({self.hold_s}): "
                "a held candidate needs its evidence until the hold ends"
            )
        if self.surface_at is not None and not 0.0 <= self.surface_at <= 1.0:
            raise ValueError(f"surface_at must be between 0 and 1, got {self.surface_at!r}")
        if not 0.0 <= self.exact_alert_confidence <= 1.0:
            raise ValueError(
                "exact_alert_confidence must be between 0 and 1, "
                f"got {self.exact_alert_confidence!r}"
            )
        if not 0.0 < self.rival_confidence <= 1.0:
            raise ValueError(
                f"rival_confidence must be above 0 and at most 1, got {self.rival_confidence!r}"
            )
        if not 0.0 < self.memory_confidence < 1.0:
            raise ValueError(
                f"memory_confidence must be above 0 and below 1, got {self.memory_confidence!r}"
            )
        for name in ("memory_plates", "memory_passes", "traffic_passes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
        if not 0.0 < self.contradiction_ratio < 1.0:
            raise ValueError(
                f"contradiction_ratio must be between 0 and 1, got {self.contradiction_ratio!r}"
            )
