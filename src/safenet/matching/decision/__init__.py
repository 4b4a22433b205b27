"""The decision chain: a match's plate, description, other reads and path decide together.

Pure: no I/O beyond the calibration file shipped in this package, no service
imports. The center's pipeline and ``safenet match`` run the same chain.
docs/matching.md ("Decisions") describes the factors, the calibration and the rules.

::

    chain = DecisionChain(wanted, DecisionPolicy(hold_s=60))
    for read in reads_in_time_order:
        decisions = chain.observe(observation, matches_down_to_EVIDENCE_FLOOR)
    still_held = chain.flush()

- :class:`Observation` (a read as weighed), :class:`WantedVehicle` (an entry's
  plate, description and threshold), :class:`Decision` (state, rule, score, the
  factors with their words in Korean and English, ``surfaced_ts``, ``group``).
- :class:`State`: ``alert``, ``candidate`` (surfaced), ``held``, ``dropped``.
- :class:`Calibration` and :func:`default_calibration`: the fitted weights;
  :class:`Reach` and :class:`StraightLineReach`: could one vehicle make both reads.
"""

from safenet.matching.decision.calibration import Calibration, default_calibration
from safenet.matching.decision.chain import EVIDENCE_FLOOR, DecisionChain
from safenet.matching.decision.reach import Reach, StraightLineReach
from safenet.matching.decision.types import (
    AGREEMENT_RATIO,
    CONTRADICTION_RATIO,
    DEFAULT_HOLD_S,
    DEFAULT_PASS_GAP_S,
    DEFAULT_WINDOW_S,
    EXACT_ALERT_CONFIDENCE,
    FEATURES,
    NO_DESCRIPTION,
    Decision,
    DecisionPolicy,
    Factor,
    Features,
    Observation,
    Rule,
    State,
    WantedVehicle,
)

__all__ = [
    "AGREEMENT_RATIO",
    "CONTRADICTION_RATIO",
    "DEFAULT_HOLD_S",
    "DEFAULT_PASS_GAP_S",
    "DEFAULT_WINDOW_S",
    "EVIDENCE_FLOOR",
    "EXACT_ALERT_CONFIDENCE",
    "FEATURES",
    "NO_DESCRIPTION",
    "Calibration",
    "Decision",
    "DecisionChain",
    "DecisionPolicy",
    "Factor",
    "Features",
    "Observation",
    "Reach",
    "Rule",
    "State",
    "StraightLineReach",
    "WantedVehicle",
    "default_calibration",
]
