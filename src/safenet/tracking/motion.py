"""Which way the wanted vehicle is going: from its track first, the camera's heading last.

A camera's heading is where it looks. It is the direction of travel only for a
camera that reads rear plates; one that reads front plates sees cars coming
towards it, and the registry often does not know which. The track knows better:
the vehicle came from its previous hit, so the drive along roads from there (or
the straight line, without road data) says which way it went through the camera.
The camera's heading is used only when no earlier hit can tell, and the answer
always says which source it came from, for the card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from safenet.tracking.direction import compass_label
from safenet.tracking.geo import distance_m, initial_bearing_deg
from safenet.tracking.plausibility import check_journey
from safenet.tracking.road_plausibility import DEFAULT_ROUTE
from safenet.tracking.roadgraph import RoadGraph, RoadRoute
from safenet.tracking.route_types import DirectionOfTravel, RoutePolicy
from safenet.tracking.types import Leg, PlausibilityPolicy, RouteWord, Sighting

ARRIVAL_STRETCH_M = 150.0
"""The direction along roads is taken over the last this many metres into the camera, so a
kink at the junction just before it does not swing the arrow."""


@dataclass(frozen=True, slots=True)
class _Move:
    distance_m: float
    possible: bool
    speed_kmh: float
    route: RoadRoute | None


def arrival_bearing_deg(route: RoadRoute, stretch_m: float = ARRIVAL_STRETCH_M) -> float:
    """The direction a drive arrives in: from ``stretch_m`` back along its shape to its end."""
    points = route.points
    end = points[-1]
    walked = 0.0
    back = points[0]
    for earlier, later in zip(reversed(points[:-1]), reversed(points[1:]), strict=True):
        walked += distance_m(earlier, later)
        back = earlier
        if walked >= stretch_m:
            break
    if distance_m(back, end) < 1.0:
        return route.end.bearing_deg
    return initial_bearing_deg(back, end)


def travel_heading_deg(sighting: Sighting) -> float | None:
    """The direction of travel a camera's heading implies: as it looks for rear plates,
    opposite for front plates, as it looks (a guess) when the side is unknown."""
    if sighting.heading is None:
        return None
    if sighting.plate_side == "front":
        return (sighting.heading + 180.0) % 360.0
    return sighting.heading


def direction_of_travel(
    sightings: Sequence[Sighting],
    legs: Sequence[Leg],
    *,
    policy: PlausibilityPolicy,
    motion_window_s: float,
    roads: RoadGraph | None = None,
    route_policy: RoutePolicy = DEFAULT_ROUTE,
) -> tuple[DirectionOfTravel | None, float | None]:
    """The direction of travel at the latest hit and the speed into it (km/h), when known.

    ``sightings`` are a track's hits in time order and ``legs`` the legs between
    them. The earlier hit used is the most recent one beyond the position
    tolerance, within ``motion_window_s`` and reachable (a misread in between is
    stepped over). Without one, the latest camera's heading gives the direction
    (no speed).
    """
    if not sightings:
        return None, None
    latest = sightings[-1]
    for index in range(len(sightings) - 2, -1, -1):
        earlier = sightings[index]
        if (latest.ts - earlier.ts).total_seconds() > motion_window_s:
            break
        move = _move(earlier, latest, legs, index, len(sightings), policy, roads, route_policy)
        if move.distance_m < policy.min_distance_m:
            continue  # jitter or the same junction: no direction in it
        if not move.possible:
            continue  # one of the two is a misread; an older hit may still vouch
        return _from_track(earlier, latest, move), move.speed_kmh
    return _from_camera(latest), None


def _move(
    earlier: Sighting,
    latest: Sighting,
    legs: Sequence[Leg],
    index: int,
    count: int,
    policy: PlausibilityPolicy,
    roads: RoadGraph | None,
    route_policy: RoutePolicy,
) -> _Move:
    if index == count - 2 and legs:
        leg = legs[-1]  # the leg into the latest hit is already judged
        return _Move(leg.distance_m, not leg.impossible, leg.speed_kmh, leg.route)
    verdict = check_journey(earlier, latest, policy, roads=roads, route_policy=route_policy)
    return _Move(verdict.distance_m, verdict.possible, verdict.speed_kmh, verdict.route)


def _from_track(earlier: Sighting, latest: Sighting, move: _Move) -> DirectionOfTravel:
    if move.route is not None:
        bearing = arrival_bearing_deg(move.route)
        street = move.route.names[-1] if move.route.names else None
        via_en = f" ({street})" if street else ""
        return DirectionOfTravel(
            bearing_deg=bearing,
            source="road",
            from_hit_id=earlier.hit_id,
            plate_side=latest.plate_side,
            position=move.route.end,
            reason=f"{compass_label(bearing, 'en')}: along the roads from the previous hit{via_en}",
            reason_ko=f"{compass_label(bearing)}: 직전 발견 지점에서 도로를 따라 온 방향{via_en}",
            reason_word=RouteWord("dir_road", {"bearing_deg": round(bearing, 1), "street": street}),
        )
    bearing = initial_bearing_deg(earlier.point, latest.point)
    return DirectionOfTravel(
        bearing_deg=bearing,
        source="hits",
        from_hit_id=earlier.hit_id,
        plate_side=latest.plate_side,
        position=None,
        reason=f"{compass_label(bearing, 'en')}: straight line from the previous hit",
        reason_ko=f"{compass_label(bearing)}: 직전 발견 지점에서의 직선 방향",
        reason_word=RouteWord("dir_hits", {"bearing_deg": round(bearing, 1)}),
    )


def _from_camera(latest: Sighting) -> DirectionOfTravel | None:
    bearing = travel_heading_deg(latest)
    if bearing is None:
        return None
    en, ko = compass_label(bearing, "en"), compass_label(bearing)
    if latest.plate_side == "rear":
        reason = f"{en}: the camera's heading (it reads rear plates)"
        reason_ko = f"{ko}: 카메라 촬영 방향 (후면 번호판 판독)"
    elif latest.plate_side == "front":
        reason = f"{en}: opposite the camera's heading (it reads front plates)"
        reason_ko = f"{ko}: 카메라 촬영 방향의 반대 (전면 번호판 판독)"
    else:
        reason = (
            f"{en}: the camera's heading; whether it reads front or rear plates is unknown, "
            "so the car may be going the opposite way"
        )
        reason_ko = f"{ko}: 카메라 촬영 방향 (전·후면 판독 미상: 반대 방향일 수 있음)"
    return DirectionOfTravel(
        bearing_deg=bearing,
        source="camera",
        from_hit_id=None,
        plate_side=latest.plate_side,
        position=None,
        reason=reason,
        reason_ko=reason_ko,
        reason_word=RouteWord(
            f"dir_camera_{latest.plate_side or 'unknown'}", {"bearing_deg": round(bearing, 1)}
        ),
    )


def pace_of(leg: Leg | None, policy: RoutePolicy = DEFAULT_ROUTE) -> float:
    """How fast the vehicle drove its last leg against the roads' speeds (1.0 at the limits).

    Only a leg measured along roads at a normal or fast pace says so; a stop says
    nothing about speed, and the result stays within ``policy.pace_limits``.
    """
    if (
        leg is None
        or leg.basis != "road"
        or leg.expected_s is None
        or leg.elapsed_s <= 0
        or leg.pace not in ("normal", "fast")
    ):
        return 1.0
    low, high = policy.pace_limits
    return min(max(leg.expected_s / leg.elapsed_s, low), high)
