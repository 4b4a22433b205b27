"""Made-up camera sites for a district with no CCTV data, so the demo still runs.

A jittered square grid around the district office, seeded. Every site it makes
says in its agency and address that it is synthetic; the city summary says so
too. These are never presented as real cameras.
"""

from __future__ import annotations

import math
import random

from safenet.cctv import CameraSite
from safenet.sim.districts import DistrictSpec

_M_PER_DEG = 111_195.0  # metres per degree of latitude (mean Earth radius)

SYNTHETIC_PURPOSES = ("교통단속", "생활방범", "생활방범", "차량방범")


def synthetic_sites(
    spec: DistrictSpec,
    *,
    seed: int,
    size: int = 13,
    spacing_m: float = 250.0,
    jitter_m: float = 60.0,
) -> list[CameraSite]:
    """``size`` x ``size`` generated sites ``spacing_m`` apart around the district's centre."""
    rng = random.Random(f"{seed}:synthetic-sites:{spec.site}")
    lat0, lon0 = spec.centre
    half = (size - 1) / 2
    sites: list[CameraSite] = []
    for row in range(size):
        for col in range(size):
            north = (row - half) * spacing_m + rng.uniform(-jitter_m, jitter_m)
            east = (col - half) * spacing_m + rng.uniform(-jitter_m, jitter_m)
            lat = lat0 + north / _M_PER_DEG
            lon = lon0 + east / (_M_PER_DEG * math.cos(math.radians(lat0)))
            n = len(sites) + 1
            sites.append(
                CameraSite(
                    site_id=f"syn-{spec.site}-{n:03d}",
                    row_number=n,
                    agency=f"{spec.name} (synthetic)",
                    road_address=f"synthetic site {n} of {spec.name}",
                    lot_address=None,
                    purpose=SYNTHETIC_PURPOSES[(row * size + col) % len(SYNTHETIC_PURPOSES)],
                    camera_count=1,
                    resolution=None,
                    view_direction=None,
                    retention_days=None,
                    installed=None,
                    lat=lat,
                    lon=lon,
                    data_date=None,
                )
            )
    return sites
