"""Distances on the ground between WGS84 points, and a flat local grid in metres.

A city-sized network spans a few kilometres, so an equirectangular grid centred
on it is within a fraction of a percent of true distance; that is all the
spatial index and the synthetic graph builder need.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from safenet.roads.types import LatLon

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def polyline_length_m(points: Sequence[LatLon]) -> float:
    """Length in metres along a polyline of (lat, lon) points."""
    return sum(haversine_m(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(points))


class LocalGrid:
    """A flat x/y grid in metres around a reference point (east = +x, north = +y)."""

    def __init__(self, lat0: float, lon0: float) -> None:
        self.lat0 = lat0
        self.lon0 = lon0
        self._mx = math.radians(1.0) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
        self._my = math.radians(1.0) * EARTH_RADIUS_M

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        """Metres east and north of the reference point."""
        return (lon - self.lon0) * self._mx, (lat - self.lat0) * self._my

    @property
    def metres_per_degree(self) -> tuple[float, float]:
        """Metres per degree of longitude and of latitude at the reference point."""
        return self._mx, self._my
