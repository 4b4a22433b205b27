"""Directions in the words people use: compass labels, and headings from 촬영방면정보.

The national CCTV standard data (공공데이터 CCTV 표준데이터) describes where a camera
looks in free text: "북측", "남쪽방향", but also "360도", "사거리", "○○초교 방면".
:func:`heading_from_text` turns only the unmistakable compass words into degrees
and answers None for everything else: a wrong heading would point officers down
the wrong road, while a missing one only falls back to the bearing between hits.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Literal

_LABELS: dict[str, tuple[str, ...]] = {
    "ko": ("북", "북동", "동", "남동", "남", "남서", "서", "북서"),
    "en": ("N", "NE", "E", "SE", "S", "SW", "W", "NW"),
}

_CARDINALS = {"북": 0.0, "동": 90.0, "남": 180.0, "서": 270.0}
# Korean writes the diagonals both ways round: 북동 and 동북 are both north-east.
_DIAGONALS = {
    "북동": 45.0,
    "동북": 45.0,
    "남동": 135.0,
    "동남": 135.0,
    "남서": 225.0,
    "서남": 225.0,
    "북서": 315.0,
    "서북": 315.0,
}
# The whole text must be one compass word with an optional side word (측/쪽/편)
# and direction word (방향/방면), or 향 ("facing"). Anything more is a place name,
# a second direction or a remark, and is refused rather than half-read. Spaces
# may separate the parts but not the two syllables of a diagonal: "북 동" may list
# two cameras' views, north and east.
_COMPASS_TEXT = re.compile(
    r"\s*(?P<due>정)?\s*(?P<compass>[북동남서]{1,2})"
    r"\s*(?:(?:측|쪽|편)\s*(?:방향|방면)?|방향|방면|향)?\s*"
)


def compass_label(bearing_deg: float, lang: Literal["ko", "en"] = "ko") -> str:
    """The 8-point compass word for a direction of travel: 45 → "북동" (ko) or "NE" (en).

    Each word covers 45 degrees centred on its direction; a bearing on the edge
    between two goes clockwise (22.5 → 북동).
    """
    if not math.isfinite(bearing_deg):
        raise ValueError(f"bearing_deg must be a finite number, got {bearing_deg!r}")
    labels = _LABELS.get(lang)
    if labels is None:
        raise ValueError(f"lang must be 'ko' or 'en', got {lang!r}")
    return labels[int(((bearing_deg % 360.0) + 22.5) // 45.0) % 8]


def angle_between_deg(a: float, b: float) -> float:
    """How far apart two directions are, ignoring which way round: 0 to 180 degrees."""
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"directions must be finite numbers, got {a!r} and {b!r}")
    diff = abs(a - b) % 360.0
    return min(diff, 360.0 - diff)


def heading_from_text(text: str) -> float | None:
    """The heading in degrees that a camera's 촬영방면정보 names, or None when it is not certain.

    Reads one Korean compass word (북 동 남 서 and the diagonals 북동/동북, 남동/동남,
    남서/서남, 북서/서북), optionally after 정 ("due", cardinals only) and before 측,
    쪽, 편, 방향, 방면 or 향, with any spacing: "북측" → 0, "남동쪽 방향" → 135,
    "정서쪽" → 270. Returns None for all-round cameras ("360도", "전방향"), junctions
    ("사거리"), two directions ("동서", "북측 및 동측"), place names ("동대문 방면",
    "남산 방향") and anything else.

    This is the direction the camera *looks*. Whether it is also the direction of
    travel of the vehicles it reads depends on whether it reads rear plates
    (same) or front plates (opposite); the camera registry has to say which.
    """
    found = _COMPASS_TEXT.fullmatch(unicodedata.normalize("NFC", text))
    if found is None:
        return None
    compass = found["compass"]
    if compass in _DIAGONALS:
        # "정" before a diagonal is not an expression anyone uses; do not guess at it.
        return None if found["due"] else _DIAGONALS[compass]
    if len(compass) == 1:
        return _CARDINALS[compass]
    return None
