"""How one read text relates to one wanted plate: the level, the weighted cost, the steps.

This is the matching rule itself, on plain strings. The index only finds candidate
pairs quickly; every pair is decided here, so a hash collision or a loose key can
never produce a match this function would not make.

Levels, for a normalized read text ``t`` and a registered plate ``p``:

- ``exact``: ``t == p``.
- ``equivalent``: one known misread turns ``p`` into ``t``: a look-alike swap
  (vowel flip, consonant, digit), the dropped first digit of a 3-digit class, or
  the lost region name of a regional plate.
- ``fuzzy``: at most two changes whose weighted cost (look-alike costs, a plain
  substitution or an insertion/deletion 1) stays within the policy's allowance:
  one plain edit, or two look-alike misreads.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from safenet.matching.compiled import CompiledEntry
from safenet.matching.types import Level
from safenet.plates import (
    DROPPED_CLASS_DIGIT_COST,
    INDEL_COST,
    MISSING_REGION_COST,
    Lookalike,
    lookalike,
)

MAX_STEPS = 2
"""Most misreads one match may combine; more would reach too many innocent plates."""

_EPSILON = 1e-9


class StepKind(StrEnum):
    """One way a read text differs from the registered plate."""

    LOOKALIKE = "lookalike"
    SUBSTITUTION = "substitution"
    INSERTED = "inserted"
    DELETED = "deleted"
    DROPPED_DIGIT = "dropped-digit"
    NO_REGION = "no-region"


@dataclass(frozen=True, slots=True)
class Step:
    """One difference between read and plate.

    ``position`` indexes the read text (for a deletion: where the character is
    missing); ``read``/``registered`` are the characters involved ('' when absent).
    """

    kind: StepKind
    cost: float
    position: int = 0
    read: str = ""
    registered: str = ""
    pair: Lookalike | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """The verdict on one (read text, entry) pair that matched."""

    level: Level
    cost: float
    steps: tuple[Step, ...]


EXACT = Comparison(Level.EXACT, 0.0, ())

_EQUIVALENT_KINDS = frozenset({StepKind.LOOKALIKE, StepKind.DROPPED_DIGIT, StepKind.NO_REGION})


def compare(text: str, entry: CompiledEntry) -> Comparison | None:
    """The level at which the read ``text`` matches ``entry`` under its policy, or None."""
    policy = entry.policy
    pattern = entry.pattern
    if pattern is not None:
        if pattern.matches(text):
            return Comparison(Level.PARTIAL, 0.0, ())
        return None
    if text == entry.text:
        return EXACT
    if not (policy.allows(Level.EQUIVALENT) or policy.fuzzy):
        return None
    best = _cheapest(text, entry)
    if best is None:
        return None
    cost = sum(s.cost for s in best)
    known = len(best) == 1 and best[0].kind in _EQUIVALENT_KINDS
    if known and policy.allows(Level.EQUIVALENT):
        return Comparison(Level.EQUIVALENT, cost, best)
    if policy.fuzzy and cost <= policy.max_edits + _EPSILON:
        return Comparison(Level.FUZZY, cost, best)
    return None


def steps_between(text: str, entry: CompiledEntry) -> tuple[Step, ...]:
    """The cheapest steps (at most :data:`MAX_STEPS`) from ``entry``'s plate to ``text``.

    Empty when ``text`` is the plate or more steps than that apart. For a match
    stored without its steps (:func:`safenet.matching.explain.derive`).
    """
    return _cheapest(text, entry) or ()


def _cheapest(text: str, entry: CompiledEntry) -> tuple[Step, ...] | None:
    """The cheapest way of at most :data:`MAX_STEPS` steps from the plate to ``text``."""
    options: list[tuple[Step, ...]] = []
    plate = entry.text
    _substitutions(text, plate, (), options)
    if entry.dropped is not None:
        digit = plate[0]
        step = Step(StepKind.DROPPED_DIGIT, DROPPED_CLASS_DIGIT_COST, 0, "", digit)
        _substitutions(text, entry.dropped, (step,), options)
    if entry.unregioned is not None:
        region = plate[: len(plate) - len(entry.unregioned)]
        step = Step(StepKind.NO_REGION, MISSING_REGION_COST, 0, "", region)
        _substitutions(text, entry.unregioned, (step,), options)
    indel = _indel(text, plate)
    if indel is not None:
        options.append((indel,))
    if not options:
        return None
    return min(options, key=lambda steps: (sum(s.cost for s in steps), len(steps)))


def _substitutions(
    text: str, form: str, prefix: tuple[Step, ...], options: list[tuple[Step, ...]]
) -> None:
    if len(text) != len(form):
        return
    budget = MAX_STEPS - len(prefix)
    steps = list(prefix)
    for i, (r, p) in enumerate(zip(text, form, strict=True)):
        if r == p:
            continue
        budget -= 1
        if budget < 0:
            return
        pair = lookalike(r, p)
        if pair is None:
            steps.append(Step(StepKind.SUBSTITUTION, 1.0, i, r, p))
        else:
            steps.append(Step(StepKind.LOOKALIKE, pair.cost, i, r, p, pair))
    if steps:
        options.append(tuple(steps))


def _indel(text: str, plate: str) -> Step | None:
    """The one inserted or deleted character that turns ``plate`` into ``text``, if any."""
    if len(text) == len(plate) + 1:
        i = _first_difference(text, plate)
        if text[i + 1 :] == plate[i:]:
            return Step(StepKind.INSERTED, INDEL_COST, i, text[i], "")
    elif len(text) + 1 == len(plate):
        i = _first_difference(text, plate)
        if text[i:] == plate[i + 1 :]:
            return Step(StepKind.DELETED, INDEL_COST, i, "", plate[i])
    return None


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))
