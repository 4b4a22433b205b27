"""The impossible-journey check along roads, its pace notes, and when it falls back to the line."""

from __future__ import annotations

import pytest

from safenet.tracking import PlausibilityPolicy, RoutePolicy, Track, check_journey, leg_between
from tests.tracking.factory import sighting
from tests.tracking.roadmaps import at, build, corner, river

SOUTH = at(0, 0)
NORTH = at(0, 1000)  # 1 km away as the crow flies, a 3.4 km drive over the bridge


def test_a_river_crossing_too_fast_for_the_bridge_is_impossible_by_road() -> None:
    # 1 km straight in 60 s is 60 km/h, unremarkable; the 3.4 km drive in 60 s is 204 km/h.
    prev, new = sighting("a", SOUTH), sighting("b", NORTH, 60)
    assert check_journey(prev, new).possible
    verdict = check_journey(prev, new, roads=river())
    assert not verdict.possible
    assert verdict.basis == "road"
    assert verdict.road_distance_m == pytest.approx(3400, rel=0.01)
    assert verdict.speed_kmh == pytest.approx(204, rel=0.01)
    assert verdict.pace == "impossible"
    assert "3.4 km by road (1.0 km straight)" in verdict.reason
    assert "이동 불가능 구간" in verdict.reason_ko


def test_the_same_crossing_in_time_for_the_bridge_is_possible_and_drawn_along_roads() -> None:
    verdict = check_journey(sighting("a", SOUTH), sighting("b", NORTH, 400), roads=river())
    assert verdict.possible
    assert verdict.pace == "normal"
    assert verdict.expected_s == pytest.approx(340, rel=0.01)
    assert verdict.route is not None
    assert verdict.route.names == ("남쪽 강변로", "다리", "북쪽 강변로")
    east = max(p.lon for p in verdict.route.points)
    assert east == pytest.approx(at(1200, 0).lon, abs=1e-6)  # it goes by the bridge


def test_far_faster_than_the_roads_allow_is_noted_for_a_plate_check() -> None:
    # 3.4 km in 150 s: 82 km/h, within the limit, but under half the 340 s drive at 36 km/h.
    leg = leg_between(sighting("a", SOUTH), sighting("b", NORTH, 150), roads=river())
    assert not leg.impossible
    assert leg.pace == "fast"
    assert leg.note is not None
    assert "confirm the plate" in leg.note
    assert leg.note_ko is not None
    assert "번호판" in leg.note_ko


def test_a_long_gap_is_a_stop_on_the_way() -> None:
    leg = leg_between(sighting("a", SOUTH), sighting("b", NORTH, 1800), roads=river())
    assert leg.pace == "stop"
    assert leg.note is not None
    assert "a stop or a detour" in leg.note
    assert leg.note_ko is not None
    assert "정차" in leg.note_ko


def test_the_road_distance_is_the_shortest_drive_not_the_fastest() -> None:
    # A slow 1.2 km lane straight north and a fast 3 km ring road: the flag must use the
    # 1.2 km a car could have taken, or a fast car on the short lane is flagged falsely.
    roads = build(
        {"a": (0, 0), "b": (0, 1200), "e": (1500, 0), "f": (1500, 1200)},
        [("a", "b", 20.0), ("a", "e", 100.0), ("e", "f", 100.0), ("f", "b", 100.0)],
    )
    verdict = check_journey(sighting("a", at(0, 0)), sighting("b", at(0, 1200), 30), roads=roads)
    assert verdict.road_distance_m == pytest.approx(1200, rel=0.01)
    assert verdict.possible  # 1.2 km in 30 s is 144 km/h
    assert verdict.expected_s == pytest.approx(4200 / (100 / 3.6), rel=0.01)
    assert verdict.route is not None
    assert verdict.route.by == "time"


def test_no_road_data_keeps_the_straight_line() -> None:
    verdict = check_journey(sighting("a", SOUTH), sighting("b", NORTH, 60))
    assert verdict.basis == "straight_line"
    assert verdict.road_distance_m is None
    assert verdict.pace is None


def test_a_stand_in_graph_is_never_road_data() -> None:
    fake = build({"s": (0, 0), "n": (0, 1000)}, [("s", "n")], synthetic=True)
    verdict = check_journey(sighting("a", SOUTH), sighting("b", NORTH, 60), roads=fake)
    assert verdict.basis == "straight_line"
    assert verdict.basis_note is not None
    assert "not road data" in verdict.basis_note


