"""Which cameras may see the wanted vehicle next, why, and when."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safenet.tracking import (
    GeoPoint,
    NextCamera,
    NextCameraPolicy,
    Track,
    destination_point,
    next_cameras,
    next_cameras_for_track,
)
from tests.tracking.factory import CITY_HALL, T0, sighting

LAST = sighting("last", CITY_HALL, camera_id="cam-last")

CANDIDATES: list[tuple[str, GeoPoint]] = [
    ("far-east-20km", destination_point(CITY_HALL, 20_000.0, 90.0)),
    ("north-2km", destination_point(CITY_HALL, 2_000.0, 0.0)),
    ("behind-500m", destination_point(CITY_HALL, 500.0, 270.0)),
    ("ahead-3km", destination_point(CITY_HALL, 3_000.0, 60.0)),
    ("cam-last", CITY_HALL),
    ("ahead-1km", destination_point(CITY_HALL, 1_000.0, 90.0)),
    ("junction", destination_point(CITY_HALL, 100.0, 180.0)),
]


def _ids(found: list[NextCamera]) -> list[str]:
    return [camera.camera_id for camera in found]


def test_ranks_junction_then_ahead_then_the_rest_by_distance() -> None:
    found = next_cameras(LAST, CANDIDATES, direction_deg=90.0, speed_kmh=60.0)
    assert _ids(found) == ["junction", "ahead-1km", "ahead-3km", "behind-500m", "north-2km"]


def test_each_camera_says_where_it_is_relative_to_the_travel() -> None:
    by_id = {
        c.camera_id: c for c in next_cameras(LAST, CANDIDATES, direction_deg=90.0, speed_kmh=60.0)
    }
    junction, ahead, side, behind = (
        by_id["junction"],
        by_id["ahead-3km"],
        by_id["north-2km"],
        by_id["behind-500m"],
    )
    assert junction.near
    assert junction.bearing_deg is None
    assert junction.off_course_deg is None
    assert "same junction" in junction.reason
    assert "같은 교차로" in junction.reason_ko
    assert ahead.in_cone
    assert not ahead.near
    assert ahead.off_course_deg == pytest.approx(30.0, abs=0.5)
    assert ahead.distance_m == pytest.approx(3_000.0, abs=0.01)
    assert "3.0 km NE, ahead (30° off the direction of travel)" in ahead.reason
    assert "북동쪽 3.0 km" in ahead.reason_ko
    assert not side.in_cone
    assert side.off_course_deg == pytest.approx(90.0, abs=0.5)
    assert "needs a turn" in side.reason
    assert behind.off_course_deg == pytest.approx(180.0, abs=0.5)
    assert "500 m W" in behind.reason


def test_arrival_window_spans_the_speed_spread() -> None:
    ahead = next(
        c
        for c in next_cameras(LAST, CANDIDATES, direction_deg=90.0, speed_kmh=60.0)
        if c.camera_id == "ahead-1km"
    )
    # 1 km at 60 km/h is 60 s; at 90 and 30 km/h it is 40 s and 120 s.
    assert ahead.earliest - LAST.ts == pytest.approx(timedelta(seconds=40), abs=timedelta(0.01))
    assert ahead.latest - LAST.ts == pytest.approx(timedelta(seconds=120), abs=timedelta(0.01))
    assert ahead.reason == (
        "1.0 km E, ahead (0° off the direction of travel); in 40 s – 2 min at about 60 km/h"
    )
    assert ahead.earliest.tzinfo is not None


def test_reach_is_speed_times_horizon() -> None:
    # 100 km/h for 12 minutes is exactly 20 km.
    far = [("far-east-20km", destination_point(CITY_HALL, 20_000.0, 90.0))]

    def reach(minutes: float) -> list[str]:
        return _ids(
            next_cameras(
                LAST,
                far,
                direction_deg=90.0,
                speed_kmh=100.0,
                policy=NextCameraPolicy(horizon_min=minutes),
            )
        )

    assert reach(11.9) == []
    assert reach(12.1) == ["far-east-20km"]
    assert reach(10.0) == []


def test_a_crawling_vehicle_still_reaches_the_floor_speed() -> None:
    # 5 km/h is taken as 30 km/h: 5 km in 10 minutes.
    found = next_cameras(LAST, CANDIDATES, direction_deg=90.0, speed_kmh=5.0)
    assert "ahead-3km" in _ids(found)
    six_km = [("six-km", destination_point(CITY_HALL, 6_000.0, 90.0))]
    assert next_cameras(LAST, six_km, direction_deg=90.0, speed_kmh=5.0) == []


def test_unknown_speed_assumes_the_default_and_says_so() -> None:
    found = next_cameras(LAST, CANDIDATES, direction_deg=90.0, speed_kmh=None)
    ahead = next(c for c in found if c.camera_id == "ahead-1km")
    assert "at an assumed 50 km/h" in ahead.reason
    assert "시속 50 km 가정" in ahead.reason_ko
    eight_km = [("8km", destination_point(CITY_HALL, 8_000.0, 90.0))]
    nine_km = [("9km", destination_point(CITY_HALL, 9_000.0, 90.0))]
    assert next_cameras(LAST, eight_km, direction_deg=90.0, speed_kmh=None) != []
    assert next_cameras(LAST, nine_km, direction_deg=90.0, speed_kmh=None) == []


def test_unknown_direction_ranks_by_distance_only() -> None:
    found = next_cameras(LAST, CANDIDATES, direction_deg=None, speed_kmh=60.0)
    assert _ids(found) == ["junction", "behind-500m", "ahead-1km", "north-2km", "ahead-3km"]
    assert not any(c.in_cone for c in found)
    assert all(c.off_course_deg is None for c in found)
    assert "direction of travel unknown" in found[1].reason
    assert "진행 방향 미상" in found[1].reason_ko


def test_cone_edge_is_inside() -> None:
    edge = [("edge", destination_point(CITY_HALL, 1_000.0, 135.0))]
    (camera,) = next_cameras(LAST, edge, direction_deg=90.0, speed_kmh=60.0)
    assert camera.in_cone
    (camera,) = next_cameras(
        LAST,
        edge,
        direction_deg=90.0,
        speed_kmh=60.0,
        policy=NextCameraPolicy(cone_half_angle_deg=30.0),
    )
    assert not camera.in_cone


def test_max_results_keeps_the_best() -> None:
    found = next_cameras(
        LAST,
        CANDIDATES,
        direction_deg=90.0,
        speed_kmh=60.0,
        policy=NextCameraPolicy(max_results=2),
    )
    assert _ids(found) == ["junction", "ahead-1km"]


def test_a_camera_listed_twice_counts_once() -> None:
    twice = [("a", destination_point(CITY_HALL, 900.0, 90.0))] * 2
    assert _ids(next_cameras(LAST, twice, direction_deg=90.0, speed_kmh=60.0)) == ["a"]


def test_for_track_uses_its_latest_hit_direction_and_speed() -> None:
    track = Track("E1")
    start = destination_point(CITY_HALL, 2_000.0, 270.0)
    track.add(sighting("first", start, -240))  # 2 km west, 4 minutes earlier: 30 km/h east
    track.add(LAST)
    found = next_cameras_for_track(track, CANDIDATES)
    assert _ids(found)[:3] == ["junction", "ahead-1km", "ahead-3km"]
    ahead = next(c for c in found if c.camera_id == "ahead-1km")
    assert "at about 30 km/h" in ahead.reason
    assert ahead.earliest > T0


def test_for_an_empty_track_there_is_nothing_to_rank() -> None:
    assert next_cameras_for_track(Track("E1"), CANDIDATES) == []
