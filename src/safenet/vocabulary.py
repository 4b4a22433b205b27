"""The words both sides of the link share: lawful bases, match levels, what a report asks for.

Defined once, here, and imported by the link's message schemas, the police's gate and
policies, the center's settings and the simulator's scenarios. This module imports
nothing but the standard library, so that loading the settings (or a pure part) never
loads the link, the store or a web framework.

- :data:`Category`: the lawful basis of an emergency wanted entry. Only violent crime
  (:data:`VIOLENT_CRIME`) and an imminent danger to life (:data:`DANGER_TO_LIFE`).
- :data:`MatchLevel`: how a read matched a wanted entry, strongest first. ``exact``
  means the camera's top text is the registered plate; a plate found only among the
  OCR's alternatives is at most a candidate.
- :data:`ReportDecision`: what the center decided a reported hit is, so the police
  never work it out again from the level (see :class:`safenet.link.LocationReport`).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Category = Literal[
    "homicide",
    "robbery",
    "kidnapping",
    "sexual_assault",
    "arson",
    "stalking",
    "suicide_risk",
    "missing_person",
]
"""The lawful basis of an emergency wanted entry (violent crime or danger to life)."""

CATEGORIES: Final[tuple[str, ...]] = get_args(Category)
"""Every lawful basis, in the link's order."""

DANGER_TO_LIFE: Final[frozenset[str]] = frozenset({"suicide_risk", "missing_person"})
"""Categories where the person in danger is the one sought: recall comes first."""

VIOLENT_CRIME: Final[frozenset[str]] = frozenset(CATEGORIES) - DANGER_TO_LIFE
"""Categories where officers may act with force: precision comes first."""

LABELS_KO: Final[dict[str, str]] = {
    "homicide": "살인",
    "robbery": "강도",
    "kidnapping": "약취·유인(납치)",
    "sexual_assault": "강간·강제추행",
    "arson": "방화",
    "stalking": "스토킹",
    "suicide_risk": "자살 기도자 구조",
    "missing_person": "실종 아동·치매 노인 등",
}
"""The consoles' names for each category (docs GLOSSARY)."""

LABELS_EN: Final[dict[str, str]] = {
    "homicide": "homicide",
    "robbery": "robbery",
    "kidnapping": "kidnapping / abduction",
    "sexual_assault": "rape / sexual assault",
    "arson": "arson",
    "stalking": "stalking",
    "suicide_risk": "rescue of a person attempting suicide",
    "missing_person": "missing child or person at risk",
}

MatchLevel = Literal["exact", "equivalent", "fuzzy", "partial"]
"""How a read matched a wanted entry (see the module docstring for ``exact``)."""

LEVELS: Final[tuple[str, ...]] = get_args(MatchLevel)
"""Every match level a center may report, strongest first."""

ReportDecision = Literal["alert", "candidate", "confirmed"]
"""What a center decided a reported hit is.

- ``alert``: exact on the camera's top text; officers may act on it at once;
- ``candidate``: any other match, sent unconfirmed; someone must confirm the plate
  visually against the snapshot before officers act on it;
- ``confirmed``: a candidate an operator at the center confirmed on the snapshot
  before it was sent.
"""

DECISIONS: Final[tuple[str, ...]] = get_args(ReportDecision)
"""Every decision a LocationReport may carry."""
