"""A wanted entry's track: its hits across centers in time order, the legs between them,
and where the vehicle is heading.

Hits reach the police out of order (centers publish independently, links retry)
and sometimes twice. A :class:`Track` absorbs both: a repeated hit id changes
nothing, and a late hit is slotted in by time, re-judging the two legs either side
of it. Each :meth:`Track.add` says what changed, so the live map redraws only
those legs and the police alert once per new impossible leg.

Given road data (``roads``), each leg is the drive along roads between the two
cameras where the data allows, judged over the road distance, and the direction
of travel follows the road into the latest camera.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from datetime import datetime

from safenet.tracking.motion import direction_of_travel
from safenet.tracking.plausibility import DEFAULT_PLAUSIBILITY, leg_between
from safenet.tracking.road_plausibility import DEFAULT_ROUTE
from safenet.tracking.roadgraph import RoadGraph
from safenet.tracking.route_types import DirectionOfTravel, DirectionSource, RoutePolicy
from safenet.tracking.types import Leg, PlausibilityPolicy, Sighting, TrackChange

DEFAULT_MOTION_WINDOW_S = 1800.0


class Track:
    """The movement of one wanted entry as its hits come in: what the dispatcher sees on the map.

    ``policy`` judges every leg. ``motion_window_s`` bounds how old a previous hit
    may be to still give the direction and speed of travel: a bearing from a hit
    an hour ago says little about where the car is going now. ``roads``, when
    given, measures legs and the direction along roads (``route_policy`` says how).
    """

    __slots__ = (
        "_by_id",
        "_keys",
        "_legs",
        "_motion_cache",
        "_sightings",
        "entry_id",
        "motion_window_s",
        "policy",
        "roads",
        "route_policy",
    )

    def __init__(
        self,
        entry_id: str,
        policy: PlausibilityPolicy = DEFAULT_PLAUSIBILITY,
        *,
        motion_window_s: float = DEFAULT_MOTION_WINDOW_S,
        roads: RoadGraph | None = None,
        route_policy: RoutePolicy = DEFAULT_ROUTE,
    ) -> None:
        if not entry_id or not entry_id.strip():
            raise ValueError("entry_id must not be empty")
        if not math.isfinite(motion_window_s) or motion_window_s <= 0:
            raise ValueError(
                f"motion_window_s must be a finite number of seconds > 0, got {motion_window_s!r}"
            )
        self.entry_id = entry_id
        self.policy = policy
        self.motion_window_s = motion_window_s
        self.roads = roads
        self.route_policy = route_policy
        self._motion_cache: tuple[DirectionOfTravel | None, float | None] | None = None
        self._sightings: list[Sighting] = []
        # Hits at the same instant are ordered by hit id, so that any arrival order
        # gives the same track.
        self._keys: list[tuple[datetime, str]] = []
        self._legs: list[Leg] = []
        self._by_id: dict[str, Sighting] = {}

    @classmethod
    def from_sightings(
        cls,
        entry_id: str,
        sightings: Iterable[Sighting],
        policy: PlausibilityPolicy = DEFAULT_PLAUSIBILITY,
        *,
        motion_window_s: float = DEFAULT_MOTION_WINDOW_S,
        roads: RoadGraph | None = None,
        route_policy: RoutePolicy = DEFAULT_ROUTE,
    ) -> Track:
        """A track rebuilt from stored hits, in whatever order they come."""
        track = cls(
            entry_id,
            policy,
            motion_window_s=motion_window_s,
            roads=roads,
            route_policy=route_policy,
        )
        for sighting in sightings:
            track.add(sighting)
        return track

    @property
    def sightings(self) -> tuple[Sighting, ...]:
        """The hits, earliest first."""
        return tuple(self._sightings)

    @property
    def legs(self) -> tuple[Leg, ...]:
        """The legs between consecutive hits, earliest first (one fewer than the hits)."""
        return tuple(self._legs)

    @property
    def latest(self) -> Sighting | None:
        """The most recent hit by camera time, or None before the first one."""
        return self._sightings[-1] if self._sightings else None

    @property
    def direction(self) -> DirectionOfTravel | None:
        """The direction of travel at the latest hit, with its source and reason, if it can be told.

        From the track first: the drive along roads (or the straight line) from
        the most recent earlier hit that is beyond the position tolerance, within
        ``motion_window_s`` and reachable (a misread in between is stepped over).
        Only when no earlier hit qualifies does the latest camera's heading say it,
        turned round for a camera that reads front plates. None when nothing can.
        """
        return self._motion()[0]

    @property
    def direction_deg(self) -> float | None:
        """The direction of travel at the latest hit, degrees from north (see :attr:`direction`)."""
        direction = self._motion()[0]
        return None if direction is None else direction.bearing_deg

    @property
    def direction_source(self) -> DirectionSource | None:
        """Where :attr:`direction_deg` comes from: ``road``, ``hits``, ``camera`` or nowhere."""
        direction = self._motion()[0]
        return None if direction is None else direction.source

    @property
    def speed_kmh(self) -> float | None:
        """The speed into the latest hit, measured over the same pair of hits as the direction."""
        return self._motion()[1]

    def add(self, sighting: Sighting) -> TrackChange:
        """Put a hit on the track, once, in its place in time, and say what that changed.

        A hit id already on the track changes nothing (the first delivery is
        kept, even if a later one carries another level or score). The same hit
        id with another camera, place or time is refused with ValueError: one of
        the two deliveries is corrupt and the track cannot tell which.
        """
        if sighting.entry_id != self.entry_id:
            raise ValueError(
                f"entry_id {sighting.entry_id!r} of hit {sighting.hit_id} does not belong "
                f"on the track of entry {self.entry_id!r}"
            )
        known = self._by_id.get(sighting.hit_id)
        if known is not None:
            _require_same_hit(known, sighting)
            return TrackChange(
                sighting=known,
                duplicate=True,
                out_of_order=False,
                latest_changed=False,
                added_legs=(),
                removed_legs=(),
            )

        key = (sighting.ts, sighting.hit_id)
        at = bisect.bisect_left(self._keys, key)
        count = len(self._sightings)
        added: list[Leg] = []
        if at > 0:
            added.append(self._leg(self._sightings[at - 1], sighting))
        if at < count:
            added.append(self._leg(sighting, self._sightings[at]))
        # Leg j joins hits j and j+1; a hit landing strictly inside replaces leg at-1.
        start = max(at - 1, 0)
        end = start + 1 if 0 < at < count else start
        removed = tuple(self._legs[start:end])
        self._legs[start:end] = added

        self._sightings.insert(at, sighting)
        self._keys.insert(at, key)
        self._by_id[sighting.hit_id] = sighting
        self._motion_cache = None
        return TrackChange(
            sighting=sighting,
            duplicate=False,
            out_of_order=at < count,
            latest_changed=at == count,
            added_legs=tuple(added),
            removed_legs=removed,
        )

    def _motion(self) -> tuple[DirectionOfTravel | None, float | None]:
        if self._motion_cache is None:
            self._motion_cache = direction_of_travel(
                self._sightings,
                self._legs,
                policy=self.policy,
                motion_window_s=self.motion_window_s,
                roads=self.roads,
                route_policy=self.route_policy,
            )
        return self._motion_cache

    def _leg(self, from_hit: Sighting, to_hit: Sighting) -> Leg:
        return leg_between(
            from_hit, to_hit, self.policy, roads=self.roads, route_policy=self.route_policy
        )

    def __len__(self) -> int:
        return len(self._sightings)

    def __contains__(self, hit_id: object) -> bool:
        return hit_id in self._by_id

    def __repr__(self) -> str:
        flagged = sum(leg.impossible for leg in self._legs)
        return f"Track({self.entry_id!r}, hits={len(self._sightings)}, impossible_legs={flagged})"


def _require_same_hit(known: Sighting, again: Sighting) -> None:
    for field in ("camera_id", "ts", "point"):
        if getattr(known, field) != getattr(again, field):
            raise ValueError(
                f"hit {again.hit_id} arrived again with another {field} "
                f"({getattr(again, field)!r} instead of {getattr(known, field)!r}); "
                "the same hit id must describe the same sighting"
            )
