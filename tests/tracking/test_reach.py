"""Reachable cameras and reach areas on hand-made roads where the right answer is known."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from safenet.tracking import (
    DirectionOfTravel,
    GeoPoint,
    RoutePolicy,
    Track,
    TransitionCounts,
    place_cameras,
    reachable_cameras,
)
from tests.tracking.factory import T0, sighting
from tests.tracking.roadmaps import at, build, river

# One east-west street: w (-1000, 0) — o (0, 0) — e1 (1000, 0) — e2 (2000, 0), both ways.
# The car was seen at (-800, 0) and then at camera C0 (100, 0): it is going east.
STREET = {"w": (-1000, 0), "o": (0, 0), "e1": (1000, 0), "e2": (2000, 0)}
CAMERAS = {
    "C0": at(100, 0),  # the latest hit
    "C1": at(500, 0),  # 40 s ahead on the same stretch
    "C2": at(1500, 0),  # 140 s ahead, but C1 stands on the way
    "W1": at(-500, 0),  # behind the car: a turn back first
    "OFF": at(500, 900),  # 900 m from any road
}


def _street() -> Any:
    return build(STREET, [("w", "o"), ("o", "e1"), ("e1", "e2")])


def _east_track(roads: Any) -> Track:
    track = Track("E1", roads=roads)
    track.add(sighting("a", at(-800, 0), camera_id="CA"))
    track.add(sighting("b", CAMERAS["C0"], 90, camera_id="C0"))
    return track


def _reach(track: Track, roads: Any, **kwargs: Any) -> Any:
    placed = place_cameras(roads, CAMERAS.items())
    latest = track.latest
    assert latest is not None
    return reachable_cameras(latest, placed, roads=roads, direction=track.direction, **kwargs)


def test_the_camera_ahead_comes_first_and_the_one_behind_it_is_shadowed() -> None:
    roads = _street()
    track = _east_track(roads)
    assert track.direction_source == "road"
    reach = _reach(track, roads)
    assert reach.basis == "road"
    assert reach.model == "roads"
    ids = [c.camera_id for c in reach.cameras]
    assert ids == ["C1", "C2", "W1"]
    c1, c2, w1 = reach.cameras
    assert c1.arrival_s == pytest.approx(40, abs=1)
    assert c1.horizon_min == 2.0
    assert c1.ahead is True
    assert c1.behind is None
    assert c2.arrival_s == pytest.approx(140, abs=1)
    assert c2.horizon_min == 5.0
    assert c2.behind == "C1"
    assert "C1" in c2.reason_ko
    # West: on to e1 (90 s), back to o (100 s), then 50 s west.
    assert w1.arrival_s == pytest.approx(240, abs=2)
    assert w1.ahead is False
    assert "방향 전환" in w1.reason_ko
    assert c1.earliest == T0 + timedelta(seconds=90 + 40 / 1.5)
    assert c1.latest == T0 + timedelta(seconds=90 + 40 / 0.5)
    assert "OFF" not in ids
    assert "C0" not in ids


def test_without_a_direction_both_ways_out_are_reachable() -> None:
    roads = _street()
    latest = sighting("b", CAMERAS["C0"], camera_id="C0")
    reach = reachable_cameras(latest, place_cameras(roads, CAMERAS.items()), roads=roads)
    arrivals = {c.camera_id: c.arrival_s for c in reach.cameras}
    assert arrivals["W1"] == pytest.approx(60, abs=1)  # straight west now
    assert arrivals["C1"] == pytest.approx(40, abs=1)
    assert all(c.ahead is None for c in reach.cameras)


def test_a_camera_beyond_the_horizon_is_not_listed() -> None:
    roads = _street()
    track = _east_track(roads)
    reach = _reach(track, roads, policy=RoutePolicy(horizons_min=(1.0, 2.0)))
    assert [c.camera_id for c in reach.cameras] == ["C1"]


def test_a_faster_pace_brings_arrivals_forward() -> None:
    roads = _street()
    track = _east_track(roads)
    reach = _reach(track, roads, pace=1.25)
    assert reach.pace == 1.25
    assert reach.cameras[0].arrival_s == pytest.approx(32, abs=1)
    capped = _reach(track, roads, pace=9.0)
    assert capped.pace == 1.5


def test_learned_transitions_outrank_the_roads_where_there_are_enough() -> None:
    roads = _street()
    track = _east_track(roads)
    counts = TransitionCounts()
    counts.add("CA", "C0", "C2", 30)  # C1 reads poorly or the car turns off before it
    counts.add("CA", "C0", "C1", 2)
    reach = _reach(track, roads, transitions=counts, previous_camera="CA")
    assert reach.model == "transitions"
    assert [c.camera_id for c in reach.cameras][:2] == ["C2", "C1"]
    assert reach.cameras[0].transitions == 30
    assert "30" in reach.cameras[0].reason_ko
    assert sum(c.score for c in reach.cameras) == pytest.approx(1.0, abs=1e-9)


def test_a_few_transitions_blend_in_and_the_roads_still_lead() -> None:
    roads = _street()
    track = _east_track(roads)
    counts = TransitionCounts()
    counts.add("CA", "C0", "C2", 3)
    reach = _reach(track, roads, transitions=counts, previous_camera="CA")
    assert reach.model == "transitions"
    assert [c.camera_id for c in reach.cameras][:2] == ["C1", "C2"]
    strict = _reach(
        track,
        roads,
        transitions=counts,
        previous_camera="CA",
        policy=RoutePolicy(min_transitions=5),
    )
    assert strict.model == "roads"
    assert strict.cameras[1].transitions == 0


def test_without_road_data_the_reach_is_a_circle_and_says_so() -> None:
    latest = sighting("b", CAMERAS["C0"], camera_id="C0")
    placed = place_cameras(None, CAMERAS.items())
    assert all(not c.positions for c in placed)
    reach = reachable_cameras(latest, placed, roads=None)
    assert reach.basis == "straight_line"
    assert reach.notice_ko is not None
    assert "도로 자료 없음" in reach.notice_ko
    assert "OFF" in [c.camera_id for c in reach.cameras]  # as the crow flies, it is near
    assert {a.geometry["type"] for a in reach.areas} == {"Polygon"}
    assert all(c.basis == "straight_line" for c in reach.cameras)


def test_a_hit_off_every_road_falls_back_to_the_straight_line() -> None:
    roads = _street()
    latest = sighting("b", CAMERAS["OFF"], camera_id="OFF")
    reach = reachable_cameras(latest, place_cameras(roads, CAMERAS.items()), roads=roads)
    assert reach.basis == "straight_line"
    assert reach.notice is not None
    assert "150 m" in reach.notice


def _covers(geometry: dict[str, Any], point: GeoPoint) -> bool:
    def inside(ring: list[list[float]]) -> bool:
        found = False
        for (ax, ay), (bx, by) in itertools.pairwise(ring):
            if (ay > point.lat) != (by > point.lat) and point.lon < ax + (point.lat - ay) * (
                bx - ax
            ) / (by - ay):
                found = not found
        return found

    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return any(inside(p[0]) and not any(inside(h) for h in p[1:]) for p in polygons)


def test_the_reach_area_follows_the_roads_not_the_crow() -> None:
    # From the south bank, 2 minutes reach 1.2 km along it but not the north bank
    # 1 km across the river: the bridge is 1.2 km east.
    roads = river()
    latest = sighting("b", at(0, 0), camera_id="S")
    reach = reachable_cameras(latest, (), roads=roads, policy=RoutePolicy(horizons_min=(2.0, 6.0)))
    two, six = reach.areas
    assert two.horizon_min == 2.0
    assert _covers(two.geometry, at(1000, 0))
    assert _covers(two.geometry, at(-400, 0))
    assert not _covers(two.geometry, at(0, 1000))
    assert not _covers(two.geometry, at(0, 500))  # the river
    assert _covers(six.geometry, at(0, 1000))  # 340 s over the bridge
    assert not _covers(six.geometry, at(600, 500))
    feature_collection = reach.geojson()
    assert [f["properties"]["horizon_min"] for f in feature_collection["features"]] == [6.0, 2.0]


def test_the_direction_of_travel_picks_the_road_out() -> None:
    # Told the car goes west (the camera's own heading, no earlier hit), the reach goes west.
    roads = _street()
    latest = sighting("b", CAMERAS["C0"], camera_id="C0")
    west = DirectionOfTravel(270.0, "camera", None, "rear", None, "", "")
    reach = reachable_cameras(
        latest, place_cameras(roads, CAMERAS.items()), roads=roads, direction=west
    )
    assert reach.cameras[0].camera_id == "W1"
    assert reach.cameras[0].ahead is True


def test_the_forecast_and_the_track_as_json_for_the_card() -> None:
    import json

    from safenet.tracking import direction_json, leg_json, reach_json

    roads = _street()
    track = _east_track(roads)
    reach = _reach(track, roads)
    card = json.loads(json.dumps(reach_json(reach)))  # plain JSON all the way down
    assert card["basis"] == "road"
    assert [c["camera_id"] for c in card["cameras"]] == ["C1", "C2", "W1"]
    assert card["cameras"][0]["earliest"].endswith("+09:00")
    assert {f["geometry"]["type"] for f in card["areas"]["features"]} == {"MultiPolygon"}
    direction = direction_json(track.direction)
    assert direction is not None
    assert direction["source"] == "road"
    assert direction["label_ko"] == "동"
    leg = leg_json(track.legs[-1])
    assert leg["basis"] == "road"
    assert leg["route"]["geometry"]["type"] == "LineString"
    assert leg["instant"] is False
