"""Which cameras may see a wanted vehicle next: where to look, and when.

From the latest hit, the direction of travel and the speed, every candidate
camera the vehicle can reach within the horizon is listed: first those next to
the last camera (the same junction), then those ahead within the cone around
the direction of travel, then the rest (the car may turn), nearest first in
each group. Each comes with an arrival window and a reason a dispatcher can read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta

from safenet.tracking.direction import angle_between_deg, compass_label
from safenet.tracking.geo import distance_m, initial_bearing_deg
from safenet.tracking.track import Track
from safenet.tracking.types import GeoPoint, NextCamera, NextCameraPolicy, RouteWord, Sighting
from safenet.tracking.wording import distance_text, duration_text, speed_text

DEFAULT_NEXT_CAMERAS = NextCameraPolicy()


def next_cameras(
    latest: Sighting,
    candidates: Iterable[tuple[str, GeoPoint]],
    *,
    direction_deg: float | None,
    speed_kmh: float | None,
    policy: NextCameraPolicy = DEFAULT_NEXT_CAMERAS,
) -> list[NextCamera]:
    """The cameras most likely to see the vehicle next, best first, at most ``policy.max_results``.

    ``candidates`` are (camera id, position) pairs; the latest hit's own camera
    and repeated ids are skipped. ``direction_deg`` None ranks by distance only;
    ``speed_kmh`` None assumes ``policy.default_speed_kmh``.

    Straight-line geometry only: distances, the reach and the arrival windows are
    measured as the crow flies, not along roads, so a camera across a river with no
    bridge nearby looks as close as one down the street. Road-network routing is
    planned; until then treat the ranking as where to look first, not as a route.
    """
    if direction_deg is not None and not math.isfinite(direction_deg):
        raise ValueError(f"direction_deg must be a finite number or None, got {direction_deg!r}")
    if speed_kmh is not None and (not math.isfinite(speed_kmh) or speed_kmh < 0):
        raise ValueError(f"speed_kmh must be a finite number >= 0 or None, got {speed_kmh!r}")

    measured = speed_kmh is not None
    assumed_kmh = max(
        speed_kmh if speed_kmh is not None else policy.default_speed_kmh, policy.min_speed_kmh
    )
    speed_ms = assumed_kmh / 3.6
    reach_m = speed_ms * policy.horizon_min * 60.0
    fast_ms = speed_ms * (1.0 + policy.speed_spread)
    slow_ms = speed_ms * (1.0 - policy.speed_spread)
    if measured:
        pace_en = f"at about {speed_text(assumed_kmh)} km/h"
        pace_ko = f"시속 약 {speed_text(assumed_kmh)} km로"
    else:
        pace_en = f"at an assumed {speed_text(assumed_kmh)} km/h"
        pace_ko = f"시속 {speed_text(assumed_kmh)} km 가정 시"

    seen = {latest.camera_id}
    ranked: list[tuple[int, float, str, NextCamera]] = []
    for camera_id, point in candidates:
        if camera_id in seen:
            continue
        seen.add(camera_id)
        distance = distance_m(latest.point, point)
        if distance > reach_m:
            continue
        near = distance < policy.near_m
        bearing = None if near else initial_bearing_deg(latest.point, point)
        off = (
            angle_between_deg(bearing, direction_deg)
            if bearing is not None and direction_deg is not None
            else None
        )
        in_cone = off is not None and off <= policy.cone_half_angle_deg
        soonest_s, latest_s = distance / fast_ms, distance / slow_ms

        when_en = f"in {duration_text(soonest_s)} – {duration_text(latest_s)} {pace_en}"
        when_ko = f"{pace_ko} {duration_text(soonest_s, 'ko')}–{duration_text(latest_s, 'ko')} 후"
        dist = distance_text(distance)
        words = [
            RouteWord(
                "window_measured" if measured else "window_assumed",
                {
                    "soonest_s": round(soonest_s, 1),
                    "latest_s": round(latest_s, 1),
                    "speed_kmh": round(assumed_kmh, 1),
                },
            )
        ]
        if bearing is None:
            where_en = f"{dist} away, at the same junction as the last hit"
            where_ko = f"마지막 발견 카메라와 같은 교차로 ({dist})"
            words.insert(0, RouteWord("same_junction", {"distance_m": round(distance)}))
        else:
            where_en = f"{dist} {compass_label(bearing, 'en')}"
            where_ko = f"{compass_label(bearing, 'ko')}쪽 {dist}"
            where = [
                RouteWord(
                    "where", {"distance_m": round(distance), "bearing_deg": round(bearing, 1)}
                )
            ]
            if off is None:
                where_en += ", direction of travel unknown"
                where_ko += ", 진행 방향 미상"
                where.append(RouteWord("direction_unknown"))
            elif in_cone:
                where_en += f", ahead ({off:.0f}° off the direction of travel)"
                where_ko += f", 진행 방향 ({off:.0f}° 차이)"
                where.append(RouteWord("in_cone", {"off_deg": round(off)}))
            else:
                where_en += f", {off:.0f}° off the direction of travel (needs a turn)"
                where_ko += f", 진행 방향에서 {off:.0f}° 벗어남 (방향 전환 필요)"
                where.append(RouteWord("off_course", {"off_deg": round(off)}))
            words = where + words

        camera = NextCamera(
            camera_id=camera_id,
            point=point,
            distance_m=distance,
            bearing_deg=bearing,
            off_course_deg=off,
            near=near,
            in_cone=in_cone,
            earliest=latest.ts + timedelta(seconds=soonest_s),
            latest=latest.ts + timedelta(seconds=latest_s),
            reason=f"{where_en}; {when_en}",
            reason_ko=f"{where_ko}; {when_ko}",
            reason_words=tuple(words),
        )
        group = 0 if near else 1 if in_cone else 2
        ranked.append((group, distance, camera_id, camera))

    ranked.sort(key=lambda item: item[:3])
    return [camera for *_, camera in ranked[: policy.max_results]]


def next_cameras_for_track(
    track: Track,
    candidates: Iterable[tuple[str, GeoPoint]],
    policy: NextCameraPolicy = DEFAULT_NEXT_CAMERAS,
) -> list[NextCamera]:
    """:func:`next_cameras` from a track's latest hit, direction and speed ([] when empty)."""
    latest = track.latest
    if latest is None:
        return []
    return next_cameras(
        latest,
        candidates,
        direction_deg=track.direction_deg,
        speed_kmh=track.speed_kmh,
        policy=policy,
    )
