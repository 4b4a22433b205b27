"""Straight-line geometry between camera positions: distance, bearing, the Korea box.

Everything here is on a sphere of the earth's mean radius. Over the distances a
wanted vehicle covers between two hits (metres to a few hundred kilometres) the
error against the WGS84 ellipsoid is under 0.5 %, far below the uncertainty of
the cameras' registered positions.
"""

from __future__ import annotations

import math

from safenet.tracking.types import GeoPoint

EARTH_RADIUS_M = 6_371_008.8
"""The IUGG mean earth radius."""

KOREA_LAT = (33.0, 38.7)
KOREA_LON = (124.5, 131.9)
"""A box around South Korea, from Marado to the DMZ and from Baengnyeongdo to Dokdo."""


def distance_m(a: GeoPoint, b: GeoPoint) -> float:
    """The great-circle (haversine) distance between two places, in metres."""
    # Taking the differences as absolute values and the latitudes in a fixed order
    # makes the result bit-for-bit symmetric, so a leg measures the same both ways.
    lat1, lat2 = sorted((math.radians(a.lat), math.radians(b.lat)))
    dlat = lat2 - lat1
    dlon = math.radians(abs(b.lon - a.lon))
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def initial_bearing_deg(a: GeoPoint, b: GeoPoint) -> float:
    """The compass direction in which to leave ``a`` for ``b``: 0 north, 90 east, 0 <= x < 360.

    Two equal points give 0; callers that care check the distance first.
    """
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlon = math.radians(b.lon - a.lon)
    y = math.sin(dlon) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    bearing = math.degrees(math.atan2(y, x)) % 360.0
    # -0.0 % 360 and tiny negatives can round up to exactly 360.0.
    return 0.0 if bearing >= 360.0 else bearing


def destination_point(origin: GeoPoint, distance: float, bearing_deg: float) -> GeoPoint:
    """The place reached by going ``distance`` metres from ``origin`` towards ``bearing_deg``.

    Used to lay out simulated cameras and test routes at known distances.
    """
    if not math.isfinite(distance) or distance < 0:
        raise ValueError(f"distance must be a finite number of metres >= 0, got {distance!r}")
    if not math.isfinite(bearing_deg):
        raise ValueError(f"bearing_deg must be a finite number, got {bearing_deg!r}")
    angular = distance / EARTH_RADIUS_M
    theta = math.radians(bearing_deg)
    lat1, lon1 = math.radians(origin.lat), math.radians(origin.lon)
    sin_lat2 = math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(
        theta
    )
    lat2 = math.asin(max(-1.0, min(1.0, sin_lat2)))
    lon2 = lon1 + math.atan2(
        math.sin(theta) * math.sin(angular) * math.cos(lat1),
        math.cos(angular) - math.sin(lat1) * sin_lat2,
    )
    lon = (math.degrees(lon2) + 540.0) % 360.0 - 180.0
    return GeoPoint(math.degrees(lat2), lon)


def in_korea(point: GeoPoint) -> bool:
    """Whether a camera position lies in South Korea's box (rejects 0,0 and other placeholders).

    A rough box, not the border: it keeps out unset (0, 0) and placeholder coordinates, not
    every point across the DMZ or at sea.
    """
    return KOREA_LAT[0] <= point.lat <= KOREA_LAT[1] and KOREA_LON[0] <= point.lon <= KOREA_LON[1]
