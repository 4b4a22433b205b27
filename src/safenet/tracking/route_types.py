"""The domain types of the escape route: which way the vehicle goes, and where it can be next.

Like :mod:`safenet.tracking.types`, every value is frozen and checked when built,
so a bad policy number is refused with its field's name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from safenet.tracking.roadgraph import RoadPosition
from safenet.tracking.types import Basis, GeoPoint, PlateSide, RouteWord

DirectionSource = Literal["road", "hits", "camera"]
"""Where a direction of travel comes from: the drive along roads from the previous hit,
the straight line from it, or the camera's heading (with its plate side, when known)."""


def _positive(field: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{field} must be a finite number greater than 0, got {value!r}")


def _share(field: str, value: float, *, top: float = 1.0) -> None:
    if not math.isfinite(value) or not 0.0 <= value <= top:
        raise ValueError(f"{field} must be between 0 and {top:g}, got {value!r}")


@dataclass(frozen=True, slots=True)
class RoutePolicy:
    """How the escape route is worked out on roads, and how it falls back without them.

    docs/tracking.md gives the reason for every default. In short:

    - ``snap_m``: a camera farther than this from every road is not on the road data;
      ``parallel_m``: roads up to this much farther than the nearest one also count
      (a camera between a main road and its slip road sees both).
    - ``max_detour``: a drive longer than this many times the straight line means the
      road data is missing a link, so the impossible-journey check falls back to the
      straight line rather than raise a false flag.
    - ``fast_share`` / ``stop_factor`` + ``stop_margin_s``: an elapsed time under
      ``fast_share`` of the drive at the roads' speeds is far too fast (a misread or a
      cloned plate, or reckless speeding); over ``stop_factor`` times it plus the margin,
      the vehicle stopped or detoured on the way.
    - ``horizons_min``: the reach is shown for each of these (minutes after the hit).
    - ``speed_spread``: arrival windows span ``1/(1+spread)`` to ``1/(1-spread)`` times
      the drive at the expected pace; ``pace_limits``: the last leg's pace against the
      roads' speeds is trusted within these bounds.
    - ``fallback_speed_kmh`` / ``fallback_detour``: without road data, the reach is a
      circle at this speed and a drive is the straight line times the detour.
    - ranking: ``prior_tau_s`` (how fast the road prior falls with arrival time),
      ``shadow_factor`` (weight of a camera whose fastest drive passes another camera
      first), ``behind_factor`` (a camera behind the direction of travel, which needs a
      turn back; without roads also one outside the ``cone_half_angle_deg`` cone ahead),
      ``prior_weight`` (how many observed transitions the road prior is worth)
      and ``min_transitions`` (transition counts used only from this many on).
    - ``max_results`` cameras are listed; ``area_cell_m`` is the reach area's grain.
    """

    snap_m: float = 150.0
    parallel_m: float = 25.0
    max_detour: float = 4.0
    fast_share: float = 0.5
    stop_factor: float = 2.0
    stop_margin_s: float = 180.0
    horizons_min: tuple[float, ...] = (2.0, 5.0, 10.0)
    speed_spread: float = 0.5
    pace_limits: tuple[float, float] = (0.7, 1.5)
    fallback_speed_kmh: float = 50.0
    fallback_detour: float = 1.3
    prior_tau_s: float = 90.0
    shadow_factor: float = 0.2
    behind_factor: float = 0.3
    cone_half_angle_deg: float = 45.0
    prior_weight: float = 5.0
    min_transitions: int = 1
    max_results: int = 10
    area_cell_m: float = 60.0

    def __post_init__(self) -> None:
        for name in ("snap_m", "max_detour", "stop_factor", "fallback_speed_kmh", "prior_tau_s"):
            _positive(name, getattr(self, name))
        for name in ("fallback_detour", "area_cell_m"):
            _positive(name, getattr(self, name))
        _share("parallel_m", self.parallel_m, top=1000.0)
        _share("fast_share", self.fast_share)
        _share("shadow_factor", self.shadow_factor)
        _share("behind_factor", self.behind_factor)
        _share("stop_margin_s", self.stop_margin_s, top=86_400.0)
        _share("cone_half_angle_deg", self.cone_half_angle_deg, top=180.0)
        _share("prior_weight", self.prior_weight, top=1e6)
        if not 0.0 <= self.speed_spread < 1.0:
            raise ValueError(
                f"speed_spread must be at least 0 and below 1, got {self.speed_spread!r}"
            )
        if self.max_detour < 1.0:
            raise ValueError(f"max_detour must be at least 1, got {self.max_detour!r}")
        if not self.horizons_min:
            raise ValueError("horizons_min must list at least one horizon")
        for horizon in self.horizons_min:
            _positive("horizons_min", horizon)
        if list(self.horizons_min) != sorted(set(self.horizons_min)):
            raise ValueError(
                f"horizons_min must be increasing without repeats, got {list(self.horizons_min)}"
            )
        low, high = self.pace_limits
        _positive("pace_limits", low)
        if high < low:
            raise ValueError(f"pace_limits must be (low, high) with low <= high, got {low}, {high}")
        if self.min_transitions < 1:
            raise ValueError(f"min_transitions must be at least 1, got {self.min_transitions!r}")
        if self.max_results < 1:
            raise ValueError(f"max_results must be at least 1, got {self.max_results!r}")

    @property
    def horizon_s(self) -> float:
        """The longest horizon in seconds: how far ahead the reach is worked out."""
        return self.horizons_min[-1] * 60.0


@dataclass(frozen=True, slots=True)
class DirectionOfTravel:
    """Which way the wanted vehicle was going at its latest hit, and what says so.

    ``source`` is ``"road"`` when it comes from the drive along roads from hit
    ``from_hit_id`` (the road's direction over the last stretch into the camera),
    ``"hits"`` for the straight line from that hit, ``"camera"`` for the camera's
    heading; ``plate_side`` then says whether the camera reads rear plates (the
    heading is the direction of travel) or front plates (the opposite), and None
    means the registry does not know and the heading is a guess. ``position`` is
    where on the road the vehicle was, in its direction, when the road says so.
    """

    bearing_deg: float
    source: DirectionSource
    from_hit_id: str | None
    plate_side: PlateSide | None
    position: RoadPosition | None
    reason: str
    reason_ko: str
    reason_word: RouteWord | None = None


@dataclass(frozen=True, slots=True)
class CameraOnRoad:
    """A camera placed on the road data: the directed roads it reads, nearest first.

    ``positions`` is empty when the camera stands farther than the policy's
    ``snap_m`` from every road (or there is no road data): it can then only be
    reached as the crow flies.
    """

    camera_id: str
    point: GeoPoint
    positions: tuple[RoadPosition, ...] = ()


@dataclass(frozen=True, slots=True)
class ReachableCamera:
    """A camera the wanted vehicle may pass next, ranked, with when and why.

    ``arrival_s`` is the expected drive from the latest hit (None for a camera
    only the learned transitions point to, beyond the reach); ``earliest`` and
    ``latest`` the window counted from the hit's time. ``horizon_min`` is the
    shortest horizon it is within. ``score`` is the model's share of the
    probability that it is the next camera; ``transitions`` how many vehicles in
    the center's history went from the latest camera to this one (aggregate
    counts, no plates). ``behind`` names the camera the fastest drive passes
    first, when there is one. ``ahead`` is False when reaching it needs a turn
    back against the direction of travel.
    """

    camera_id: str
    point: GeoPoint
    rank: int
    score: float
    arrival_s: float | None
    earliest: datetime | None
    latest: datetime | None
    horizon_min: float | None
    distance_m: float
    basis: Basis
    ahead: bool | None
    behind: str | None
    transitions: int
    reason: str
    reason_ko: str
    reason_words: tuple[RouteWord, ...] = ()


@dataclass(frozen=True, slots=True)
class ReachArea:
    """Where the vehicle can be within one horizon, as a GeoJSON geometry (WGS84 lon/lat)."""

    horizon_min: float
    geometry: dict[str, Any]
    basis: Basis


@dataclass(frozen=True, slots=True)
class Reach:
    """The escape route's forecast from the latest hit: ranked cameras and reach areas.

    ``basis`` is ``"straight_line"`` when there was no usable road data (then
    ``notice``/``notice_ko`` say so, for the card). ``pace`` is the factor applied
    to the roads' speeds (the last leg's pace, within the policy's limits);
    ``model`` says what ranked the list: ``"transitions"`` when learned counts
    from the latest camera were used, ``"roads"`` or ``"straight_line"`` otherwise.
    """

    origin: GeoPoint
    at: datetime
    basis: Basis
    cameras: tuple[ReachableCamera, ...]
    areas: tuple[ReachArea, ...]
    pace: float
    model: Literal["transitions", "roads", "straight_line"]
    notice: str | None
    notice_ko: str | None
    notice_word: RouteWord | None = None

    def geojson(self) -> dict[str, Any]:
        """The reach areas as a GeoJSON FeatureCollection, the widest horizon first."""
        features = [
            {
                "type": "Feature",
                "geometry": area.geometry,
                "properties": {"horizon_min": area.horizon_min, "basis": area.basis},
            }
            for area in sorted(self.areas, key=lambda a: -a.horizon_min)
        ]
        return {"type": "FeatureCollection", "features": features}
