"""A track per wanted entry: hits in time order, legs, direction, and what each hit changed."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest

from safenet.tracking import (
    PlausibilityPolicy,
    Track,
    angle_between_deg,
    destination_point,
    leg_between,
)
from safenet.tracking.types import PlateSide
from tests.tracking.factory import BUSAN, CITY_HALL, GANGNAM, sighting

NORTH_1KM = destination_point(CITY_HALL, 1_000.0, 0.0)
EAST_2KM = destination_point(CITY_HALL, 2_000.0, 90.0)


def test_empty_track() -> None:
    track = Track("E1")
    assert track.entry_id == "E1"
    assert track.sightings == ()
    assert track.legs == ()
    assert track.latest is None
    assert track.direction_deg is None
    assert track.speed_kmh is None
    assert len(track) == 0


def test_first_hit_makes_no_leg() -> None:
    track = Track("E1")
    change = track.add(sighting("a", CITY_HALL))
    assert not change.duplicate
    assert not change.out_of_order
    assert change.latest_changed
    assert change.added_legs == ()
    assert change.removed_legs == ()
    assert track.latest == sighting("a", CITY_HALL)


def test_hits_in_order_make_legs_in_order() -> None:
    track = Track("E1")
    a, b, c = sighting("a", CITY_HALL), sighting("b", NORTH_1KM, 120), sighting("c", CITY_HALL, 240)
    for hit in (a, b, c):
        track.add(hit)
    assert track.sightings == (a, b, c)
    assert [(leg.from_hit, leg.to_hit) for leg in track.legs] == [(a, b), (b, c)]
    assert track.legs[0].speed_kmh == pytest.approx(30.0, rel=0.001)
    assert track.legs[0].elapsed_s == 120.0
    bearings = [leg.bearing_deg for leg in track.legs]
    assert None not in bearings
    assert angle_between_deg(bearings[0] or 0.0, 0.0) < 0.01
    assert angle_between_deg(bearings[1] or 0.0, 180.0) < 0.01


def test_late_hit_is_inserted_and_splits_the_leg_it_falls_into() -> None:
    track = Track("E1")
    a, b, c = sighting("a", CITY_HALL), sighting("b", NORTH_1KM, 120), sighting("c", EAST_2KM, 600)
    track.add(a)
    track.add(c)
    change = track.add(b)
    assert change.out_of_order
    assert not change.latest_changed
    assert track.sightings == (a, b, c)
    assert track.latest == c
    assert change.removed_legs == (leg_between(a, c),)
    assert change.added_legs == (leg_between(a, b), leg_between(b, c))
    assert track.legs == change.added_legs


def test_hit_earlier_than_all_others_goes_first() -> None:
    track = Track("E1")
    a, b = sighting("a", CITY_HALL), sighting("b", NORTH_1KM, 120)
    track.add(b)
    change = track.add(a)
    assert change.out_of_order
    assert not change.latest_changed
    assert change.removed_legs == ()
    assert change.added_legs == (leg_between(a, b),)
    assert track.sightings == (a, b)


def test_same_hit_twice_is_one_hit() -> None:
    track = Track("E1")
    a = sighting("a", CITY_HALL)
    track.add(a)
    track.add(sighting("b", NORTH_1KM, 120))
    legs = track.legs
    change = track.add(a)
    assert change.duplicate
    assert change.added_legs == ()
    assert change.removed_legs == ()
    assert not change.latest_changed
    assert len(track) == 2
    assert track.legs == legs
    assert "a" in track
    assert "zzz" not in track


def test_redelivered_hit_with_a_new_score_keeps_the_first() -> None:
    track = Track("E1")
    first = sighting("a", CITY_HALL)
    track.add(first)
    again = dataclasses.replace(first, level="confirmed", score=0.5)
    assert track.add(again).duplicate
    assert track.sightings == (first,)


@pytest.mark.parametrize(
    ("other", "field"),
    [
        (sighting("a", CITY_HALL, 60), "ts"),
        (sighting("a", GANGNAM), "point"),
        (sighting("a", CITY_HALL, camera_id="cam-x"), "camera_id"),
    ],
)
def test_same_hit_id_with_another_place_or_time_is_refused(other: object, field: str) -> None:
    track = Track("E1")
    track.add(sighting("a", CITY_HALL))
    with pytest.raises(ValueError, match=field):
        track.add(other)  # type: ignore[arg-type]


def test_hit_of_another_entry_is_refused() -> None:
    with pytest.raises(ValueError, match="entry_id"):
        Track("E1").add(sighting("a", CITY_HALL, entry_id="E2"))


def test_two_hits_at_the_same_instant_keep_a_stable_order() -> None:
    first, second = Track("E1"), Track("E1")
    a, b = sighting("a", CITY_HALL), sighting("b", GANGNAM)
    first.add(a)
    first.add(b)
    second.add(b)
    second.add(a)
    assert first.sightings == second.sightings
    assert first.legs == second.legs
    assert first.legs[0].elapsed_s == 0.0
    assert first.legs[0].impossible


def test_impossible_leg_is_reported_once_as_new() -> None:
    track = Track("E1")
    track.add(sighting("a", CITY_HALL))
    change = track.add(sighting("b", BUSAN, 600))
    assert len(change.new_impossible) == 1
    leg = change.new_impossible[0]
    assert leg.impossible
    assert leg.reason is not None
    assert "km/h" in leg.reason
    assert leg.reason.endswith("likely misread or cloned plate")
    assert leg.reason_ko is not None
    assert leg.reason_ko.endswith("이동 불가능 구간 (번호판 오인식 또는 대포차 의심)")
    assert track.add(sighting("b", BUSAN, 600)).new_impossible == ()


def test_late_hit_re_evaluates_both_neighbouring_legs() -> None:
    # Seoul → Gangnam in an hour is fine; a late Busan hit in the middle is not.
    track = Track("E1")
    track.add(sighting("a", CITY_HALL))
    track.add(sighting("c", GANGNAM, 3600))
    assert not any(leg.impossible for leg in track.legs)
    change = track.add(sighting("b", BUSAN, 1800))
    assert change.removed_impossible == ()
    assert len(change.new_impossible) == 2
    assert all(leg.impossible for leg in track.legs)


def test_late_hit_replaces_a_flagged_leg() -> None:
    # A hit in between cannot make an impossible leg possible (the straight line is the
    # shortest way), but the flagged leg itself is gone, so the map must drop its warning.
    track = Track("E1")
    track.add(sighting("a", CITY_HALL))
    track.add(sighting("c", GANGNAM, 60))
    change = track.add(sighting("b", destination_point(CITY_HALL, 4_000.0, 150.0), 30))
    assert len(change.removed_impossible) == 1
    assert {leg.to_hit.hit_id for leg in change.new_impossible} == {"b", "c"}


def test_policy_decides_the_flag() -> None:
    lenient = Track("E1", policy=PlausibilityPolicy(max_speed_kmh=400.0))
    lenient.add(sighting("a", CITY_HALL))
    assert lenient.add(sighting("b", GANGNAM, 120)).new_impossible == ()
    assert lenient.policy.max_speed_kmh == 400.0


def test_the_track_overrules_a_camera_heading_that_points_the_other_way() -> None:
    # The demo card said 남 while the car drove north: the camera looks south
    # (it reads the fronts of cars coming north), and its heading was taken as the
    # direction of travel.
    track = Track("E1")
    track.add(sighting("a", CITY_HALL))
    track.add(sighting("b", NORTH_1KM, 120, heading=180.0))
    assert track.direction_deg is not None
    assert angle_between_deg(track.direction_deg, 0.0) < 1.0
    assert track.direction_source == "hits"
    assert track.direction is not None
    assert track.direction.from_hit_id == "a"
    assert "직전 발견" in track.direction.reason_ko


@pytest.mark.parametrize(
    ("side", "expected", "words"),
    [("rear", 10.0, "후면"), ("front", 190.0, "전면"), (None, 10.0, "미상")],
)
def test_the_camera_heading_says_the_direction_only_without_an_earlier_hit(
    side: PlateSide | None, expected: float, words: str
) -> None:
    track = Track("E1")
    track.add(replace(sighting("b", NORTH_1KM, 120, heading=10.0), plate_side=side))
    direction = track.direction
    assert direction is not None
    assert direction.bearing_deg == pytest.approx(expected)
    assert direction.source == "camera"
    assert direction.plate_side == side
    assert words in direction.reason_ko
    assert track.speed_kmh is None


def test_direction_is_the_bearing_from_the_previous_hit_otherwise() -> None:
    track = Track("E1")
    track.add(sighting("a", CITY_HALL))
    track.add(sighting("b", EAST_2KM, 240))
    assert track.direction_deg == pytest.approx(90.0, abs=0.1)
    assert track.direction_source == "hits"
    assert track.speed_kmh == pytest.approx(30.0, rel=0.001)


def test_one_hit_without_heading_has_no_direction() -> None:
    track = Track("E1")
    track.add(sighting("a", CITY_HALL))
    assert track.direction_deg is None
    assert track.direction_source is None
    assert track.speed_kmh is None


def test_direction_looks_past_jitter_to_the_last_real_move() -> None:
    south = destination_point(CITY_HALL, 1_500.0, 180.0)
    jitter = destination_point(CITY_HALL, 60.0, 270.0)
    track = Track("E1")
    track.add(sighting("a", south))
    track.add(sighting("b", CITY_HALL, 180))
    track.add(sighting("c", jitter, 200))
    assert track.direction_deg is not None
    assert angle_between_deg(track.direction_deg, 0.0) < 3.0
    assert track.speed_kmh == pytest.approx(1_500 / 200 * 3.6, rel=0.05)


def test_no_direction_when_the_last_move_is_impossible() -> None:
    track = Track("E1")
    track.add(sighting("a", CITY_HALL))
    track.add(sighting("b", BUSAN, 600))
    assert track.direction_deg is None
    assert track.speed_kmh is None


def test_no_direction_from_a_hit_older_than_the_motion_window() -> None:
    track = Track("E1", motion_window_s=1800.0)
    track.add(sighting("a", CITY_HALL))
    track.add(sighting("b", GANGNAM, 3600))
    assert track.direction_deg is None
    assert track.speed_kmh is None
    with pytest.raises(ValueError, match="motion_window_s"):
        Track("E1", motion_window_s=0.0)


def test_track_from_hits_in_any_order() -> None:
    hits = [sighting("c", EAST_2KM, 600), sighting("a", CITY_HALL), sighting("b", NORTH_1KM, 120)]
    track = Track.from_sightings("E1", hits)
    assert [s.hit_id for s in track.sightings] == ["a", "b", "c"]
