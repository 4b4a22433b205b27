"""The districts the simulated city is made of: one smart-city center each.

A district is a local government (구) whose center the demo runs: its site id on
the link, its Korean name, roughly where it lies (used only when there is no
camera data to place it) and the spellings of its 관리기관명 in the national CCTV
standard data, which vary from file to file (``서울특별시 서초구청``, ``서초구청``,
``서울특별시 서초구``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from safenet.link.sites import validate_center

# Prefixes of a Seoul agency name that say nothing about the district.
_CITY_PREFIXES = ("서울특별시", "서울시", "서울")
_NAME = re.compile(r"^[가-힣]{1,10}(구|군|시)$")


@dataclass(frozen=True, slots=True)
class DistrictSpec:
    """One district of the simulated city: which center it is and how to find its cameras.

    ``agencies`` lists extra 관리기관명 spellings accepted verbatim; the usual forms
    (the name with or without ``서울특별시`` in front and ``청`` behind) always match.
    ``centre`` is (lat, lon) of the district office, used to lay out a synthetic
    city when there is no camera data at all.
    """

    site: str
    name: str
    centre: tuple[float, float]
    agencies: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        validate_center(self.site, field="site")
        if not _NAME.match(self.name):
            raise ValueError(
                f"name: {self.name!r} is not a district name (Korean, ending in 구, 군 or 시)"
            )
        lat, lon = self.centre
        if not (33.0 <= lat <= 38.7 and 124.5 <= lon <= 131.9):
            raise ValueError(f"centre: {lat}, {lon} is outside Korea")

    def manages(self, agency: str) -> bool:
        """Whether a camera row's 관리기관명 names this district's government."""
        text = _squash(agency)
        if text in {_squash(a) for a in self.agencies}:
            return True
        for prefix in _CITY_PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :]
                break
        if text.endswith("청"):
            text = text[:-1]
        return text == self.name


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


DEFAULT_DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec("seocho", "서초구", (37.48366, 127.03257)),  # 서초구청
    DistrictSpec("gangnam", "강남구", (37.51736, 127.04737)),  # 강남구청
    DistrictSpec("eunpyeong", "은평구", (37.60274, 126.92910)),  # 은평구청
)
"""The demo's three centers: two neighbours the SUMO network spans, and 은평구 far away."""
