"""The lawful bases of an emergency wanted entry and how far the centers may reach for each.

Only violent crime and an imminent danger to life allow a vehicle to be put on the
hotlist (see docs/police.md). The categories are :data:`safenet.vocabulary.Category`,
the same words the link carries, so what the police register is exactly what the
centers can receive.

Each category carries a :class:`CategoryPolicy`: which match policy the centers apply
(a name in :data:`safenet.matching.POLICIES`), how far fuzzy matching may go, whether a
candidate must be confirmed by the center's operator before it is sent, and which
levels alert the officers. The defaults are conservative:

- every category: ``exact`` alerts at once; look-alikes (``equivalent``) and witness
  patterns (``partial``) are candidates;
- violent crime (officers may act with force): no ``fuzzy`` matching; candidates are
  held at the center until its operator confirmed them on the snapshot, and the
  police alert on a candidate only once a center's confirmation (HitUpdate) arrived —
  a second lock in case a center sends one unconfirmed;
- danger to life (a person attempting suicide, a missing child or person at risk):
  ``fuzzy`` on, and candidates are sent at once, marked "육안 확인 필요", because every
  minute lowers the chance of reaching the person and officers come to help, not to
  arrest.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from safenet.section import Section
from safenet.vocabulary import (
    CATEGORIES,
    DANGER_TO_LIFE,
    LABELS_EN,
    LABELS_KO,
    LEVELS,
    VIOLENT_CRIME,
    MatchLevel,
)

__all__ = [
    "CATEGORIES",
    "CONFIRM_BANNER",
    "DANGER_TO_LIFE",
    "LABELS_EN",
    "LABELS_KO",
    "LEVELS",
    "VIOLENT_CRIME",
    "CategoryPolicy",
    "MatchLevel",
    "default_policy",
    "not_lawful_reason",
    "policy_table",
]

CONFIRM_BANNER = "육안 확인 필요 — confirm the plate visually before acting"
"""Shown on every alert whose hit is not an exact plate match."""


def not_lawful_reason(value: object) -> str:
    """Why ``value`` cannot be the basis of a wanted entry, naming what is allowed."""
    allowed = ", ".join(CATEGORIES)
    return f"{value!r} is not a lawful basis for emergency wanted registration; allowed: {allowed}"


def _all_levels() -> list[MatchLevel]:
    return ["exact", "equivalent", "fuzzy", "partial"]


class CategoryPolicy(Section):
    """How the centers match, and the police alert, for the entries of one category."""

    policy: str = Field(
        "default",
        description="Match policy the centers apply: a name in safenet.matching.POLICIES "
        "(strict, default, lenient).",
    )
    fuzzy_allowance: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Weighted edit distance accepted for a fuzzy candidate; 0 turns fuzzy "
        "matching off (exact, look-alike and witness-pattern matches only).",
    )
    confirm_before_send: bool = Field(
        True,
        description="Whether the center's operator must confirm a candidate on the snapshot "
        "before it is sent to the police (exact hits are always sent at once).",
    )
    alert_levels: list[MatchLevel] = Field(
        default_factory=_all_levels,
        description="Match levels that alert officers when the hit arrives; a hit at "
        "another level is put on the track and alerts only once a center confirms it.",
    )

    @field_validator("policy")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        from safenet.matching import POLICIES

        if value not in POLICIES:
            known = ", ".join(sorted(POLICIES))
            raise ValueError(f"{value!r} is not a match policy the centers know ({known})")
        return value

    @field_validator("alert_levels")
    @classmethod
    def _exact_alerts(cls, value: list[MatchLevel]) -> list[MatchLevel]:
        if "exact" not in value:
            raise ValueError("must include 'exact': an exact hit always alerts")
        return value


def default_policy(category: str) -> CategoryPolicy:
    """The conservative default for one category (see the module docstring)."""
    if category in DANGER_TO_LIFE:
        return CategoryPolicy(policy="default", fuzzy_allowance=1.0, confirm_before_send=False)
    return CategoryPolicy(
        policy="default", fuzzy_allowance=0.0, confirm_before_send=True, alert_levels=["exact"]
    )


def policy_table(overrides: dict[str, CategoryPolicy] | None = None) -> dict[str, CategoryPolicy]:
    """Every category's policy: the defaults with ``overrides`` (from settings) laid over them."""
    table = {category: default_policy(category) for category in CATEGORIES}
    for category, policy in (overrides or {}).items():
        if category not in table:
            raise ValueError(f"category_policies: {not_lawful_reason(category)}")
        table[category] = policy
    return table
