"""The impossible-journey check along roads, and how the time between hits compares with the drive.

Where road data covers both cameras, the distance that counts is the shortest
drive between the roads they read, not the straight line: 3 km across a river
with the nearest bridge 2 km away is a 7 km drive. The speed over that drive
decides the flag, and the fastest drive at the roads' speeds says whether the
vehicle stopped on the way (far longer) or went far faster than the roads allow
(a misread, a cloned plate, or reckless driving: confirm the plate).

The straight line stays the fallback, and the verdict says which was used and
why: no road data, a synthetic stand-in graph (never road data), a camera far
from every road, no drive between the two, or a drive so long against the
straight line that the road data must be missing a link. A false flag teaches
dispatchers to ignore the warning, so a doubtful road distance never raises one.
"""

from __future__ import annotations

import dataclasses
import math

from safenet.tracking.roadgraph import RoadGraph, RoadPosition, RoadRoute
from safenet.tracking.route_types import RoutePolicy
from safenet.tracking.types import (
    GeoPoint,
    JourneyVerdict,
    Pace,
    PlausibilityPolicy,
    RouteWord,
    WordParam,
)
from safenet.tracking.wording import (
    IMPOSSIBLE_LABEL_EN,
    IMPOSSIBLE_LABEL_KO,
    distance_text,
    duration_text,
    limit_text,
    speed_text,
)

DEFAULT_ROUTE = RoutePolicy()


def locate(roads: RoadGraph, point: GeoPoint, policy: RoutePolicy) -> tuple[RoadPosition, ...]:
    """The directed roads a camera at ``point`` reads: the nearest, and any within ``parallel_m``.

    Empty when no road passes within ``policy.snap_m``.
    """
    found = roads.positions_near(point, policy.snap_m)
    if not found:
        return ()
    nearest = min(p.offset_m for p in found)
    return tuple(p for p in found if p.offset_m <= nearest + policy.parallel_m)


def _fallback(straight: JourneyVerdict, note: str, note_ko: str, word: RouteWord) -> JourneyVerdict:
    return dataclasses.replace(
        straight, basis_note=note, basis_note_ko=note_ko, basis_note_word=word
    )


def road_journey(
    straight: JourneyVerdict,
    prev_point: GeoPoint,
    new_point: GeoPoint,
    roads: RoadGraph | None,
    policy: PlausibilityPolicy,
    route_policy: RoutePolicy = DEFAULT_ROUTE,
) -> JourneyVerdict:
    """The verdict on a journey measured along roads, or ``straight`` with the reason it stands.

    ``straight`` is the straight-line verdict for the same two hits (see
    :func:`safenet.tracking.check_journey`); legs within the position tolerance
    keep it unchanged, since neither roads nor the straight line can judge them.
    """
    if roads is None:
        return _fallback(
            straight,
            "no road data: straight line",
            "도로 자료 없음: 직선 거리 기준",
            RouteWord("no_roads"),
        )
    if roads.synthetic:
        return _fallback(
            straight,
            f"{roads.name} is a stand-in between camera sites, not road data: straight line",
            f"{roads.name}은(는) 실제 도로 자료가 아님: 직선 거리 기준",
            RouteWord("synthetic_roads", {"name": roads.name}),
        )
    if straight.distance_m < policy.min_distance_m:
        return straight
    starts = locate(roads, prev_point, route_policy)
    ends = locate(roads, new_point, route_policy)
    if not starts or not ends:
        snap = limit_text(route_policy.snap_m)
        return _fallback(
            straight,
            f"a camera is more than {snap} m from every road in {roads.name}: straight line",
            f"카메라가 도로에서 {snap} m 이상 떨어져 있음: 직선 거리 기준",
            RouteWord("off_road", {"snap_m": route_policy.snap_m}),
        )
    shortest = roads.route(starts, ends, "length")
    fastest = roads.route(starts, ends, "time")
    if shortest is None or fastest is None:
        return _fallback(
            straight,
            f"no drive between the two cameras in {roads.name}: straight line",
            "두 카메라 사이 도로 경로 없음: 직선 거리 기준",
            RouteWord("no_drive"),
        )
    detour = shortest.length_m / straight.distance_m
    if detour > route_policy.max_detour:
        return _fallback(
            straight,
            f"the drive is {detour:.1f}× the straight line, so the road data likely misses a "
            "link: straight line",
            f"도로 경로가 직선의 {detour:.1f}배: 도로 자료 누락 가능성, 직선 거리 기준",
            RouteWord("detour", {"ratio": round(detour, 1)}),
        )
    return _judge(straight, shortest.length_m, fastest.time_s, fastest, policy, route_policy)


