"""The privacy limits' settings (``privacy`` section): how vague a wanted entry may be.

The rules themselves are pure and live in :mod:`safenet.matching.privacy`; this section
holds their thresholds for the police's registration gate and the centers'
retrospective look-ups. docs/matching.md ("Privacy limits") justifies the defaults.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from safenet.matching.privacy import (
    DEFAULT_DESCRIBE_BELOW_ONE_IN,
    DEFAULT_FLOOR_ONE_IN,
    DEFAULT_LOOKUP_MAX_VEHICLES,
    DEFAULT_VAGUE_CATEGORIES,
    PatternPolicy,
)
from safenet.section import Section
from safenet.vocabulary import Category


class PrivacySettings(Section):
    """Limits that keep a wanted entry from becoming a search of everyone."""

    pattern_floor_one_in: int = Field(
        DEFAULT_FLOOR_ONE_IN,
        ge=2048,
        description="A witness pattern matching more than 1 plate in this many is refused "
        "with the reason (10,000: the four serial digits, `*4321`, are the vaguest allowed).",
    )
    pattern_describe_below_one_in: int = Field(
        DEFAULT_DESCRIBE_BELOW_ONE_IN,
        ge=2048,
        description="A pattern matching more than 1 plate in this many needs a vehicle colour "
        "and type and a category of `pattern_categories`, and every hit on it is held for an "
        "operator.",
    )
    pattern_categories: list[Category] = Field(
        default_factory=lambda: sorted(DEFAULT_VAGUE_CATEGORIES),  # type: ignore[arg-type]
        description="The categories that may use a pattern vaguer than "
        "`pattern_describe_below_one_in` (with a description).",
    )
    lookup_max_vehicles: int = Field(
        DEFAULT_LOOKUP_MAX_VEHICLES,
        ge=1,
        description="A retrospective look-up reports at most this many distinct vehicles; "
        "more is an alarm to both sides.",
    )

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> PrivacySettings:
        if self.pattern_describe_below_one_in < self.pattern_floor_one_in:
            raise ValueError("pattern_describe_below_one_in must be at least pattern_floor_one_in")
        return self

    def pattern_policy(self) -> PatternPolicy:
        """The pure policy with these thresholds."""
        return PatternPolicy(
            floor_one_in=self.pattern_floor_one_in,
            describe_below_one_in=self.pattern_describe_below_one_in,
            vague_categories=frozenset(self.pattern_categories),
        )
