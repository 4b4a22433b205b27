"""Privacy limits: a wanted entry must not become a search of everyone.

Pure rules the police's registration gate and the center's retrospective look-up call
(the services wire them; docs/matching.md, "Privacy limits"):

- :class:`PatternPolicy` judges a witness pattern by how many plates it can match
  (:func:`~safenet.matching.specificity.specificity`). Vaguer than the hard floor: refused,
  with the reason. Between the floor and the description threshold: allowed only with
  a vehicle description (colour and type) and a category that allows it, and every hit
  on it is held for an operator. Specific enough: allowed as is. Witnesses often
  remember only the last four digits, so ``*4321`` (1 in 10,000) is exactly at the
  default floor: usable for a missing person's car when the colour and type are known.
- :func:`must_hold_retrospective`: a retrospective look-up hit on a pattern or a
  non-exact level is held for the operator, whatever the category.
- :func:`cap_lookup`: a retrospective look-up reports at most ``max_vehicles`` distinct
  vehicles; more is an alarm to both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from safenet.matching.patterns import MIN_BITS, PatternError, is_pattern
from safenet.matching.specificity import Specificity, specificity
from safenet.matching.types import Level

T = TypeVar("T")

DEFAULT_FLOOR_ONE_IN = 10_000
"""Vaguer than 1 plate in 10,000 is refused: ``*4321`` (the four serial digits a witness
most often remembers) passes, ``12가*`` (1 in 3,960 of the 2-digit plates, some 6,600
cars nationwide) and ``*456`` (1 in 1,000) do not."""

DEFAULT_DESCRIBE_BELOW_ONE_IN = 1_000_000
"""Vaguer than 1 in a million needs a description, a category that allows it, and every
hit held: a pattern that fits about 26 or more of Korea's 26 million vehicles cannot
send officers by itself. ``12가345?`` (1 in 3.96 million) is specific enough;
``12가34??`` (1 in 396,000, some 66 cars) is not."""

DEFAULT_VAGUE_CATEGORIES = frozenset(
    {
        "homicide",
        "robbery",
        "kidnapping",
        "sexual_assault",
        "arson",
        "suicide_risk",
        "missing_person",
    }
)
"""Categories that may use a vague pattern (with a description): the violent crimes and
dangers to life where a witness's partial plate is the usual lead. Not ``stalking``:
its suspect is known to the victim, and so is the car; a vague pattern there would be a
trawl, not a lead."""

DEFAULT_LOOKUP_MAX_VEHICLES = 3
"""A retrospective look-up reports at most this many distinct vehicles: the wanted car,
a cloned plate, a look-alike. Issue 13's ``*4321`` look-up found 8 cars in 24 hours,
none of them the one sought."""

_MIN_FLOOR = round(2**MIN_BITS)


class PatternVerdict(StrEnum):
    """What the policy says about a wanted entry's plate field."""

    ALLOWED = "allowed"
    HELD = "held"
    """Allowed, but every hit is held for an operator to confirm before it is sent."""
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class PatternProblem:
    """One reason a pattern is refused, naming the field to fix."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class PatternDecision:
    """The policy's verdict on one plate field, and what the registrar is shown."""

    verdict: PatternVerdict
    specificity: Specificity | None
    problems: tuple[PatternProblem, ...] = ()
    is_pattern: bool = True

    @property
    def allowed(self) -> bool:
        return self.verdict is not PatternVerdict.REFUSED

    @property
    def hold_hits(self) -> bool:
        """Whether every hit on the entry waits for an operator before it is sent."""
        return self.verdict is PatternVerdict.HELD

    @property
    def summary(self) -> str:
        """One line for the registrar: how vague, and what follows from it."""
        head = self.specificity.describe() if self.specificity is not None else "plate"
        if self.verdict is PatternVerdict.REFUSED:
            return f"{head}: refused — " + "; ".join(
                f"{p.field}: {p.reason}" for p in self.problems
            )
        if self.verdict is PatternVerdict.HELD:
            return f"{head}: allowed, every hit held for an operator to confirm"
        return f"{head}: allowed"


