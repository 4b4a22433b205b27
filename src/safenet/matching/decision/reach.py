"""Could one vehicle have been at both reads? The question corroboration asks.

A read of the same entry elsewhere corroborates a candidate only if one vehicle
could have made both: the chain asks a :class:`Reach`. The default,
:class:`StraightLineReach`, applies the tracking part's travel-plausibility rule
(``safenet.tracking``: straight line, the policy's top speed, the camera-position
tolerance). A road-graph reach (shortest driving time) can be plugged in later
through the same small protocol.
"""

from __future__ import annotations

from typing import Protocol

from safenet.matching.decision.types import Observation
from safenet.tracking import DEFAULT_PLAUSIBILITY, PlausibilityPolicy, distance_m


class Reach(Protocol):
    """Whether one vehicle could have been read at both observations."""

    def reachable(self, a: Observation, b: Observation) -> bool:
        """True when the trip between the two reads is possible in the time between them."""
        ...


class StraightLineReach:
    """Reachability by straight-line distance at the plausibility policy's top speed.

    The same rule as :func:`safenet.tracking.check_journey`: reads closer than
    ``min_distance_m`` are always reachable (camera position error), others when
    the straight-line speed is at most ``max_speed_kmh``. Two reads at the same
    camera are always reachable; a camera without a known position reaches nothing
    but itself.
    """

    __slots__ = ("_max_mps", "_min_m")

    def __init__(self, policy: PlausibilityPolicy = DEFAULT_PLAUSIBILITY) -> None:
        self._max_mps = policy.max_speed_kmh / 3.6
        self._min_m = policy.min_distance_m

    def reachable(self, a: Observation, b: Observation) -> bool:
        """True when the trip between the two reads is possible in the time between them."""
        if a.camera_id == b.camera_id:
            return True
        if a.point is None or b.point is None:
            return False
        distance = distance_m(a.point, b.point)
        if distance < self._min_m:
            return True
        return distance <= self._max_mps * abs(b.ts - a.ts)