def test_a_camera_far_from_every_road_falls_back_and_says_so() -> None:
    off_road = at(0, 1400)  # 400 m north of the north bank
    verdict = check_journey(sighting("a", SOUTH), sighting("b", off_road, 60), roads=river())
    assert verdict.basis == "straight_line"
    assert verdict.basis_note is not None
    assert "150 m" in verdict.basis_note
    assert verdict.basis_note_ko is not None


def test_a_detour_beyond_belief_means_a_missing_link_not_a_flag() -> None:
    # The bridge 5 km away: 11 km of driving for 1 km of river. Road extracts miss links
    # (a bridge cut off by the box); the straight line judges instead, and says why.
    far_bridge = build(
        {"s0": (-500, 0), "s1": (5000, 0), "n0": (-500, 1000), "n1": (5000, 1000)},
        [("s0", "s1"), ("n0", "n1"), ("s1", "n1")],
    )
    verdict = check_journey(sighting("a", SOUTH), sighting("b", NORTH, 60), roads=far_bridge)
    assert verdict.possible
    assert verdict.basis == "straight_line"
    assert verdict.basis_note is not None
    assert "misses a" in verdict.basis_note
    tighter = RoutePolicy(max_detour=20.0)
    judged = check_journey(
        sighting("a", SOUTH), sighting("b", NORTH, 60), roads=far_bridge, route_policy=tighter
    )
    assert judged.basis == "road"
    assert not judged.possible


def test_legs_within_the_position_tolerance_are_not_judged_by_road_either() -> None:
    near = at(100, 0)
    verdict = check_journey(sighting("a", SOUTH), sighting("b", near, 0), roads=river())
    assert verdict.possible
    assert verdict.basis == "straight_line"


def test_a_track_on_roads_flags_the_river_crossing_once() -> None:
    track = Track("E1", PlausibilityPolicy(), roads=river())
    track.add(sighting("a", SOUTH))
    change = track.add(sighting("b", NORTH, 60))
    assert len(change.new_impossible) == 1
    assert change.new_impossible[0].basis == "road"


def test_the_direction_follows_the_road_into_the_camera() -> None:
    # From the north-south road to the east-west one: the straight line says north-east,
    # the road says the car arrived going east.
    first, second = at(0, -800), at(1000, 0)
    plain = Track("E1")
    plain.add(sighting("a", first))
    plain.add(sighting("b", second, 180))
    assert plain.direction_source == "hits"
    assert plain.direction_deg == pytest.approx(51.3, abs=1.0)

    roads = Track("E1", roads=corner())
    roads.add(sighting("a", first))
    roads.add(sighting("b", second, 180, heading=270.0))  # a front-plate camera looking west
    direction = roads.direction
    assert direction is not None
    assert direction.source == "road"
    assert direction.bearing_deg == pytest.approx(90.0, abs=1.0)
    assert direction.position is not None
    assert direction.position.u == "c"
    assert direction.position.v == "b"
    assert "동서로" in direction.reason_ko
    assert roads.speed_kmh == pytest.approx(1800 / 180 * 3.6, rel=0.02)


def test_a_car_fleeing_the_wrong_way_down_a_one_way_street_is_not_flagged() -> None:
    # An 800 m one-way alley, legal only from b to a; the legal way round from x to y is
    # 2 km. 600 m against the arrows in 30 s is 72 km/h: a fleeing car, not a clone (the
    # legal 2 km would be 240 km/h and raise a false flag).
    roads = build(
        {"a": (0, 0), "b": (800, 0), "c": (800, 500), "d": (0, 500)},
        [("b", "a", 30.0), ("a", "d", 60.0), ("d", "c", 60.0), ("c", "b", 60.0)],
        one_way=[("b", "a"), ("a", "d"), ("d", "c"), ("c", "b")],
    )
    verdict = check_journey(sighting("x", at(100, 0)), sighting("y", at(700, 0), 30), roads=roads)
    assert verdict.basis == "road"
    assert verdict.possible
    assert verdict.road_distance_m == pytest.approx(600, rel=0.01)
    # The drive drawn and the expected time are the legal way round, for the dispatcher.
    assert verdict.route is not None
    assert verdict.route.length_m == pytest.approx(100 + 500 + 800 + 500 + 100, rel=0.01)
