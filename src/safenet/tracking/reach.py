"""Where the wanted vehicle can be next: the cameras it can reach within the horizons, ranked.

From the latest hit, in the direction of travel when it is known, every camera
reachable along roads within the longest horizon is listed with its expected
arrival and window. The ranking is a probability that the camera is the *next*
one to see the vehicle:

- the road prior: sooner is likelier (falling as ``exp(-arrival / prior_tau_s)``),
  and a camera whose fastest drive first passes another camera counts only
  ``shadow_factor`` as much, because that other camera would see the car first;
- learned transitions, where the latest camera has at least ``min_transitions``
  of them: ``(count + prior_weight · prior) / (total + prior_weight)``, so a
  well-observed camera is ranked by what vehicles really did and a new one by
  the roads alone.

Without road data (none, a synthetic stand-in, a camera off every road) the
reach is a circle at ``fallback_speed_kmh`` around the hit and the result says
so (``basis == "straight_line"`` and a notice for the card).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from safenet.tracking.direction import angle_between_deg, compass_label
from safenet.tracking.geo import distance_m, initial_bearing_deg
from safenet.tracking.reach_area import circle, road_areas
from safenet.tracking.road_plausibility import DEFAULT_ROUTE, locate
from safenet.tracking.roadgraph import NodeRef, Reached, RoadGraph, RoadPosition
from safenet.tracking.route_types import (
    CameraOnRoad,
    DirectionOfTravel,
    Reach,
    ReachableCamera,
    ReachArea,
    RoutePolicy,
)
from safenet.tracking.transitions import Following, TransitionCounts
from safenet.tracking.types import Basis, GeoPoint, RouteWord, Sighting
from safenet.tracking.wording import distance_text, duration_text, limit_text

AHEAD_DEG = 90.0
"""A camera counts as ahead when it lies within this angle of the direction of travel."""


def place_cameras(
    roads: RoadGraph | None,
    cameras: Iterable[tuple[str, GeoPoint]],
    policy: RoutePolicy = DEFAULT_ROUTE,
) -> tuple[CameraOnRoad, ...]:
    """The cameras placed on the roads they read (none without road data); ids once each."""
    usable = roads is not None and not roads.synthetic
    placed: dict[str, CameraOnRoad] = {}
    for camera_id, point in cameras:
        if camera_id in placed:
            continue
        positions = locate(roads, point, policy) if usable and roads is not None else ()
        placed[camera_id] = CameraOnRoad(camera_id, point, positions)
    return tuple(placed.values())


@dataclass(slots=True)
class _Candidate:
    camera: CameraOnRoad
    arrival_s: float | None
    behind: str | None
    prior: float
    distance_m: float
    ahead: bool | None


def reachable_cameras(
    latest: Sighting,
    cameras: Sequence[CameraOnRoad],
    *,
    roads: RoadGraph | None,
    direction: DirectionOfTravel | None = None,
    pace: float = 1.0,
    transitions: TransitionCounts | None = None,
    previous_camera: str | None = None,
    policy: RoutePolicy = DEFAULT_ROUTE,
    areas: bool = True,
) -> Reach:
    """The cameras the vehicle may pass next after ``latest``, best first, and the reach areas.

    ``cameras`` come from :func:`place_cameras`; the latest hit's own camera is
    never listed. ``pace`` is how fast the vehicle drives against the roads'
    speeds (1.0 at the limits; kept within ``policy.pace_limits``).
    ``previous_camera`` is the camera of the hit before, for the order-2
    transition counts. ``areas=False`` skips the reach areas (a ranking only).
    """
    if not math.isfinite(pace) or pace <= 0:
        raise ValueError(f"pace must be a finite number > 0, got {pace!r}")
    pace = min(max(pace, policy.pace_limits[0]), policy.pace_limits[1])
    notice: tuple[str, str] | None = None
    starts: tuple[RoadPosition, ...] = ()
    fallback: dict[str, float | int | str | None] = {"speed_kmh": policy.fallback_speed_kmh}
    word = RouteWord("no_roads", fallback)
    if roads is None:
        notice = ("no road data here", "도로 자료 없음")
    elif roads.synthetic:
        notice = (f"{roads.name} is not road data", f"{roads.name}은(는) 실제 도로 자료가 아님")
        word = RouteWord("synthetic_roads", {**fallback, "name": roads.name})
    else:
        starts = _starts(latest, roads, direction, policy)
        if not starts:
            snap = limit_text(policy.snap_m)
            notice = (
                f"the camera is more than {snap} m from every road",
                f"카메라가 도로에서 {snap} m 이상 떨어져 있음",
            )
            word = RouteWord("off_road", {**fallback, "snap_m": policy.snap_m})
    if roads is None or notice is not None or not starts:
        speed = limit_text(policy.fallback_speed_kmh)
        en, ko = notice or ("no road data here", "도로 자료 없음")
        return _straight_reach(
            latest,
            cameras,
            direction,
            transitions,
            previous_camera,
            policy,
            f"{en}: straight-line reach at an assumed {speed} km/h",
            f"{ko}: 시속 {speed} km 가정, 직선 거리 기준",
            areas,
            word,
        )
    budget = policy.horizon_s * pace
    # Always worked out to the fastest pace allowed, so one search serves every pace.
    reached = roads.reach(starts, policy.horizon_s * policy.pace_limits[1])
    candidates = _road_candidates(latest, cameras, starts, reached, budget, pace, direction, policy)
    ranked, model = _rank(candidates, cameras, latest, transitions, previous_camera, policy)
    return Reach(
        origin=latest.point,
        at=latest.ts,
        basis="road",
        cameras=tuple(_describe(latest, ranked, "road", policy)),
        areas=road_areas(latest.point, roads, starts, reached, pace, policy) if areas else (),
        pace=pace,
        model="transitions" if model else "roads",
        notice=None,
        notice_ko=None,
    )


def _starts(
    latest: Sighting,
    roads: RoadGraph,
    direction: DirectionOfTravel | None,
    policy: RoutePolicy,
) -> tuple[RoadPosition, ...]:
    if direction is not None and direction.position is not None:
        return (direction.position,)
    here = locate(roads, latest.point, policy)
    if direction is None:
        return here
    # Only the roads through the camera that go the way the vehicle was going.
    going = tuple(
        p for p in here if angle_between_deg(p.bearing_deg, direction.bearing_deg) < AHEAD_DEG
    )
    return going or here


def _road_candidates(
    latest: Sighting,
    cameras: Sequence[CameraOnRoad],
    starts: Sequence[RoadPosition],
    reached: Reached,
    budget: float,
    pace: float,
    direction: DirectionOfTravel | None,
    policy: RoutePolicy,
) -> list[_Candidate]:
    watched: dict[tuple[NodeRef, NodeRef], list[tuple[float, str]]] = {}
    for camera in cameras:
        if camera.camera_id == latest.camera_id:
            continue
        for p in camera.positions:
            watched.setdefault((p.u, p.v), []).append((p.fraction, camera.camera_id))
    out: list[_Candidate] = []
    for camera in cameras:
        if camera.camera_id == latest.camera_id or not camera.positions:
            continue
        best = math.inf
        how: tuple[RoadPosition, RoadPosition | None] | None = None  # (where, start if direct)
        for p in camera.positions:
            for s in starts:  # ahead on the road the vehicle is on
                if (s.u, s.v) == (p.u, p.v) and p.fraction >= s.fraction:
                    t = (p.fraction - s.fraction) * s.time_s
                    if t < best:
                        best, how = t, (p, s)
            at_u = reached.times.get(p.u)
            if at_u is not None and at_u + p.time_from_start_s < best:
                best, how = at_u + p.time_from_start_s, (p, None)
        if best > budget or how is None:
            continue
        p, direct = how
        if direct is not None:
            behind = _on_edge(watched, p.u, p.v, direct.fraction, p.fraction, camera)
        else:
            behind = _on_edge(watched, p.u, p.v, 0.0, p.fraction, camera) or _on_the_way(
                p.u, reached, starts, watched, camera
            )
        out.append(_candidate(latest, camera, best / pace, behind, direction, policy))
    return out


def _candidate(
    latest: Sighting,
    camera: CameraOnRoad,
    arrival_s: float | None,
    behind: str | None,
    direction: DirectionOfTravel | None,
    policy: RoutePolicy,
) -> _Candidate:
    distance = distance_m(latest.point, camera.point)
    ahead: bool | None = None
    if direction is not None and distance >= 1.0:
        bearing = initial_bearing_deg(latest.point, camera.point)
        ahead = angle_between_deg(bearing, direction.bearing_deg) <= AHEAD_DEG
    prior = 0.0
    if arrival_s is not None:
        prior = math.exp(-arrival_s / policy.prior_tau_s)
        if behind is not None:
            prior *= policy.shadow_factor
        if ahead is False:  # drivers rarely turn straight back, though the roads allow it
            prior *= policy.behind_factor
    return _Candidate(camera, arrival_s, behind, prior, distance, ahead)


def _on_edge(
    watched: dict[tuple[NodeRef, NodeRef], list[tuple[float, str]]],
    u: NodeRef,
    v: NodeRef,
    low: float,
    high: float,
    target: CameraOnRoad,
) -> str | None:
    for fraction, camera_id in watched.get((u, v), ()):
        if camera_id != target.camera_id and low <= fraction < high:
            return camera_id
    return None


def _on_the_way(
    node: NodeRef,
    reached: Reached,
    starts: Sequence[RoadPosition],
    watched: dict[tuple[NodeRef, NodeRef], list[tuple[float, str]]],
    target: CameraOnRoad,
) -> str | None:
    """The first other camera on the fastest drive from the start to ``node``, walking back."""
    seen: set[NodeRef] = set()
    while node not in seen:
        seen.add(node)
        before = reached.previous.get(node)
        if before is None:
            for s in starts:  # the drive began on this start's road
                if s.v == node:
                    return _on_edge(watched, s.u, s.v, s.fraction, 1.0 + 1e-9, target)
            return None
        found = _on_edge(watched, before, node, 0.0, 1.0 + 1e-9, target)
        if found is not None:
            return found
        node = before
    return None


def _rank(
    candidates: list[_Candidate],
    cameras: Sequence[CameraOnRoad],
    latest: Sighting,
    transitions: TransitionCounts | None,
    previous_camera: str | None,
    policy: RoutePolicy,
) -> tuple[list[tuple[_Candidate, float, int]], Following | None]:
    total_prior = sum(c.prior for c in candidates)
    following = (
        transitions.following(latest.camera_id, previous_camera, min_total=policy.min_transitions)
        if transitions is not None
        else None
    )
    by_id = {c.camera.camera_id: c for c in candidates}
    if following is not None:
        known = {camera.camera_id: camera for camera in cameras}
        for camera_id in following.counts:
            if camera_id not in by_id and camera_id in known and camera_id != latest.camera_id:
                extra = _candidate(latest, known[camera_id], None, None, None, policy)
                by_id[camera_id] = extra
    scored: list[tuple[_Candidate, float, int]] = []
    alpha = policy.prior_weight
    for camera_id, c in by_id.items():
        q = c.prior / total_prior if total_prior > 0 else 0.0
        if following is None:
            scored.append((c, q, 0))
            continue
        n = following.counts.get(camera_id, 0)
        scored.append((c, (n + alpha * q) / (following.total + alpha), n))
    scored.sort(
        key=lambda s: (
            -s[1],
            s[0].arrival_s if s[0].arrival_s is not None else math.inf,
            s[0].camera.camera_id,
        )
    )
    return scored[: policy.max_results], following


def _describe(
    latest: Sighting,
    ranked: list[tuple[_Candidate, float, int]],
    basis: Basis,
    policy: RoutePolicy,
) -> list[ReachableCamera]:
    out = []
    grow, shrink = 1.0 + policy.speed_spread, 1.0 - policy.speed_spread
    for rank, (c, score, count) in enumerate(ranked, start=1):
        where_en = distance_text(c.distance_m)
        bearing: float | None = None
        if c.distance_m >= 1.0:
            bearing = initial_bearing_deg(latest.point, c.camera.point)
            where_en += f" {compass_label(bearing, 'en')}"
            where_ko = f"{compass_label(bearing)}쪽 {distance_text(c.distance_m)}"
        else:
            where_ko = distance_text(c.distance_m)
        parts_en, parts_ko = [where_en], [where_ko]
        words = [
            RouteWord(
                "where",
                {
                    "distance_m": round(c.distance_m),
                    "bearing_deg": None if bearing is None else round(bearing, 1),
                },
            )
        ]
        earliest = latest_at = None
        horizon = None
        if c.arrival_s is not None:
            way_en = "by road" if basis == "road" else "straight line"
            way_ko = "도로" if basis == "road" else "직선"
            soon, late = c.arrival_s / grow, c.arrival_s / shrink
            earliest = latest.ts + timedelta(seconds=soon)
            latest_at = latest.ts + timedelta(seconds=late)
            horizon = next((h for h in policy.horizons_min if c.arrival_s <= h * 60.0), None)
            parts_en.append(
                f"about {duration_text(c.arrival_s)} {way_en} "
                f"({duration_text(soon)} – {duration_text(late)} after the hit)"
            )
            parts_ko.append(
                f"{way_ko}로 약 {duration_text(c.arrival_s, 'ko')} "
                f"(발견 후 {duration_text(soon, 'ko')}–{duration_text(late, 'ko')})"
            )
            words.append(
                RouteWord(
                    "arrival_road" if basis == "road" else "arrival_straight",
                    {
                        "arrival_s": round(c.arrival_s, 1),
                        "soonest_s": round(soon, 1),
                        "latest_s": round(late, 1),
                    },
                )
            )
        else:
            parts_en.append("beyond the horizon, but vehicles often go there next")
            parts_ko.append("예상 범위 밖이지만 자주 다음으로 지나는 카메라")
            words.append(RouteWord("beyond_often"))
        if c.ahead is False:
            parts_en.append("needs a turn back")
            parts_ko.append("진행 방향 반대 (방향 전환 필요)")
            words.append(RouteWord("turn_back"))
        elif c.ahead:
            parts_en.append("ahead")
            parts_ko.append("진행 방향 앞쪽")
            words.append(RouteWord("ahead"))
        if c.behind is not None:
            parts_en.append(f"after camera {c.behind} on the way")
            parts_ko.append(f"가는 길에 카메라 {c.behind}를 먼저 지남")
            words.append(RouteWord("after_camera", {"camera_id": c.behind}))
        if count:
            parts_en.append(f"{count} vehicles went from this camera here next")
            parts_ko.append(f"이 카메라 다음으로 {count}대가 지남")
            words.append(RouteWord("transitions", {"count": count}))
        out.append(
            ReachableCamera(
                camera_id=c.camera.camera_id,
                point=c.camera.point,
                rank=rank,
                score=score,
                arrival_s=c.arrival_s,
                earliest=earliest,
                latest=latest_at,
                horizon_min=horizon,
                distance_m=c.distance_m,
                basis=basis,
                ahead=c.ahead,
                behind=c.behind,
                transitions=count,
                reason="; ".join(parts_en),
                reason_ko="; ".join(parts_ko),
                reason_words=tuple(words),
            )
        )
    return out


def _straight_reach(
    latest: Sighting,
    cameras: Sequence[CameraOnRoad],
    direction: DirectionOfTravel | None,
    transitions: TransitionCounts | None,
    previous_camera: str | None,
    policy: RoutePolicy,
    notice: str,
    notice_ko: str,
    with_areas: bool,
    notice_word: RouteWord,
) -> Reach:
    speed_ms = policy.fallback_speed_kmh / 3.6
    candidates = []
    for camera in cameras:
        if camera.camera_id == latest.camera_id:
            continue
        arrival = distance_m(latest.point, camera.point) * policy.fallback_detour / speed_ms
        if arrival > policy.horizon_s:
            continue
        c = _candidate(latest, camera, arrival, None, direction, policy)
        if direction is not None and c.ahead and c.distance_m >= 1.0:
            # Without roads the cone ahead is all there is to go by.
            bearing = initial_bearing_deg(latest.point, camera.point)
            if angle_between_deg(bearing, direction.bearing_deg) > policy.cone_half_angle_deg:
                c.prior *= policy.behind_factor
        candidates.append(c)
    ranked, following = _rank(candidates, cameras, latest, transitions, previous_camera, policy)
    areas = tuple(
        ReachArea(
            horizon,
            circle(latest.point, speed_ms * horizon * 60.0 / policy.fallback_detour),
            "straight_line",
        )
        for horizon in (policy.horizons_min if with_areas else ())
    )
    return Reach(
        origin=latest.point,
        at=latest.ts,
        basis="straight_line",
        cameras=tuple(_describe(latest, ranked, "straight_line", policy)),
        areas=areas,
        pace=1.0,
        model="transitions" if following else "straight_line",
        notice=notice,
        notice_ko=notice_ko,
        notice_word=notice_word,
    )
