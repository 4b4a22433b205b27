"""The score of a match: how likely it is that the read really is the wanted vehicle.

The model reads the OCR's output as a probability distribution over plates:

- each listed text (the top text with ``confidence``, each alternative with its
  own) is the true plate with that probability; if the listed confidences add up
  to more than 1 they are scaled down to 1;
- the top text is wrong with probability ``1 - p_top``, and the truth is then most
  likely a near misread of it; for an alternative, the near-misread chance is the
  rest, ``residual = 1 - sum``, shared among the listed texts in proportion to
  their probabilities (``reach`` below is one of these two).

A match then scores:

- ``exact`` through a listed text: that text's probability;
- ``equivalent`` / ``fuzzy`` through a listed text: ``reach * likelihood(steps)``,
  the chance the text is a misread and is exactly this misread of the wanted
  plate. ``likelihood`` is :data:`NEAR_SHARE` times a factor per step:
  ``exp(-cost / TAU)`` for a known misread (look-alike, dropped class digit,
  lost region: cheaper is likelier) and
  :data:`PLAIN_EDIT_LIKELIHOOD` for a plain substitution, insertion or deletion,
  which could have been any of a dozen characters; a second step costs
  :data:`SECOND_STEP_LIKELIHOOD` more;
- ``partial`` through a listed text: its probability times the pattern's
  specificity (the share of a plate's information the witness pinned down).

Contributions of several texts to the same entry add up (capped at 1).
:data:`DEFAULT_MIN_SCORE` was chosen with ``safenet bench match`` (docs/matching.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from safenet.plates import DROPPED_CLASS_DIGIT_COST, LOOKALIKES, MISSING_REGION_COST

TAU = 0.5
"""Cost scale of a known misread's likelihood: each 0.5 of cost divides it by e."""

NEAR_SHARE = 0.5
"""Largest share of the near-misread chance one explanation may take: other plates
near the same read text (not on the hotlist) explain it too."""

PLAIN_EDIT_LIKELIHOOD = 0.01
"""Likelihood factor of one plain edit: rare, and spread over many characters."""

SECOND_STEP_LIKELIHOOD = 0.25
"""Extra factor for a second misread in the same read: errors rarely come in pairs."""

DEFAULT_MIN_SCORE = 0.025
"""Default alert threshold: matches scoring lower are not reported unless asked."""

CHEAPEST_STEP = min([DROPPED_CLASS_DIGIT_COST, MISSING_REGION_COST, *(p.cost for p in LOOKALIKES)])
CHEAPEST_LOOKALIKE = min(p.cost for p in LOOKALIKES)


def known_step(cost: float) -> float:
    """Likelihood factor of one known misread (look-alike, dropped digit, lost region)."""
    return math.exp(-cost / TAU)


def plain_step() -> float:
    """Likelihood factor of one plain edit."""
    return PLAIN_EDIT_LIKELIHOOD


def likelihood(factors: Sequence[float]) -> float:
    """How likely a misread made of steps with these factors is, among near misreads."""
    extra = SECOND_STEP_LIKELIHOOD ** max(0, len(factors) - 1)
    return NEAR_SHARE * extra * math.prod(factors)


def best_two_known() -> float:
    """Largest likelihood of a match made of two known misreads (for the index's gates)."""
    return likelihood([known_step(CHEAPEST_LOOKALIKE), known_step(CHEAPEST_STEP)])


def best_plain() -> float:
    """Largest likelihood of a match made of one plain edit (for the index's gates)."""
    return likelihood([plain_step()])


def exact_score(prob: float) -> float:
    """Score of an exact match through a listed text of probability ``prob``."""
    return prob


def near_score(reach: float, factors: Sequence[float]) -> float:
    """Score of an equivalent or fuzzy match through a listed text.

    ``reach`` is the chance the text is a misread (see the module docstring);
    ``factors`` the likelihood factor of each step (:func:`known_step`, :func:`plain_step`).
    """
    return reach * likelihood(factors)


def partial_score(prob: float, specificity: float) -> float:
    """Score of a witness-pattern match through a listed text of probability ``prob``."""
    return prob * specificity


def combine(contributions: Sequence[float]) -> float:
    """Score of an entry reached through several listed texts."""
    return min(1.0, sum(contributions))
