"""How fast traffic drives on a road: its posted limit, else a default for its class.

The defaults follow Korea's urban limits (도로교통법 시행규칙 제19조 and the
2021 "안전속도 5030" policy: 50 km/h on urban arterials, 30 km/h on residential
and back streets) and the usual limits on Seoul's urban expressways. They are
used only when an OSM way has no usable ``maxspeed`` tag; docs/roads.md lists
them. Simulated vehicles drive at these speeds, and the tracking side uses them
to judge whether a journey between two cameras was possible, so they lean
toward the posted limit rather than congested reality.
"""

from __future__ import annotations

import math
import re
from typing import Literal

# km/h by OSM highway class.
DEFAULT_SPEED_KMH: dict[str, float] = {
    "motorway": 100.0,  # 고속도로, two or more lanes each way
    "motorway_link": 60.0,
    "trunk": 80.0,  # 도시고속도로 such as 올림픽대로, 강변북로
    "trunk_link": 50.0,
    "primary": 50.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 40.0,
    "tertiary": 50.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "residential": 30.0,
    "living_street": 20.0,
    "service": 20.0,
    "road": 30.0,
}
# A class the table does not know (e.g. a SUMO edge type).
FALLBACK_SPEED_KMH = 30.0

# Posted limits outside this range are taken as tagging errors.
MIN_PLAUSIBLE_KMH = 5.0
MAX_PLAUSIBLE_KMH = 130.0

# Implicit limits (``maxspeed=KR:urban``) as OSM's country defaults use them.
ZONE_SPEED_KMH: dict[str, float] = {
    "kr:urban": 50.0,
    "kr:rural": 60.0,
    "kr:motorway": 100.0,
    "kr:living_street": 20.0,
}

MPH_TO_KMH = 1.609344

SpeedFrom = Literal["maxspeed", "default", "sumo", "synthetic"]

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def parse_maxspeed(value: str | None) -> float | None:
    """A posted limit in km/h from an OSM ``maxspeed`` value, or ``None`` if it has none.

    Handles ``"50"``, ``"30 mph"``, several values (``"50;60"``, OSMnx's merged
    ``"['50', '60']"``: their mean, as the edge stands for road parts with each
    limit) and Korean zone codes (``"KR:urban"``). ``"none"``, ``"signals"`` and
    anything outside 5–130 km/h count as no usable limit.
    """
    if value is None:
        return None
    text = value.strip().lower()
    if not text:
        return None
    if text in ZONE_SPEED_KMH:
        return ZONE_SPEED_KMH[text]
    numbers = [float(n) for n in _NUMBER.findall(text)]
    if not numbers:
        return None
    speed = sum(numbers) / len(numbers)
    if "mph" in text:
        speed *= MPH_TO_KMH
    if not (MIN_PLAUSIBLE_KMH <= speed <= MAX_PLAUSIBLE_KMH) or math.isnan(speed):
        return None
    return speed


def default_speed_kmh(highway: str | None) -> float:
    """The speed assumed for a road class without a posted limit."""
    if highway is None:
        return FALLBACK_SPEED_KMH
    return DEFAULT_SPEED_KMH.get(highway, FALLBACK_SPEED_KMH)


def road_speed_kmh(highway: str | None, maxspeed: str | None) -> tuple[float, SpeedFrom]:
    """The driving speed of an OSM road and where it came from (its tag or the class)."""
    posted = parse_maxspeed(maxspeed)
    if posted is not None:
        return posted, "maxspeed"
    return default_speed_kmh(highway), "default"
