"""How far the matcher may reach for one wanted entry: its levels, edit allowance, threshold.

The police side maps crime categories to these policies (a kidnapping may use
``lenient``, a stolen-plate alert ``strict``); the center only applies them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from safenet.matching.types import Level

MAX_EDIT_ALLOWANCE = 1.0
"""Largest edit allowance a policy may carry.

A weighted allowance of 1 admits one plain edit or two look-alike confusions. A
larger one would reach tens of thousands of innocent plates around each wanted
one; the safety of the officers who act on a hit comes before recall.
"""


@dataclass(frozen=True, slots=True)
class MatchPolicy:
    """Which match levels one wanted entry may produce, and how far fuzzy matching goes.

    ``max_edits`` is the weighted edit allowance for ``fuzzy`` matches (costs from the
    look-alike model: a plain edit costs 1, a look-alike less). ``min_score`` is the
    entry's own alert threshold; ``None`` uses the matcher's default. An explicit
    ``min_score`` given to a match call overrides both.
    """

    name: str
    levels: frozenset[Level]
    max_edits: float = 1.0
    min_score: float | None = None
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("policy name must not be empty")
        if Level.EXACT not in self.levels:
            raise ValueError(f"policy {self.name!r}: levels must include exact")
        if not 0.0 <= self.max_edits <= MAX_EDIT_ALLOWANCE:
            raise ValueError(
                f"policy {self.name!r}: max_edits must be in [0, {MAX_EDIT_ALLOWANCE}], "
                f"got {self.max_edits}"
            )
        if self.min_score is not None and not 0.0 <= self.min_score <= 1.0:
            raise ValueError(
                f"policy {self.name!r}: min_score must be in [0, 1], got {self.min_score}"
            )

    def allows(self, level: Level) -> bool:
        """Whether this policy lets a match at ``level`` through."""
        return level in self.levels

    @property
    def fuzzy(self) -> bool:
        """Whether fuzzy matching is on for entries with this policy."""
        return Level.FUZZY in self.levels and self.max_edits > 0.0


_ALL = frozenset(Level)

STRICT = MatchPolicy(
    "strict",
    frozenset({Level.EXACT}),
    max_edits=0.0,
    description="exact plate only: no look-alikes, no edits, no patterns",
)
DEFAULT = MatchPolicy(
    "default",
    _ALL,
    max_edits=1.0,
    description="all levels, edit allowance 1, the default alert threshold",
)
LENIENT = MatchPolicy(
    "lenient",
    _ALL,
    max_edits=1.0,
    min_score=0.01,
    description="all levels, edit allowance 1, weak candidates reported too (threshold 0.01)",
)

POLICIES: Mapping[str, MatchPolicy] = MappingProxyType(
    {p.name: p for p in (STRICT, DEFAULT, LENIENT)}
)
"""The named policies every center knows."""


def policy_table(extra: Iterable[MatchPolicy] = ()) -> dict[str, MatchPolicy]:
    """The named policies plus ``extra`` ones (which may replace a built-in by name)."""
    table = dict(POLICIES)
    for policy in extra:
        table[policy.name] = policy
    return table
