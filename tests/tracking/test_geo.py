"""Distances, bearings and the Korea box on real places."""

from __future__ import annotations

import pytest

from safenet.tracking import (
    GeoPoint,
    angle_between_deg,
    destination_point,
    distance_m,
    in_korea,
    initial_bearing_deg,
)
from tests.tracking.factory import BUSAN, CITY_HALL, GANGNAM


def test_city_hall_to_gangnam_station_is_about_8_8_km() -> None:
    assert distance_m(CITY_HALL, GANGNAM) == pytest.approx(8_780, abs=60)


def test_seoul_to_busan_is_about_325_km() -> None:
    assert distance_m(CITY_HALL, BUSAN) == pytest.approx(325_000, rel=0.01)


def test_distance_to_itself_is_zero() -> None:
    assert distance_m(GANGNAM, GANGNAM) == 0.0


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert distance_m(GeoPoint(37.0, 127.0), GeoPoint(38.0, 127.0)) == pytest.approx(111_195, abs=5)


def test_distance_across_the_antimeridian_is_short() -> None:
    assert distance_m(GeoPoint(0.0, 179.9), GeoPoint(0.0, -179.9)) == pytest.approx(22_239, abs=5)


@pytest.mark.parametrize(
    ("to", "expected"),
    [
        (GeoPoint(38.0, 127.0), 0.0),
        (GeoPoint(37.0, 128.0), 89.7),  # east along a parallel starts slightly north of east
        (GeoPoint(36.0, 127.0), 180.0),
        (GeoPoint(37.0, 126.0), 270.3),
    ],
)
def test_initial_bearing_cardinals(to: GeoPoint, expected: float) -> None:
    assert initial_bearing_deg(GeoPoint(37.0, 127.0), to) == pytest.approx(expected, abs=0.1)


def test_bearing_city_hall_to_gangnam_is_south_south_east() -> None:
    assert initial_bearing_deg(CITY_HALL, GANGNAM) == pytest.approx(150, abs=2)


def test_bearing_stays_in_0_360() -> None:
    bearing = initial_bearing_deg(GeoPoint(37.0, 127.0), GeoPoint(37.0001, 126.9999))
    assert 0.0 <= bearing < 360.0
    assert bearing == pytest.approx(321.5, abs=1)


@pytest.mark.parametrize("bearing", [0.0, 45.0, 90.0, 200.0, 359.0])
def test_destination_point_round_trips(bearing: float) -> None:
    end = destination_point(CITY_HALL, 5_000.0, bearing)
    assert distance_m(CITY_HALL, end) == pytest.approx(5_000.0, abs=0.01)
    assert angle_between_deg(initial_bearing_deg(CITY_HALL, end), bearing) < 1e-6


@pytest.mark.parametrize(
    ("point", "inside"),
    [
        (CITY_HALL, True),
        (BUSAN, True),
        (GeoPoint(33.2, 126.27), True),  # 서귀포, Jeju
        (GeoPoint(37.24, 131.86), True),  # 독도
        (GeoPoint(37.97, 124.71), True),  # 백령도
        (GeoPoint(0.0, 0.0), False),  # unset coordinates
        (GeoPoint(35.68, 139.69), False),  # Tokyo
        (GeoPoint(39.02, 125.75), False),  # Pyongyang, above the box
        (GeoPoint(31.23, 121.47), False),  # Shanghai
    ],
)
def test_in_korea(point: GeoPoint, inside: bool) -> None:
    assert in_korea(point) is inside
