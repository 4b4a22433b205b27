"""The police hold a center's announced cameras to its district (시군구).

A center announces its own cameras (:mod:`safenet.center.announce`); without this check
it could announce another district's positions as its own and then report hits there.
With ``police.center_districts`` naming a center's 시군구 (codes, names or '시도 시군구'),
:class:`DistrictCheck` refuses a registry with a camera outside them — farther than
``police.district_margin_m`` from the outline, for cameras on a border road — and the
police alarm (``foreign_camera``) and keep the registry they held. A center not named
in the setting is not checked (say so in the deployment's configuration review).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from safenet.link.messages import CameraAnnouncement
from safenet.web.boundaries import Boundaries, District

_DIRECTIONS = 8


class DistrictCheck:
    """Whether announced cameras stand in their center's district (see the module docstring)."""

    def __init__(
        self, boundaries: Boundaries, districts: Mapping[str, Sequence[str]], margin_m: float
    ) -> None:
        self.boundaries = boundaries
        self.names = {site: list(names) for site, names in districts.items() if names}
        self.margin_m = margin_m

    def districts_of(self, site: str) -> list[District] | None:
        """The site's districts (None: the site is not checked)."""
        names = self.names.get(site)
        if not names:
            return None
        return [d for d in self.boundaries.districts() if any(d.named(n) for n in names)]

    def outside(self, site: str, cameras: Sequence[CameraAnnouncement]) -> str | None:
        """Why the registry is refused (a camera outside the district), or None when it is not."""
        districts = self.districts_of(site)
        if districts is None:
            return None
        names = ", ".join(self.names[site])
        if not districts:
            return f"camera: no district outline named {names} (police.center_districts)"
        for camera in cameras:
            lat, lon = camera.coordinates.lat, camera.coordinates.lon
            if not self._near(districts, lat, lon):
                return (
                    f"camera: {site} announced {camera.camera_id} at ({lat}, {lon}), more than "
                    f"{self.margin_m:,.0f} m outside its district ({names})"
                )
        return None

    def _near(self, districts: list[District], lat: float, lon: float) -> bool:
        if any(d.contains(lon, lat) for d in districts):
            return True
        if self.margin_m <= 0:
            return False
        dlat = self.margin_m / 111_320.0
        dlon = dlat / max(0.1, math.cos(math.radians(lat)))
        for k in range(_DIRECTIONS):
            angle = 2 * math.pi * k / _DIRECTIONS
            plat, plon = lat + dlat * math.sin(angle), lon + dlon * math.cos(angle)
            if any(d.contains(plon, plat) for d in districts):
                return True
        return False
