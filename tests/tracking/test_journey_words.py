"""The journey's, the direction's and the next cameras' words as data (code + params).

Beside every ``reason`` / ``note`` string the tracking model gives the same as word
codes with plain numbers, so a console can word it in its reader's language; these
tests pin the codes on cases where the answer is known.
"""

from __future__ import annotations

import pytest

from safenet.tracking import (
    PlausibilityPolicy,
    RoutePolicy,
    RouteWord,
    Track,
    check_journey,
    destination_point,
    direction_json,
    leg_between,
    leg_json,
    next_cameras,
)
from tests.tracking.factory import CITY_HALL, sighting
from tests.tracking.roadmaps import at, build, river

SOUTH, NORTH = at(0, 0), at(0, 1000)  # 1 km apart, a 3.4 km drive over the bridge


def _codes(words: tuple[RouteWord, ...]) -> list[str]:
    return [w.code for w in words]


def test_a_straight_line_journey_is_a_trip_and_the_limit() -> None:
    policy = PlausibilityPolicy()
    ok = check_journey(sighting("a", SOUTH), sighting("b", NORTH, 60))
    assert _codes(ok.reason_words) == ["trip", "within_limit"]
    assert ok.reason_words[0].params == {
        "distance_m": pytest.approx(1000, abs=1),
        "elapsed_s": 60.0,
        "speed_kmh": pytest.approx(60, abs=0.5),
    }
    assert ok.reason_words[1].params == {"limit_kmh": policy.max_speed_kmh}
    fast = check_journey(sighting("a", SOUTH), sighting("b", NORTH, 10))
    assert _codes(fast.reason_words) == ["trip", "above_limit"]
    instant = check_journey(sighting("a", SOUTH), sighting("b", NORTH, 0))
    assert _codes(instant.reason_words) == ["same_moment"]
    close = check_journey(sighting("a", SOUTH), sighting("b", at(0, 20), 0))
    assert _codes(close.reason_words) == ["within_tolerance"]
    assert close.reason_words[0].params["tolerance_m"] == policy.min_distance_m


def test_a_journey_by_road_carries_both_distances_and_its_pace() -> None:
    impossible = check_journey(sighting("a", SOUTH), sighting("b", NORTH, 60), roads=river())
    assert _codes(impossible.reason_words) == ["trip_road", "above_limit"]
    trip = impossible.reason_words[0].params
    assert trip["road_m"] == pytest.approx(3400, rel=0.01)
    assert trip["straight_m"] == pytest.approx(1000, abs=1)
    fast = leg_between(sighting("a", SOUTH), sighting("b", NORTH, 150), roads=river())
    assert _codes(fast.note_words) == ["trip_road", "within_limit", "far_faster"]
    assert fast.note_words[-1].params["drive_s"] == pytest.approx(340, rel=0.01)
    assert fast.reason_words == ()  # a possible leg has no reason, as reason is None
    stop = leg_between(sighting("a", SOUTH), sighting("b", NORTH, 1800), roads=river())
    assert _codes(stop.note_words)[-1] == "stop_or_detour"
    assert stop.note_words[-1].params["extra_s"] == pytest.approx(1800 - 340, rel=0.01)
    assert fast.note is not None
    assert "5 min 40 s" in fast.note  # drive_s, as the string words it


def test_why_a_journey_stays_on_the_straight_line_is_a_code() -> None:
    prev, new = sighting("a", SOUTH), sighting("b", NORTH, 400)
    none = check_journey(prev, new, roads=None)
    assert none.basis_note_word is None  # no road graph asked for: nothing to explain
    stand_in = build({"s": (0, 0), "n": (0, 1000)}, [("s", "n")], name="x", synthetic=True)
    word = check_journey(prev, new, roads=stand_in).basis_note_word
    assert word == RouteWord("synthetic_roads", {"name": "x"})
    far = check_journey(prev, sighting("b", at(5000, 5000), 4000), roads=river())
    assert far.basis_note_word is not None
    assert far.basis_note_word.code == "off_road"
    assert far.basis_note_word.params["snap_m"] == RoutePolicy().snap_m
    leg = leg_between(prev, sighting("b", at(5000, 5000), 4000), roads=river())
    body = leg_json(leg)
    assert body["basis_note_word"]["code"] == "off_road"
    assert body["reason_words"] == []


def test_the_direction_says_what_it_came_from_as_a_code() -> None:
    roads = river()
    track = Track("E1", roads=roads)
    track.add(sighting("a", SOUTH, camera_id="CA"))
    track.add(sighting("b", NORTH, 400, camera_id="CB"))
    direction = track.direction
    assert direction is not None
    assert direction.reason_word is not None
    assert direction.reason_word.code == "dir_road"
    assert direction.reason_word.params["street"] == "북쪽 강변로"
    straight = Track("E2")
    straight.add(sighting("a", SOUTH, entry_id="E2"))
    straight.add(sighting("b", NORTH, 400, entry_id="E2"))
    assert straight.direction is not None
    body = direction_json(straight.direction)
    assert body is not None
    assert body["reason_word"]["code"] == "dir_hits"
    assert body["reason_word"]["params"]["bearing_deg"] == pytest.approx(0, abs=0.5)
    alone = Track("E3")
    alone.add(sighting("a", SOUTH, heading=90.0, entry_id="E3"))
    assert alone.direction is not None
    assert alone.direction.reason_word == RouteWord("dir_camera_unknown", {"bearing_deg": 90.0})


def test_the_next_cameras_say_where_how_far_off_course_and_when() -> None:
    last = sighting("last", CITY_HALL, camera_id="cam-last")
    candidates = [
        ("ahead", destination_point(CITY_HALL, 1_000.0, 90.0)),
        ("behind", destination_point(CITY_HALL, 500.0, 270.0)),
        ("junction", destination_point(CITY_HALL, 100.0, 180.0)),
    ]
    found = {
        c.camera_id: c for c in next_cameras(last, candidates, direction_deg=90.0, speed_kmh=60.0)
    }
    assert _codes(found["ahead"].reason_words) == ["where", "in_cone", "window_measured"]
    assert found["ahead"].reason_words[1].params == {"off_deg": 0}
    assert _codes(found["behind"].reason_words) == ["where", "off_course", "window_measured"]
    assert found["behind"].reason_words[1].params == {"off_deg": 180}
    assert _codes(found["junction"].reason_words) == ["same_junction", "window_measured"]
    window = found["ahead"].reason_words[-1].params
    assert window["speed_kmh"] == 60.0
    assert window["soonest_s"] < window["latest_s"]
    unknown = next_cameras(last, candidates, direction_deg=None, speed_kmh=None)
    ahead = next(c for c in unknown if c.camera_id == "ahead")
    assert _codes(ahead.reason_words) == ["where", "direction_unknown", "window_assumed"]
