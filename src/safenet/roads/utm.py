"""UTM grid coordinates to WGS84 latitude/longitude and back, for SUMO networks.

SUMO stores a network in metres on a UTM grid (minus a ``netOffset``); the
simulator needs latitude/longitude to put cameras and vehicles on one map.
This is the transverse Mercator projection in Krüger's series in the third
flattening *n* (as published by Karney, "Transverse Mercator with an accuracy
of a few nanometers", 2011, truncated to n³), which is good to well under a
millimetre inside a UTM zone. pyproj would do the same; one small, tested
function is lighter than a PROJ install.
"""

from __future__ import annotations

import math
import re

from safenet.roads.errors import RoadDataError

# WGS84 ellipsoid and the UTM convention.
WGS84_A = 6_378_137.0
WGS84_F = 1 / 298.257223563
UTM_K0 = 0.9996
UTM_FALSE_EASTING = 500_000.0
UTM_FALSE_NORTHING_SOUTH = 10_000_000.0

_N = WGS84_F / (2 - WGS84_F)
_E = 2 * math.sqrt(_N) / (1 + _N)  # first eccentricity, written through n
_A = WGS84_A / (1 + _N) * (1 + _N**2 / 4 + _N**4 / 64)  # rectifying radius
_ALPHA = (
    _N / 2 - 2 * _N**2 / 3 + 5 * _N**3 / 16,
    13 * _N**2 / 48 - 3 * _N**3 / 5,
    61 * _N**3 / 240,
)
_BETA = (
    _N / 2 - 2 * _N**2 / 3 + 37 * _N**3 / 96,
    _N**2 / 48 + _N**3 / 15,
    17 * _N**3 / 480,
)
_DELTA = (
    2 * _N - 2 * _N**2 / 3 - 2 * _N**3,
    7 * _N**2 / 3 - 8 * _N**3 / 5,
    56 * _N**3 / 15,
)


def central_meridian(zone: int) -> float:
    """The longitude (degrees) at the middle of a UTM zone."""
    if not 1 <= zone <= 60:
        raise ValueError(f"UTM zone must be 1..60, got {zone}")
    return zone * 6.0 - 183.0


def utm_to_latlon(
    easting: float, northing: float, zone: int, *, south: bool = False
) -> tuple[float, float]:
    """WGS84 (latitude, longitude) in degrees of a UTM grid position in metres."""
    lon0 = math.radians(central_meridian(zone))
    xi = (northing - (UTM_FALSE_NORTHING_SOUTH if south else 0.0)) / (UTM_K0 * _A)
    eta = (easting - UTM_FALSE_EASTING) / (UTM_K0 * _A)
    xi_p = xi
    eta_p = eta
    for j, beta in enumerate(_BETA, start=1):
        xi_p -= beta * math.sin(2 * j * xi) * math.cosh(2 * j * eta)
        eta_p -= beta * math.cos(2 * j * xi) * math.sinh(2 * j * eta)
    # chi is the conformal latitude; the delta series turns it into the geodetic one.
    chi = math.asin(math.sin(xi_p) / math.cosh(eta_p))
    lat = chi
    for j, delta in enumerate(_DELTA, start=1):
        lat += delta * math.sin(2 * j * chi)
    lon = lon0 + math.atan2(math.sinh(eta_p), math.cos(xi_p))
    return math.degrees(lat), math.degrees(lon)


def latlon_to_utm(lat: float, lon: float, zone: int) -> tuple[float, float]:
    """UTM (easting, northing) in metres of a WGS84 position, in the given zone.

    Northings south of the equator carry the 10,000 km false northing.
    """
    phi = math.radians(lat)
    dlon = math.radians(lon - central_meridian(zone))
    t = math.sinh(math.atanh(math.sin(phi)) - _E * math.atanh(_E * math.sin(phi)))
    xi_p = math.atan2(t, math.cos(dlon))
    eta_p = math.atanh(math.sin(dlon) / math.sqrt(1 + t * t))
    xi = xi_p
    eta = eta_p
    for j, alpha in enumerate(_ALPHA, start=1):
        xi += alpha * math.sin(2 * j * xi_p) * math.cosh(2 * j * eta_p)
        eta += alpha * math.cos(2 * j * xi_p) * math.sinh(2 * j * eta_p)
    easting = UTM_FALSE_EASTING + UTM_K0 * _A * eta
    northing = UTM_K0 * _A * xi + (UTM_FALSE_NORTHING_SOUTH if lat < 0 else 0.0)
    return easting, northing


_ZONE = re.compile(r"\+zone=(\d{1,2})\b")
_ELLIPSOID = re.compile(r"\+(?:ellps|datum)=(\S+)")


def parse_utm_proj(proj: str) -> tuple[int, bool]:
    """The (zone, south) of a PROJ string such as ``+proj=utm +zone=52 +ellps=WGS84``.

    Raises :class:`RoadDataError` (without a path; the caller adds it) when the
    string is not a WGS84 UTM projection, because any other grid would put the
    network in the wrong place without a visible error.
    """
    if "+proj=utm" not in proj:
        raise RoadDataError(f"projParameter {proj!r} is not a UTM projection (+proj=utm)")
    zone_match = _ZONE.search(proj)
    if zone_match is None:
        raise RoadDataError(f"projParameter {proj!r} has no +zone=")
    zone = int(zone_match.group(1))
    if not 1 <= zone <= 60:
        raise RoadDataError(f"projParameter {proj!r} has zone {zone}, outside 1..60")
    for ellipsoid in _ELLIPSOID.findall(proj):
        if ellipsoid.upper() != "WGS84":
            raise RoadDataError(
                f"projParameter {proj!r} uses {ellipsoid}; only WGS84 UTM is supported"
            )
    return zone, "+south" in proj
