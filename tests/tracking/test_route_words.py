"""The escape route's words as data: each reason phrase a code with plain parameters.

The consoles word them from their catalogue (lib/words_route.js); the strings beside
them stay for logs, the CLI and older clients. These tests pin the codes and numbers
on hand-made roads where the answer is known, and that codes and strings agree.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from safenet.tracking import (
    RoutePolicy,
    RouteWord,
    TransitionCounts,
    place_cameras,
    reach_json,
    reachable_cameras,
)
from tests.tracking.factory import sighting
from tests.tracking.roadmaps import build
from tests.tracking.test_reach import CAMERAS, STREET, _east_track, _reach, _street

CODES = {
    "where",
    "arrival_road",
    "arrival_straight",
    "beyond_often",
    "turn_back",
    "ahead",
    "after_camera",
    "transitions",
}


def _codes(words: tuple[RouteWord, ...]) -> list[str]:
    return [w.code for w in words]


def test_each_camera_reason_is_words_with_distances_bearings_and_seconds() -> None:
    roads = _street()
    reach = _reach(_east_track(roads), roads)
    c1, c2, w1 = reach.cameras
    assert _codes(c1.reason_words) == ["where", "arrival_road", "ahead"]
    where, arrival, _ = c1.reason_words
    assert where.params["distance_m"] == 400
    assert where.params["bearing_deg"] == pytest.approx(90, abs=0.5)
    assert arrival.params["arrival_s"] == pytest.approx(40, abs=1)
    assert arrival.params["soonest_s"] == pytest.approx(40 / 1.5, abs=1)
    assert arrival.params["latest_s"] == pytest.approx(40 / 0.5, abs=1)
    assert _codes(c2.reason_words) == ["where", "arrival_road", "ahead", "after_camera"]
    assert c2.reason_words[-1].params == {"camera_id": "C1"}
    # West by way of a turn at e1: the car passes C1 first on the way.
    assert _codes(w1.reason_words) == ["where", "arrival_road", "turn_back", "after_camera"]
    assert w1.reason_words[0].params["bearing_deg"] == pytest.approx(270, abs=0.5)


def test_the_words_and_the_strings_say_the_same_number_of_things() -> None:
    roads = _street()
    counts = TransitionCounts()
    counts.add("CA", "C0", "C2", 30)
    counts.add("CA", "C0", "C1", 2)
    reach = _reach(_east_track(roads), roads, transitions=counts, previous_camera="CA")
    assert reach.cameras
    for camera in reach.cameras:
        assert set(_codes(camera.reason_words)) <= CODES
        assert len(camera.reason_words) == len(camera.reason.split("; "))
        assert len(camera.reason_words) == len(camera.reason_ko.split("; "))
    top = reach.cameras[0]
    assert top.reason_words[-1] == RouteWord("transitions", {"count": 30})


def test_without_road_data_the_notice_is_a_code_with_the_assumed_speed() -> None:
    latest = sighting("b", CAMERAS["C0"], camera_id="C0")
    policy = RoutePolicy()
    reach = reachable_cameras(latest, place_cameras(None, CAMERAS.items()), roads=None)
    assert reach.notice_word == RouteWord("no_roads", {"speed_kmh": policy.fallback_speed_kmh})
    assert all(c.reason_words[1].code == "arrival_straight" for c in reach.cameras)


def test_a_stand_in_network_is_named_in_the_notice() -> None:
    roads = build(STREET, [("w", "o"), ("o", "e1")], name="stand-in", synthetic=True)
    latest = sighting("b", CAMERAS["C0"], camera_id="C0")
    reach = reachable_cameras(latest, place_cameras(roads, CAMERAS.items()), roads=roads)
    assert reach.notice_word is not None
    assert reach.notice_word.code == "synthetic_roads"
    assert reach.notice_word.params["name"] == "stand-in"


def test_a_hit_off_every_road_gives_the_snap_distance() -> None:
    roads = _street()
    latest = sighting("b", CAMERAS["OFF"], camera_id="OFF")
    reach = reachable_cameras(latest, place_cameras(roads, CAMERAS.items()), roads=roads)
    assert reach.notice_word is not None
    assert reach.notice_word.code == "off_road"
    assert reach.notice_word.params["snap_m"] == RoutePolicy().snap_m


def test_along_roads_there_is_no_notice_word() -> None:
    roads = _street()
    assert _reach(_east_track(roads), roads).notice_word is None


def test_the_json_carries_the_words_as_plain_data() -> None:
    roads = _street()
    body: dict[str, Any] = json.loads(json.dumps(reach_json(_reach(_east_track(roads), roads))))
    assert body["notice_word"] is None
    first = body["cameras"][0]
    assert first["reason_words"][0]["code"] == "where"
    assert first["reason_words"][0]["params"]["distance_m"] == 400
    assert first["reason"]  # kept for logs and older clients
    assert first["reason_ko"]
    none = reach_json(
        reachable_cameras(
            sighting("b", CAMERAS["C0"], camera_id="C0"),
            place_cameras(None, CAMERAS.items()),
            roads=None,
        )
    )
    assert none["notice_word"]["code"] == "no_roads"
