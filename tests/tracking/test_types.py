"""Tracking values refuse bad input at the edge, naming the field."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from safenet.tracking import GeoPoint, NextCameraPolicy, PlausibilityPolicy, Sighting
from tests.tracking.factory import CITY_HALL, T0, sighting


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (99.999999, 126.9, "lat"),
        (-90.5, 126.9, "lat"),
        (37.5, 999.999999, "lon"),
        (37.5, -180.01, "lon"),
        (math.nan, 126.9, "lat"),
        (37.5, math.inf, "lon"),
    ],
)
def test_geopoint_rejects_out_of_range_naming_the_field(lat: float, lon: float, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field} "):
        GeoPoint(lat, lon)


def test_geopoint_accepts_the_edges() -> None:
    assert GeoPoint(90.0, 180.0) == GeoPoint(90, 180)
    assert GeoPoint(-90.0, -180.0).lat == -90.0


def test_sighting_rejects_a_naive_timestamp() -> None:
    with pytest.raises(ValueError, match="ts must be timezone-aware"):
        Sighting("h1", "E1", "cam1", "seoul", datetime(2024, 5, 1, 14, 0), CITY_HALL)


@pytest.mark.parametrize("field", ["hit_id", "entry_id", "camera_id"])
def test_sighting_rejects_empty_ids(field: str) -> None:
    ids = {"hit_id": "h1", "entry_id": "E1", "camera_id": "cam1", field: " "}
    with pytest.raises(ValueError, match=rf"^{field} must not be empty"):
        Sighting(ids["hit_id"], ids["entry_id"], ids["camera_id"], "seoul", T0, CITY_HALL)


def test_sighting_folds_heading_into_0_360() -> None:
    assert sighting("a", CITY_HALL, heading=360.0).heading == 0.0
    assert sighting("a", CITY_HALL, heading=-90.0).heading == 270.0
    assert sighting("a", CITY_HALL, heading=None).heading is None
    assert sighting("a", CITY_HALL, heading=-1e-20).heading == 0.0
    with pytest.raises(ValueError, match=r"^heading "):
        sighting("a", CITY_HALL, heading=math.nan)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_speed_kmh": 0.0}, "max_speed_kmh"),
        ({"max_speed_kmh": math.inf}, "max_speed_kmh"),
        ({"min_distance_m": -1.0}, "min_distance_m"),
    ],
)
def test_plausibility_policy_validates(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field} "):
        PlausibilityPolicy(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"horizon_min": 0.0}, "horizon_min"),
        ({"cone_half_angle_deg": 181.0}, "cone_half_angle_deg"),
        ({"default_speed_kmh": -5.0}, "default_speed_kmh"),
        ({"min_speed_kmh": 0.0}, "min_speed_kmh"),
        ({"speed_spread": 1.0}, "speed_spread"),
        ({"near_m": -1.0}, "near_m"),
        ({"max_results": 0}, "max_results"),
    ],
)
def test_next_camera_policy_validates(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field} "):
        NextCameraPolicy(**kwargs)  # type: ignore[arg-type]
