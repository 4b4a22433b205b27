"""The cameras that read plates in the simulation, chosen from a district's real CCTV sites.

Municipal CCTV is mostly crime-prevention cameras, not plate readers. For the
demo a site counts as *LPR-capable* when it stands within ``coverage_radius_m``
of a road of the district's network: it is snapped to that road and reads the
vehicles that pass the snapped point. At most ``max_cameras`` per district are
used, vehicle-crime and traffic cameras (차량방범, 교통단속) first, the rest in a
seeded random order so the same seed always picks the same cameras.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from safenet.cctv import CameraSite
from safenet.roads import RoadNetwork
from safenet.roads.projection import project
from safenet.tracking import heading_from_text

# Lower is preferred: cameras installed to watch vehicles come first.
PURPOSE_PRIORITY: dict[str, int] = {
    "차량방범": 0,
    "교통단속": 1,
    "교통정보수집": 1,
    "다목적": 2,
    "생활방범": 3,
}
OTHER_PURPOSE_PRIORITY = 4

HeadingFrom = Literal["view_direction", "road"]


@dataclass(frozen=True, slots=True)
class SimCamera:
    """A plate-reading camera of the simulated city, at its real site, watching one road.

    ``lat``/``lon`` are the site's published coordinates (what a hit reports);
    ``watch_lat``/``watch_lon`` the point on the road it reads, ``road_distance_m``
    away. ``heading`` is where it looks in degrees from north: from 촬영방면정보
    when that names one direction, else along the road it watches (``heading_from``).
    """

    camera_id: str
    site_id: str
    district: str
    lat: float
    lon: float
    watch_lat: float
    watch_lon: float
    road_distance_m: float
    heading: float
    heading_from: HeadingFrom
    purpose: str | None
    view_direction: str | None
    address: str | None

    def lpr_row(self) -> dict[str, object]:
        """This camera as a row of the center's LPR camera list (docs/cameras.md)."""
        return {
            "camera_id": self.camera_id,
            "lat": round(self.lat, 7),
            "lon": round(self.lon, 7),
            "heading": round(self.heading, 1) % 360.0,
            "site": self.site_id,
            "name": f"{self.purpose or 'CCTV'} {self.camera_id}",
            "address": self.address or "",
        }


@dataclass(frozen=True, slots=True)
class CameraChoice:
    """The LPR cameras picked for one district, and how many sites could have been picked."""

    cameras: tuple[SimCamera, ...]
    sites: int
    near_road: int


def pick_cameras(
    sites: Sequence[CameraSite],
    network: RoadNetwork,
    district: str,
    *,
    coverage_radius_m: float,
    max_cameras: int,
    min_spacing_m: float,
    seed: int,
) -> CameraChoice:
    """Choose a district's LPR cameras among its sites near the network's roads.

    ``near_road`` counts the sites within ``coverage_radius_m`` of an edge, the
    district's coverage figure. Sites whose road point lies within
    ``min_spacing_m`` of an already chosen camera are passed over: two rows at one
    pole would read every vehicle twice.
    """
    rng = random.Random(f"{seed}:cameras:{district}")
    candidates: list[tuple[int, float, SimCamera]] = []
    for site in sorted(sites, key=lambda s: s.site_id):
        order = rng.random()  # drawn for every site so the order does not depend on the roads
        near = network.edges_near(site.lat, site.lon, coverage_radius_m)
        if not near:
            continue
        edge = near[0]
        data = network.graph.edges[edge.u, edge.v, edge.key]
        proj = project(data["geometry"], site.lat, site.lon)
        named = heading_from_text(site.view_direction) if site.view_direction else None
        camera = SimCamera(
            camera_id=site.cameras()[0].camera_id,
            site_id=site.site_id,
            district=district,
            lat=site.lat,
            lon=site.lon,
            watch_lat=proj.lat,
            watch_lon=proj.lon,
            road_distance_m=proj.distance_m,
            heading=named if named is not None else proj.bearing_deg,
            heading_from="view_direction" if named is not None else "road",
            purpose=site.purpose,
            view_direction=site.view_direction,
            address=site.road_address or site.lot_address,
        )
        priority = PURPOSE_PRIORITY.get(site.purpose or "", OTHER_PURPOSE_PRIORITY)
        candidates.append((priority, order, camera))
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen: list[SimCamera] = []
    for _, _, camera in candidates:
        if len(chosen) >= max_cameras:
            break
        if any(_metres(camera, other) < min_spacing_m for other in chosen):
            continue
        chosen.append(camera)
    return CameraChoice(tuple(chosen), len(sites), len(candidates))


def _metres(a: SimCamera, b: SimCamera) -> float:
    dy = (a.watch_lat - b.watch_lat) * 111_195.0
    dx = (a.watch_lon - b.watch_lon) * 111_195.0 * math.cos(math.radians(a.watch_lat))
    return math.hypot(dx, dy)
