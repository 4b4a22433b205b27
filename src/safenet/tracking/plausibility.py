"""Travel plausibility: could the wanted vehicle have got from one hit to the next?

The center asks it of every new hit against the entry's previous one, and the
police side of every leg of a track. A journey is impossible when the distance
between the two cameras, covered in the time between the hits, needs a speed
above the policy's limit. With road data (``roads``) the distance is the
shortest drive between the cameras' roads (:mod:`safenet.tracking.road_plausibility`);
without it, the straight line. The straight line is the shortest possible way,
so a real road can only make the true speed higher: a flag is never caused by
the geometry being simple, only by the hits themselves (a misread or a cloned
plate, the two causes dispatchers must consider).
"""

from __future__ import annotations

import math

from safenet.tracking.geo import distance_m, initial_bearing_deg
from safenet.tracking.road_plausibility import DEFAULT_ROUTE, road_journey
from safenet.tracking.roadgraph import RoadGraph
from safenet.tracking.route_types import RoutePolicy
from safenet.tracking.types import JourneyVerdict, Leg, PlausibilityPolicy, RouteWord, Sighting
from safenet.tracking.wording import (
    IMPOSSIBLE_LABEL_EN,
    IMPOSSIBLE_LABEL_KO,
    distance_text,
    duration_text,
    limit_text,
    speed_text,
)

DEFAULT_PLAUSIBILITY = PlausibilityPolicy()


def check_journey(
    prev: Sighting,
    new: Sighting,
    policy: PlausibilityPolicy = DEFAULT_PLAUSIBILITY,
    *,
    roads: RoadGraph | None = None,
    route_policy: RoutePolicy = DEFAULT_ROUTE,
) -> JourneyVerdict:
    """Whether the vehicle could have gone between two hits, with the reason in dispatcher words.

    Hits closer than ``policy.min_distance_m`` are never impossible, even at the
    same instant: that is camera position error or two cameras at one junction.
    With ``roads`` the distance is the drive from ``prev`` to ``new`` along roads
    where the road data allows (the verdict's ``basis`` says which was used);
    without, the straight line, and then the order of the two hits does not
    matter (a hit may arrive after a later one).
    """
    straight = _straight_verdict(prev, new, policy)
    if roads is None:
        return straight
    return road_journey(straight, prev.point, new.point, roads, policy, route_policy)


def _straight_verdict(prev: Sighting, new: Sighting, policy: PlausibilityPolicy) -> JourneyVerdict:
    distance = distance_m(prev.point, new.point)
    elapsed = abs((new.ts - prev.ts).total_seconds())
    speed = _speed_kmh(distance, elapsed)

    dist = distance_text(distance)
    limit = limit_text(policy.max_speed_kmh)
    if distance < policy.min_distance_m:
        tolerance = limit_text(policy.min_distance_m)
        return JourneyVerdict(
            possible=True,
            speed_kmh=speed,
            distance_m=distance,
            elapsed_s=elapsed,
            reason=(
                f"{dist} apart, within the {tolerance} m tolerance for camera position error: "
                "not judged"
            ),
            reason_ko=(
                f"{dist} 거리: 카메라 위치 오차 허용 범위({tolerance} m) 이내라 판정하지 않음"
            ),
            reason_words=(
                RouteWord(
                    "within_tolerance",
                    {"distance_m": round(distance, 1), "tolerance_m": policy.min_distance_m},
                ),
            ),
        )
    if math.isinf(speed):
        return JourneyVerdict(
            possible=False,
            speed_kmh=speed,
            distance_m=distance,
            elapsed_s=elapsed,
            reason=f"{dist} apart at the same moment: {IMPOSSIBLE_LABEL_EN}",
            reason_ko=f"같은 시각에 {dist} 떨어진 두 곳에서 발견: {IMPOSSIBLE_LABEL_KO}",
            reason_words=(RouteWord("same_moment", {"distance_m": round(distance, 1)}),),
        )

    possible = speed <= policy.max_speed_kmh
    shown = speed_text(speed)
    if not possible and float(shown) <= policy.max_speed_kmh:
        # "180 km/h, above the 180 km/h limit" would read as a bug; show the decimal.
        shown = f"{speed:.1f}"
    trip_en = f"{dist} in {duration_text(elapsed, 'en')} = {shown} km/h"
    trip_ko = f"{dist}를 {duration_text(elapsed, 'ko')} 만에 이동 = 시속 {shown} km"
    if possible:
        reason = f"{trip_en}, within the {limit} km/h limit"
        reason_ko = f"{trip_ko}, 제한 {limit} km/h 이내"
    else:
        reason = f"{trip_en}, above the {limit} km/h limit: {IMPOSSIBLE_LABEL_EN}"
        reason_ko = f"{trip_ko}, 제한 {limit} km/h 초과: {IMPOSSIBLE_LABEL_KO}"
    trip = RouteWord(
        "trip",
        {
            "distance_m": round(distance, 1),
            "elapsed_s": round(elapsed, 1),
            "speed_kmh": round(speed, 1),
        },
    )
    return JourneyVerdict(
        possible=possible,
        speed_kmh=speed,
        distance_m=distance,
        elapsed_s=elapsed,
        reason=reason,
        reason_ko=reason_ko,
        reason_words=(trip, limit_word(possible, policy.max_speed_kmh)),
    )


