"""Properties that must hold for any hits, in any order: hypothesis looks for the exception."""

from __future__ import annotations

import itertools
import math
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from safenet.tracking import (
    GeoPoint,
    NextCameraPolicy,
    Sighting,
    Track,
    check_journey,
    compass_label,
    distance_m,
    heading_from_text,
    initial_bearing_deg,
    leg_between,
    next_cameras,
)
from tests.tracking.factory import T0

EARTH_HALF_CIRCUMFERENCE_M = math.pi * 6_371_008.8 + 1.0

any_point = st.builds(
    GeoPoint,
    lat=st.floats(-90.0, 90.0, allow_nan=False),
    lon=st.floats(-180.0, 180.0, allow_nan=False),
)
# Around Seoul, so that both possible and impossible legs come up.
seoul_point = st.builds(
    GeoPoint,
    lat=st.floats(37.40, 37.70, allow_nan=False),
    lon=st.floats(126.80, 127.20, allow_nan=False),
)


@st.composite
def hits(draw: st.DrawFn) -> list[Sighting]:
    count = draw(st.integers(0, 12))
    # Few distinct seconds, so that hits at the same instant come up often.
    seconds = draw(st.lists(st.integers(0, 1_800), min_size=count, max_size=count))
    points = draw(st.lists(seoul_point, min_size=count, max_size=count))
    headings = draw(
        st.lists(st.none() | st.floats(0.0, 359.0, allow_nan=False), min_size=count, max_size=count)
    )
    return [
        Sighting(
            hit_id=f"h{i}",
            entry_id="E1",
            camera_id=f"cam{i % 4}",
            site="seoul",
            ts=T0 + timedelta(seconds=s),
            point=p,
            heading=h,
        )
        for i, (s, p, h) in enumerate(zip(seconds, points, headings, strict=True))
    ]


@given(any_point, any_point)
def test_distance_is_symmetric_non_negative_and_bounded(a: GeoPoint, b: GeoPoint) -> None:
    d = distance_m(a, b)
    assert d == distance_m(b, a)
    assert 0.0 <= d <= EARTH_HALF_CIRCUMFERENCE_M


@given(any_point, any_point)
def test_bearing_is_in_0_360(a: GeoPoint, b: GeoPoint) -> None:
    assert 0.0 <= initial_bearing_deg(a, b) < 360.0


@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(-5, 5))
def test_compass_label_turns_with_full_circles(bearing: float, turns: int) -> None:
    label = compass_label(bearing, lang="en")
    assert label in {"N", "NE", "E", "SE", "S", "SW", "W", "NW"}
    # Whole turns of 360 are exact in binary only away from the sector edges; skip those.
    shifted = bearing + 360.0 * turns
    if all(abs((x % 45.0) - 22.5) > 1e-6 for x in (bearing, shifted)):
        assert compass_label(shifted, lang="en") == label


@given(st.text(max_size=20))
def test_heading_from_text_never_raises(text: str) -> None:
    assert heading_from_text(text) in {None, 0.0, 45.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0}


@given(hits())
def test_journey_verdict_does_not_depend_on_the_order_of_the_two_hits(
    sightings: list[Sighting],
) -> None:
    for a, b in itertools.pairwise(sightings):
        assert check_journey(a, b) == check_journey(b, a)


@given(hits(), st.data())
def test_any_arrival_order_with_repeats_yields_the_same_track(
    sightings: list[Sighting], data: st.DataObject
) -> None:
    reference = Track("E1")
    for hit in sorted(sightings, key=lambda s: (s.ts, s.hit_id)):
        reference.add(hit)
    repeats = data.draw(st.lists(st.sampled_from(sightings), max_size=5)) if sightings else []
    arrival = data.draw(st.permutations([*sightings, *repeats]))
    track = Track("E1")
    for hit in arrival:
        track.add(hit)
    assert track.sightings == reference.sightings
    assert track.legs == reference.legs
    assert track.direction_deg == reference.direction_deg
    assert track.speed_kmh == reference.speed_kmh


@given(hits(), st.data())
def test_incremental_legs_match_a_rebuild_and_never_run_backwards(
    sightings: list[Sighting], data: st.DataObject
) -> None:
    track = Track("E1")
    for hit in data.draw(st.permutations(sightings)):
        before = set(track.legs)
        change = track.add(hit)
        after = set(track.legs)
        # The change tells exactly what the map must redraw.
        assert after == (before - set(change.removed_legs)) | set(change.added_legs)
        expected = tuple(
            leg_between(a, b, track.policy) for a, b in itertools.pairwise(track.sightings)
        )
        assert track.legs == expected
        assert all(leg.elapsed_s >= 0.0 for leg in track.legs)
        assert all(leg.distance_m >= 0.0 for leg in track.legs)
        assert track.latest == max(track.sightings, key=lambda s: (s.ts, s.hit_id))


@given(
    seoul_point,
    st.lists(st.tuples(st.text("abc", min_size=1, max_size=3), seoul_point)),
    st.none() | st.floats(0.0, 360.0, exclude_max=True),
    st.none() | st.floats(0.0, 250.0, allow_nan=False),
)
def test_next_cameras_stay_in_reach_and_in_rank_order(
    origin: GeoPoint,
    candidates: list[tuple[str, GeoPoint]],
    direction: float | None,
    speed: float | None,
) -> None:
    policy = NextCameraPolicy()
    last = Sighting("h", "E1", "cam-last", "seoul", T0, origin)
    found = next_cameras(last, candidates, direction_deg=direction, speed_kmh=speed, policy=policy)
    assumed = max(speed if speed is not None else policy.default_speed_kmh, policy.min_speed_kmh)
    reach = assumed / 3.6 * policy.horizon_min * 60.0
    assert len(found) <= policy.max_results
    assert len({c.camera_id for c in found}) == len(found)
    for camera in found:
        assert camera.distance_m <= reach + 1e-6
        assert last.ts <= camera.earliest <= camera.latest
        if direction is None:
            assert not camera.in_cone
    keys = [(0 if c.near else 1 if c.in_cone else 2, c.distance_m) for c in found]
    assert keys == sorted(keys)