@dataclass(frozen=True, slots=True)
class PatternPolicy:
    """How vague a witness pattern may be, and on what terms.

    ``floor_one_in``: vaguer than 1 in this many plates is refused. Below
    ``describe_below_one_in`` a pattern needs a vehicle colour and type and a category
    in ``vague_categories``, and every hit on it is held for an operator.
    """

    floor_one_in: int = DEFAULT_FLOOR_ONE_IN
    describe_below_one_in: int = DEFAULT_DESCRIBE_BELOW_ONE_IN
    vague_categories: frozenset[str] = field(default=DEFAULT_VAGUE_CATEGORIES)

    def __post_init__(self) -> None:
        if self.floor_one_in < _MIN_FLOOR:
            raise ValueError(
                f"floor_one_in: {self.floor_one_in:,} is below the matcher's own floor "
                f"(1 in {_MIN_FLOOR:,})"
            )
        if self.describe_below_one_in < self.floor_one_in:
            raise ValueError(
                f"describe_below_one_in: {self.describe_below_one_in:,} is below "
                f"floor_one_in ({self.floor_one_in:,})"
            )

    def decide(
        self, plate: str, category: str, *, colour: str = "", vehicle_type: str = ""
    ) -> PatternDecision:
        """The verdict on a wanted entry's plate field for ``category``.

        ``colour`` and ``vehicle_type`` are the registered description (승용/SUV/화물…,
        or the model); empty means unknown. Every problem is listed at once.
        """
        pattern = is_pattern(plate)
        try:
            spec = specificity(plate)
        except PatternError as exc:
            if not pattern:  # a full plate the grammar check elsewhere judges
                return PatternDecision(PatternVerdict.ALLOWED, None, is_pattern=False)
            return PatternDecision(
                PatternVerdict.REFUSED, None, (PatternProblem("plate", exc.reason),)
            )
        if not pattern or spec.one_in >= self.describe_below_one_in:
            return PatternDecision(PatternVerdict.ALLOWED, spec, is_pattern=pattern)
        if spec.one_in < self.floor_one_in:
            reason = (
                f"too vague: it matches about 1 in {spec.one_in:,} plates (about "
                f"{spec.vehicles:,} registered vehicles); at least 1 in "
                f"{self.floor_one_in:,} is required — add the characters the witness is "
                "sure of"
            )
            return PatternDecision(PatternVerdict.REFUSED, spec, (PatternProblem("plate", reason),))
        problems: list[PatternProblem] = []
        vague = f"a pattern matching about 1 in {spec.one_in:,} plates"
        if category not in self.vague_categories:
            allowed = ", ".join(sorted(self.vague_categories))
            problems.append(
                PatternProblem(
                    "category", f"{category or 'none'} does not allow {vague} (allowed: {allowed})"
                )
            )
        if not colour.strip():
            problems.append(
                PatternProblem("vehicle.colour", f"is required with {vague}, so officers can tell")
            )
        if not vehicle_type.strip():
            problems.append(
                PatternProblem("vehicle.type", f"is required with {vague} (승용, SUV, 화물 …)")
            )
        if problems:
            return PatternDecision(PatternVerdict.REFUSED, spec, tuple(problems))
        return PatternDecision(PatternVerdict.HELD, spec)


def must_hold_retrospective(level: Level, entry_is_pattern: bool) -> bool:
    """Whether a retrospective look-up hit waits for an operator, whatever the category.

    Only an exact read of a full registered plate may go without a person's look: the
    look-up searches reads of cars that drove by before anyone was looking for them.
    """
    return entry_is_pattern or level is not Level.EXACT


@dataclass(frozen=True)
class LookupCap(Generic[T]):
    """What a retrospective look-up may report under the vehicle cap."""

    kept: list[T]
    vehicles: int
    """Distinct vehicles the look-up found."""
    dropped_vehicles: int
    max_vehicles: int

    @property
    def exceeded(self) -> bool:
        """More vehicles than the cap: an alarm to both sides (the entry is a search)."""
        return self.dropped_vehicles > 0


def cap_lookup(
    hits: Iterable[T],
    max_vehicles: int,
    vehicle: Callable[[T], str],
    score: Callable[[T], float],
) -> LookupCap[T]:
    """Keep the hits of at most ``max_vehicles`` distinct vehicles, the strongest first.

    ``vehicle`` names the vehicle a hit is of (the plate as read); ``score`` ranks them
    (a vehicle ranks by its best hit). All hits of a kept vehicle stay; the others go.
    """
    if max_vehicles < 1:
        raise ValueError(f"max_vehicles: {max_vehicles} must be at least 1")
    listed: Sequence[T] = list(hits)
    best: dict[str, float] = {}
    for hit in listed:
        key = vehicle(hit)
        best[key] = max(best.get(key, float("-inf")), score(hit))
    ranked = sorted(best, key=lambda k: (-best[k], k))
    keep = set(ranked[:max_vehicles])
    return LookupCap(
        kept=[h for h in listed if vehicle(h) in keep],
        vehicles=len(best),
        dropped_vehicles=max(0, len(best) - max_vehicles),
        max_vehicles=max_vehicles,
    )