def limit_word(possible: bool, limit_kmh: float) -> RouteWord:
    """Within the speed limit, or above it (a likely misread or cloned plate)."""
    return RouteWord("within_limit" if possible else "above_limit", {"limit_kmh": limit_kmh})


def _speed_kmh(distance: float, elapsed: float) -> float:
    if elapsed > 0:
        return distance / elapsed * 3.6
    # Two cameras at one instant: no finite speed covers any distance between them.
    return math.inf if distance > 0 else 0.0


def leg_between(
    from_hit: Sighting,
    to_hit: Sighting,
    policy: PlausibilityPolicy = DEFAULT_PLAUSIBILITY,
    *,
    roads: RoadGraph | None = None,
    route_policy: RoutePolicy = DEFAULT_ROUTE,
) -> Leg:
    """The leg of a track from one hit to the next in time, judged by ``policy``.

    With ``roads`` the leg carries the drive along roads and its pace; a stop on
    the way or a drive far faster than the roads allow gets a ``note``.
    """
    if to_hit.ts < from_hit.ts:
        raise ValueError(
            f"to_hit must not be earlier than from_hit: hit {to_hit.hit_id} at "
            f"{to_hit.ts.isoformat()} comes before hit {from_hit.hit_id} at "
            f"{from_hit.ts.isoformat()}"
        )
    verdict = check_journey(from_hit, to_hit, policy, roads=roads, route_policy=route_policy)
    has_bearing = verdict.distance_m > 0 and verdict.distance_m >= policy.min_distance_m
    return Leg(
        from_hit=from_hit,
        to_hit=to_hit,
        distance_m=verdict.distance_m,
        elapsed_s=verdict.elapsed_s,
        speed_kmh=verdict.speed_kmh,
        bearing_deg=initial_bearing_deg(from_hit.point, to_hit.point) if has_bearing else None,
        impossible=not verdict.possible,
        reason=None if verdict.possible else verdict.reason,
        reason_ko=None if verdict.possible else verdict.reason_ko,
        basis=verdict.basis,
        road_distance_m=verdict.road_distance_m,
        expected_s=verdict.expected_s,
        pace=verdict.pace,
        route=verdict.route,
        note=verdict.reason if verdict.pace in ("stop", "fast") else None,
        note_ko=verdict.reason_ko if verdict.pace in ("stop", "fast") else None,
        basis_note=verdict.basis_note,
        basis_note_ko=verdict.basis_note_ko,
        reason_words=() if verdict.possible else verdict.reason_words,
        note_words=verdict.reason_words if verdict.pace in ("stop", "fast") else (),
        basis_note_word=verdict.basis_note_word,
    )
