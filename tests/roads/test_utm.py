"""The inverse UTM projection that places the SUMO network on the map."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safenet.roads import RoadDataError, haversine_m, latlon_to_utm, utm_to_latlon
from safenet.roads.utm import central_meridian, parse_utm_proj
from tests.roads.conftest import SUMO_FILE

# Meridian arc length of WGS84 from the equator to 45°N (a published geodetic constant).
MERIDIAN_ARC_45_M = 4_984_944.378


def test_equator_on_the_central_meridian_is_the_false_origin() -> None:
    assert latlon_to_utm(0.0, 129.0, 52) == pytest.approx((500_000.0, 0.0), abs=1e-6)
    assert utm_to_latlon(500_000.0, 0.0, 52) == pytest.approx((0.0, 129.0), abs=1e-12)


def test_northing_on_the_central_meridian_is_the_scaled_meridian_arc() -> None:
    easting, northing = latlon_to_utm(45.0, 129.0, 52)
    assert easting == pytest.approx(500_000.0, abs=1e-6)
    assert northing == pytest.approx(0.9996 * MERIDIAN_ARC_45_M, abs=0.01)
    lat, lon = utm_to_latlon(500_000.0, 0.9996 * MERIDIAN_ARC_45_M, 52)
    assert haversine_m(lat, lon, 45.0, 129.0) < 0.01


def test_south_zone_uses_the_false_northing() -> None:
    easting, northing = latlon_to_utm(-33.9, 18.4, 34)
    lat, lon = utm_to_latlon(easting, northing, 34, south=True)
    assert haversine_m(lat, lon, -33.9, 18.4) < 1e-3


@given(
    lat=st.floats(-80.0, 84.0),
    dlon=st.floats(-3.5, 3.5),
    zone=st.integers(1, 60),
)
def test_inverse_undoes_forward_across_a_zone(lat: float, dlon: float, zone: int) -> None:
    lon = central_meridian(zone) + dlon
    easting, northing = latlon_to_utm(lat, lon, zone)
    back_lat, back_lon = utm_to_latlon(easting, northing, zone, south=lat < 0)
    assert haversine_m(lat, lon, back_lat, back_lon) < 1e-3


def test_proj_string_gives_zone_and_hemisphere() -> None:
    assert parse_utm_proj("+proj=utm +zone=52 +ellps=WGS84 +datum=WGS84 +units=m") == (52, False)
    assert parse_utm_proj("+proj=utm +zone=34 +south +datum=WGS84") == (34, True)


@pytest.mark.parametrize(
    ("proj", "reason"),
    [
        ("+proj=tmerc +lat_0=38 +lon_0=127", "not a UTM projection"),
        ("+proj=utm +ellps=WGS84", r"no \+zone="),
        ("+proj=utm +zone=61", "outside 1..60"),
        ("+proj=utm +zone=52 +ellps=bessel", "only WGS84"),
    ],
)
def test_unusable_proj_strings_are_refused(proj: str, reason: str) -> None:
    with pytest.raises(RoadDataError, match=reason):
        parse_utm_proj(proj)


def test_sumo_network_lands_on_its_original_boundary(data_dir: Path) -> None:
    """The converted network fills the origBoundary SUMO recorded when it projected it.

    West, east and north edges agree to well under 10 m. The south edge does not
    reach origBoundary: convBoundary (the network as saved) starts ~170 m further
    north than origBoundary says, because the net was edited in netedit after the
    import (the file says so) and origBoundary was not updated. So the south edge
    is only checked to lie inside the original boundary.
    """
    path = data_dir / "roads" / SUMO_FILE
    location = None
    points: list[tuple[float, float]] = []
    for _, elem in ET.iterparse(path):
        if elem.tag == "location":
            location = dict(elem.attrib)
        elif elem.tag in ("junction", "edge", "lane"):
            for xy in elem.get("shape", "").split():
                x, y = xy.split(",")
                points.append((float(x), float(y)))
    assert location is not None
    off_x, off_y = (float(v) for v in location["netOffset"].split(","))
    west, south, east, north = (float(v) for v in location["origBoundary"].split(","))
    latlons = [utm_to_latlon(x - off_x, y - off_y, 52) for x, y in points]
    lats = [p[0] for p in latlons]
    lons = [p[1] for p in latlons]
    mid_lat = (south + north) / 2
    m_per_deg_lat = 111_000.0
    m_per_deg_lon = m_per_deg_lat * math.cos(math.radians(mid_lat))
    assert abs(min(lons) - west) * m_per_deg_lon < 10
    assert abs(max(lons) - east) * m_per_deg_lon < 10
    assert abs(max(lats) - north) * m_per_deg_lat < 10
    assert 0 <= (min(lats) - south) * m_per_deg_lat < 250
