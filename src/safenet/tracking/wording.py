"""How distances, durations and speeds read to a dispatcher, in English and Korean.

One place for the numbers' wording, so that a verdict, a leg on the map and a
next-camera hint all say "8.8 km" and "3 min 20 s" the same way.
"""

from __future__ import annotations

import math

IMPOSSIBLE_LABEL_EN = "likely misread or cloned plate"
IMPOSSIBLE_LABEL_KO = "이동 불가능 구간 (번호판 오인식 또는 대포차 의심)"


def distance_text(metres: float) -> str:
    """A distance as people say it: "850 m" below a kilometre, "12.4 km" above."""
    if metres < 999.5:
        return f"{metres:.0f} m"
    return f"{metres / 1000:.1f} km"


def duration_text(seconds: float, lang: str = "en") -> str:
    """A duration to the second: "45 s", "3 min 20 s", "1 h 5 min" (or "45초", "3분 20초")."""
    if seconds < 10 and seconds != int(seconds):
        return f"{seconds:.1f} s" if lang == "en" else f"{seconds:.1f}초"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    units: tuple[tuple[int, str], ...]
    if lang == "en":
        units = ((hours, "h"), (minutes, "min"), (secs, "s"))
        sep = " "
    else:
        units = ((hours, "시간"), (minutes, "분"), (secs, "초"))
        sep = ""
    if hours:
        # Past an hour the seconds are noise to a dispatcher.
        units = units[:2]
    parts = [f"{value}{sep}{unit}" for value, unit in units if value]
    return " ".join(parts) if parts else ("0 s" if lang == "en" else "0초")


def speed_text(kmh: float) -> str:
    """A speed in km/h: "248", "7.5" below 10 (so a slow car does not read as "0"), "∞"."""
    if math.isinf(kmh):
        return "∞"
    return f"{kmh:.1f}" if kmh < 9.95 else f"{kmh:.0f}"


def limit_text(kmh: float) -> str:
    """A configured limit without a needless ".0": 180.0 → "180", 92.5 → "92.5"."""
    return f"{kmh:g}"
