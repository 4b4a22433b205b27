"""Center plausibility: could the vehicle have got from its last hit to this one?"""

from __future__ import annotations

import math

import pytest

from safenet.tracking import (
    IMPOSSIBLE_LABEL_EN,
    IMPOSSIBLE_LABEL_KO,
    PlausibilityPolicy,
    check_journey,
    destination_point,
    leg_between,
)
from tests.tracking.factory import BUSAN, CITY_HALL, GANGNAM, sighting


def test_city_hall_to_gangnam_in_2_minutes_is_impossible_and_says_why() -> None:
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", GANGNAM, 120))
    assert not verdict.possible
    assert verdict.distance_m == pytest.approx(8_780, abs=60)
    assert verdict.elapsed_s == 120.0
    assert verdict.speed_kmh == pytest.approx(verdict.distance_m / 120 * 3.6)
    assert verdict.speed_kmh == pytest.approx(263, abs=2)
    assert verdict.reason == (
        f"8.8 km in 2 min = {verdict.speed_kmh:.0f} km/h, above the 180 km/h limit: "
        "likely misread or cloned plate"
    )
    assert IMPOSSIBLE_LABEL_KO in verdict.reason_ko
    assert "8.8 km를 2분 만에 이동" in verdict.reason_ko


def test_city_hall_to_gangnam_in_3_minutes_is_just_possible() -> None:
    # 176 km/h in a straight line: fast, but a car on the expressway could.
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", GANGNAM, 180))
    assert verdict.possible
    assert verdict.speed_kmh == pytest.approx(176, abs=2)


def test_city_hall_to_gangnam_in_20_minutes_is_possible() -> None:
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", GANGNAM, 20 * 60))
    assert verdict.possible
    assert verdict.speed_kmh == pytest.approx(26.3, abs=0.3)
    assert verdict.reason == "8.8 km in 20 min = 26 km/h, within the 180 km/h limit"
    assert IMPOSSIBLE_LABEL_KO not in verdict.reason_ko


def test_reason_shows_minutes_and_seconds_and_hours() -> None:
    short = check_journey(sighting("a", CITY_HALL), sighting("b", GANGNAM, 200))
    assert short.reason.startswith("8.8 km in 3 min 20 s = ")
    assert "3분 20초 만에" in short.reason_ko
    long = check_journey(sighting("a", CITY_HALL), sighting("b", BUSAN, 3 * 3600 + 5 * 60))
    assert long.possible
    assert long.reason.startswith("325.")
    assert " km in 3 h 5 min = " in long.reason
    assert "3시간 5분 만에" in long.reason_ko


def test_seconds_apart_reads_in_seconds() -> None:
    near = destination_point(CITY_HALL, 900.0, 90.0)
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", near, 12))
    assert not verdict.possible
    assert verdict.reason.startswith("900 m in 12 s = 270 km/h, above the 180 km/h limit")


def test_same_moment_far_apart_is_impossible_at_infinite_speed() -> None:
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", GANGNAM, 0))
    assert not verdict.possible
    assert verdict.speed_kmh == math.inf
    assert verdict.elapsed_s == 0.0
    assert verdict.reason == f"8.8 km apart at the same moment: {IMPOSSIBLE_LABEL_EN}"
    assert IMPOSSIBLE_LABEL_KO in verdict.reason_ko


def test_same_moment_at_one_junction_is_possible() -> None:
    corner = destination_point(CITY_HALL, 80.0, 45.0)
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", corner, 0))
    assert verdict.possible
    assert verdict.speed_kmh == math.inf
    assert verdict.reason == (
        "80 m apart, within the 200 m tolerance for camera position error: not judged"
    )


def test_same_place_same_moment_is_speed_zero() -> None:
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", CITY_HALL, 0))
    assert verdict.possible
    assert verdict.speed_kmh == 0.0


def test_gps_jitter_below_tolerance_is_never_impossible() -> None:
    jitter = destination_point(CITY_HALL, 190.0, 270.0)
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", jitter, 1))
    assert verdict.possible
    assert verdict.speed_kmh > 600


def test_the_limit_itself_is_possible() -> None:
    prev, new = sighting("a", CITY_HALL), sighting("b", GANGNAM, 150)
    speed = check_journey(prev, new).speed_kmh
    assert check_journey(prev, new, PlausibilityPolicy(max_speed_kmh=speed)).possible
    assert not check_journey(prev, new, PlausibilityPolicy(max_speed_kmh=speed - 0.01)).possible


def test_order_of_the_two_hits_does_not_matter() -> None:
    a, b = sighting("a", CITY_HALL), sighting("b", GANGNAM, 180)
    assert check_journey(a, b) == check_journey(b, a)


def test_policy_changes_the_limit_and_the_wording() -> None:
    policy = PlausibilityPolicy(max_speed_kmh=130.0, min_distance_m=500.0)
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", GANGNAM, 240), policy)
    assert not verdict.possible
    assert "above the 130 km/h limit" in verdict.reason
    assert "제한 130 km/h 초과" in verdict.reason_ko


def test_leg_between_carries_bearing_and_reason_only_when_flagged() -> None:
    fine = leg_between(sighting("a", CITY_HALL), sighting("b", GANGNAM, 1200))
    assert not fine.impossible
    assert fine.reason is None
    assert fine.reason_ko is None
    assert fine.bearing_deg == pytest.approx(150, abs=2)
    flagged = leg_between(sighting("a", CITY_HALL), sighting("b", GANGNAM, 60))
    assert flagged.impossible
    assert flagged.reason is not None
    assert flagged.reason.endswith(IMPOSSIBLE_LABEL_EN)
    assert flagged.reason_ko is not None


def test_leg_between_has_no_bearing_within_tolerance() -> None:
    jitter = destination_point(CITY_HALL, 50.0, 10.0)
    leg = leg_between(sighting("a", CITY_HALL), sighting("b", jitter, 60))
    assert leg.bearing_deg is None


def test_leg_between_refuses_hits_out_of_time_order() -> None:
    with pytest.raises(ValueError, match="to_hit"):
        leg_between(sighting("b", GANGNAM, 60), sighting("a", CITY_HALL, 0))


def test_slow_journeys_keep_a_decimal() -> None:
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", GANGNAM, 25 * 3600))
    assert verdict.reason == "8.8 km in 25 h = 0.4 km/h, within the 180 km/h limit"
    assert "25시간 만에" in verdict.reason_ko


def test_just_above_the_limit_does_not_read_as_the_limit() -> None:
    # 1001 m in 20 s is 180.18 km/h: "180 km/h, above the 180 km/h limit" would read as a bug.
    there = destination_point(CITY_HALL, 1_001.0, 90.0)
    verdict = check_journey(sighting("a", CITY_HALL), sighting("b", there, 20))
    assert not verdict.possible
    assert verdict.reason.startswith("1.0 km in 20 s = 180.2 km/h, above the 180 km/h limit")