def _judge(
    straight: JourneyVerdict,
    road_m: float,
    expected_s: float,
    route: RoadRoute,
    policy: PlausibilityPolicy,
    route_policy: RoutePolicy,
) -> JourneyVerdict:
    elapsed = straight.elapsed_s
    speed = road_m / elapsed * 3.6 if elapsed > 0 else (math.inf if road_m > 0 else 0.0)
    possible = speed <= policy.max_speed_kmh
    road = distance_text(road_m)
    line = distance_text(straight.distance_m)
    limit = limit_text(policy.max_speed_kmh)
    drive_en = duration_text(expected_s)
    drive_ko = duration_text(expected_s, "ko")
    metres: dict[str, WordParam] = {
        "road_m": round(road_m, 1),
        "straight_m": round(straight.distance_m, 1),
    }
    words: list[RouteWord]
    if math.isinf(speed):
        words = [RouteWord("same_moment_road", metres)]
        reason = f"{road} by road ({line} straight) at the same moment: {IMPOSSIBLE_LABEL_EN}"
        reason_ko = (
            f"같은 시각에 도로로 {road} (직선 {line}) 떨어진 두 곳에서 발견: {IMPOSSIBLE_LABEL_KO}"
        )
    else:
        shown = speed_text(speed)
        if not possible and float(shown) <= policy.max_speed_kmh:
            shown = f"{speed:.1f}"
        trip_en = f"{road} by road ({line} straight) in {duration_text(elapsed)} = {shown} km/h"
        took_ko = duration_text(elapsed, "ko")
        trip_ko = f"도로로 {road} (직선 {line})를 {took_ko} 만에 이동 = 시속 {shown} km"
        if possible:
            reason = f"{trip_en}, within the {limit} km/h limit"
            reason_ko = f"{trip_ko}, 제한 {limit} km/h 이내"
        else:
            reason = f"{trip_en}, above the {limit} km/h limit: {IMPOSSIBLE_LABEL_EN}"
            reason_ko = f"{trip_ko}, 제한 {limit} km/h 초과: {IMPOSSIBLE_LABEL_KO}"
        words = [
            RouteWord(
                "trip_road",
                {**metres, "elapsed_s": round(elapsed, 1), "speed_kmh": round(speed, 1)},
            ),
            RouteWord(
                "within_limit" if possible else "above_limit", {"limit_kmh": policy.max_speed_kmh}
            ),
        ]
    pace: Pace
    if not possible:
        pace = "impossible"
    elif elapsed < route_policy.fast_share * expected_s:
        pace = "fast"
        reason += (
            f"; far faster than the {drive_en} drive at the roads' speeds: speeding, or a "
            "misread or cloned plate (confirm the plate)"
        )
        reason_ko += (
            f"; 도로 주행 예상 {drive_ko}보다 훨씬 빠름: 과속 또는 번호판 오인식·대포차 의심 "
            "(번호판 육안 확인 필요)"
        )
        words.append(RouteWord("far_faster", {"drive_s": round(expected_s, 1)}))
    elif elapsed > route_policy.stop_factor * expected_s + route_policy.stop_margin_s:
        pace = "stop"
        extra = elapsed - expected_s
        reason += f"; {duration_text(extra)} longer than the {drive_en} drive: a stop or a detour"
        extra_ko = duration_text(extra, "ko")
        reason_ko += f"; 도로 주행 예상 {drive_ko}보다 {extra_ko} 더 걸림: 도중 정차 또는 우회"
        words.append(
            RouteWord(
                "stop_or_detour", {"extra_s": round(extra, 1), "drive_s": round(expected_s, 1)}
            )
        )
    else:
        pace = "normal"
    return dataclasses.replace(
        straight,
        possible=possible,
        speed_kmh=speed,
        reason=reason,
        reason_ko=reason_ko,
        basis="road",
        road_distance_m=road_m,
        expected_s=expected_s,
        pace=pace,
        route=route,
        basis_note=None,
        basis_note_ko=None,
        reason_words=tuple(words),
        basis_note_word=None,
    )
