"""Generator E's cameras: its own OCR error model and colour/type noise (see match_journey_e).

Written blind to the decision chain, like :mod:`safenet.bench.match_journey_e`, and
run as written. The confusions are derived from the shapes of digits and of Hangul
jamo, restricted to the characters an issued plate carries.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from safenet.bench.match_journey import Role
from safenet.matching.types import Alternative
from safenet.plates.alphabet import PRIVATE_SYLLABLES

KST = timezone(timedelta(hours=9))
DAY_START = datetime(2026, 11, 16, tzinfo=KST).timestamp()
SUNRISE_H, SUNSET_H = 7.2, 17.38
DARK_BEFORE_H, DARK_AFTER_H = 7.0, 17.67

NIGHT_SHIFT = {
    "white": ("silver", "grey", "beige"), "silver": ("grey", "white"),
    "grey": ("silver", "black"), "black": ("navy", "grey"), "navy": ("black", "blue"),
    "blue": ("navy", "black"), "red": ("brown", "orange"), "brown": ("black", "red"),
    "beige": ("white", "yellow", "silver"), "yellow": ("beige", "orange"),
    "green": ("grey", "black"), "orange": ("yellow", "red"), "purple": ("navy", "black"),
}  # fmt: skip
DAY_CLOSE = {
    "white": ("silver",), "silver": ("white", "grey"), "grey": ("silver",),
    "black": ("navy",), "navy": ("black", "blue"), "blue": ("navy",), "red": ("brown",),
    "brown": ("red",), "beige": ("silver", "white"), "yellow": ("beige",),
    "green": ("grey",), "orange": ("red",), "purple": ("navy",),
}  # fmt: skip
BODY_CLOSE = {
    "car": ("suv",), "suv": ("car", "van"), "van": ("suv", "bus"), "bus": ("van",),
    "truck": ("pickup", "van"), "pickup": ("truck", "suv"), "motorcycle": ("car",),
}  # fmt: skip
# How each vendor words colours and bodies (words the vendor mapping knows).
WORDS_EN = {"white": "white", "silver": "silver", "grey": "gray", "black": "black",
            "navy": "darkBlue", "blue": "blue", "red": "red", "brown": "brown",
            "beige": "gold", "yellow": "yellow", "green": "green", "orange": "orange",
            "purple": "purple", "car": "sedan", "suv": "SUVMPV", "van": "van", "bus": "bus",
            "truck": "truck", "pickup": "pickupTruck"}  # fmt: skip
WORDS_KO = {"white": "흰색", "silver": "은색", "grey": "쥐색", "black": "검정", "navy": "남색",
            "blue": "파랑", "red": "빨강", "brown": "갈색", "beige": "베이지", "yellow": "노랑",
            "green": "초록", "orange": "주황", "purple": "보라", "car": "승용", "suv": "SUV",
            "van": "승합", "bus": "버스", "truck": "화물", "pickup": "픽업"}  # fmt: skip

# Digit confusions by shape (weights): closed loops 0/8/6/9, 3/8, 1/7 ...
DIGIT_CONFUSION: dict[str, tuple[tuple[str, float], ...]] = {
    "0": (("8", 3), ("6", 2), ("9", 2)), "1": (("7", 3), ("4", 1)),
    "2": (("7", 1), ("3", 1)), "3": (("8", 3), ("5", 1), ("2", 1)),
    "4": (("1", 1),), "5": (("6", 3), ("3", 1)), "6": (("8", 3), ("0", 2), ("5", 2)),
    "7": (("1", 3), ("2", 1)), "8": (("3", 3), ("0", 3), ("6", 2), ("9", 2)),
    "9": (("8", 2), ("0", 2)),
}  # fmt: skip
REGION_CONFUSION = {"전": (("구", 1.0),), "구": (("전", 1.0),), "남": (("북", 1.0),),
                    "북": (("남", 1.0),)}  # fmt: skip
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_VOWEL_PAIRS = {("ㅏ", "ㅓ"): 3.0, ("ㅗ", "ㅜ"): 3.0, ("ㅓ", "ㅗ"): 1.2, ("ㅏ", "ㅐ"): 1.8}
_CONSONANT_PAIRS = {("ㅁ", "ㅇ"): 1.8, ("ㅅ", "ㅈ"): 2.0, ("ㅇ", "ㅎ"): 1.8, ("ㄴ", "ㄷ"): 1.2,
                    ("ㄷ", "ㄹ"): 1.5, ("ㅂ", "ㅁ"): 1.5}  # fmt: skip
ISSUED = PRIVATE_SYLLABLES + "바사아자배하허호"


def _jamo(syllable: str) -> tuple[str, str]:
    code = ord(syllable) - 0xAC00
    return _INITIALS[code // 588], _MEDIALS[(code % 588) // 28]


def _pair_weight(pairs: dict[tuple[str, str], float], a: str, b: str) -> float:
    return pairs.get((a, b), pairs.get((b, a), 0.0))


def _syllable_confusion() -> dict[str, tuple[tuple[str, float], ...]]:
    """Issued syllables one stroke apart: same initial and flipped vowel, or blurred initial."""
    table: dict[str, tuple[tuple[str, float], ...]] = {}
    for a in ISSUED:
        ia, ma = _jamo(a)
        out = []
        for b in ISSUED:
            if a == b:
                continue
            ib, mb = _jamo(b)
            if ia == ib:
                w = _pair_weight(_VOWEL_PAIRS, ma, mb)
            elif ma == mb:
                w = _pair_weight(_CONSONANT_PAIRS, ia, ib)
            else:
                w = 0.0
            if w:
                out.append((b, w))
        table[a] = tuple(out)
    return table


CONFUSION = {**DIGIT_CONFUSION, **_syllable_confusion(), **REGION_CONFUSION}


@dataclass(frozen=True, slots=True)
class Camera:
    id: str
    site: int
    vendor: str  # "ko", "en", "low", "over"
    base: float  # per-character error rate in daylight
    conf_bias: float  # added to the confidence it reports
    glare: bool  # faces east or west: low sun in the lens


@dataclass
class Car:
    plate: str
    role: Role
    entry_id: str | None
    colour: str
    body: str
    wear: float
    habit: tuple[int, str] | None  # (position, wrong char) read the same way again and again
    trips: int
    commuter: bool = False
    home: int = 0
    reads: list[int] = field(default_factory=list)


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def confuse(rng: random.Random, ch: str) -> str | None:
    options = CONFUSION.get(ch)
    if not options:
        return None
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


# --- OCR ----------------------------------------------------------------------


def garble(rng: random.Random, chars: list[str], p: float, car: Car) -> tuple[list[str], int]:
    """The characters as one frame reads them, and how many errors it made."""
    out: list[str] = []
    errors = 0
    for i, ch in enumerate(chars):
        if rng.random() >= p:
            out.append(ch)
            continue
        errors += 1
        if car.habit is not None and car.habit[0] == i and rng.random() < 0.6:
            out.append(car.habit[1])
            continue
        r = rng.random()
        wrong = confuse(rng, ch) if r < 0.75 else None
        if wrong is not None:
            out.append(wrong)
        elif r < 0.87:
            pass  # dropped
        elif r < 0.94:
            out.extend((ch, ch))  # doubled
        else:
            out.append(ch)
            if out and len(out) >= 2:
                out[-1], out[-2] = out[-2], out[-1]
    return out, errors


def _region_len(plate: str) -> int:
    return 2 if not plate[0].isdigit() else 0


def _alternatives(
    rng: random.Random, top: str, truth: str, conf: float, errors: int, most: int
) -> list[Alternative]:
    texts: list[str] = []
    if errors and rng.random() < 0.6:
        texts.append(truth)
    for _ in range(rng.randint(0, most)):
        chars = list(top)
        i = rng.randrange(len(chars))
        wrong = confuse(rng, chars[i])
        if wrong:
            chars[i] = wrong
            texts.append("".join(chars))
    rng.shuffle(texts)
    alts: list[Alternative] = []
    c = conf
    for t in dict.fromkeys(texts):
        if t == top or len(alts) >= most:
            continue
        c = round(c * rng.uniform(0.4, 0.9), 3)
        alts.append(Alternative(plate=t, confidence=c))
    return alts


@dataclass
class Weather:
    rain: list[tuple[float, float]]  # (start, end) hours

    def raining(self, hour: float) -> bool:
        return any(a <= hour < b for a, b in self.rain)


def read_pass(
    rng: random.Random, cam: Camera, car: Car, ts: float, weather: Weather
) -> list[tuple[str, float, list[Alternative], str | None, str | None]]:
    """The frames one camera sends for one pass: (text, confidence, alternatives, colour, type)."""
    hour = ((ts - DAY_START) / 3600.0) % 24
    dark = hour < DARK_BEFORE_H or hour >= DARK_AFTER_H
    rain = weather.raining(hour)
    glare = cam.glare and (SUNRISE_H <= hour < SUNRISE_H + 1.3 or SUNSET_H - 1.3 <= hour < SUNSET_H)
    p = cam.base * car.wear * math.exp(rng.gauss(0.0, 0.6))
    p *= (2.5 if dark else 1.0) * (1.8 if rain else 1.0) * (3.0 if glare else 1.0)
    p = min(p, 0.25)
    frames = 2 if rng.random() < 0.2 else 1
    chars = list(car.plate)
    out = []
    first: tuple[list[str], int] | None = None
    for _ in range(frames):
        if first is not None and rng.random() < 0.7:
            got, errors = first
        else:
            got, errors = garble(rng, chars, p, car)
        first = (got, errors)
        region = _region_len(car.plate)
        if region and got[:region] == chars[:region] and rng.random() < (0.3 if dark else 0.12):
            got = got[region:]
            errors += 1
        partial = rng.random() < (0.01 + 0.04 * (dark or rain or glare))
        if partial and len(got) > 5:
            got = got[rng.randint(1, 3) :] if rng.random() < 0.6 else got[: -rng.randint(1, 2)]
            errors += 1
        text = "".join(got) or car.plate[-4:]
        conf, alts = _confidence(rng, cam, text, car.plate, errors)
        colour, body = _look(rng, cam, car, dark, rain)
        out.append((text, conf, alts, colour, body))
    return out


def _confidence(
    rng: random.Random, cam: Camera, text: str, truth: str, errors: int
) -> tuple[float, list[Alternative]]:
    if cam.vendor == "over":
        conf = rng.uniform(0.9, 0.995) + cam.conf_bias * 0.2
        return round(min(max(conf, 0.05), 0.999), 3), []
    conf = rng.uniform(0.82, 0.99) if rng.random() > 0.03 else rng.uniform(0.4, 0.7)
    conf -= sum(rng.uniform(0.08, 0.25) for _ in range(errors))
    conf = conf * (0.72 if cam.vendor == "low" else 1.0) + cam.conf_bias
    conf = round(min(max(conf, 0.05), 0.99), 3)
    most = 5 if cam.vendor == "low" else 3
    return conf, _alternatives(rng, text, truth, conf, errors, most)


def _look(
    rng: random.Random, cam: Camera, car: Car, dark: bool, rain: bool
) -> tuple[str | None, str | None]:
    words = WORDS_KO if cam.vendor == "ko" else WORDS_EN
    r = rng.random()
    unknown = 0.15 if dark else 0.04 + 0.06 * rain
    shift = 0.25 if dark else 0.08 + 0.05 * rain
    colour: str | None
    if r < unknown:
        colour = None
    elif r < unknown + shift:
        colour = rng.choice(NIGHT_SHIFT[car.colour] if dark else DAY_CLOSE[car.colour])
    else:
        colour = car.colour
    body: str | None
    r = rng.random()
    if cam.vendor == "over" or r < 0.1:
        body = None
    elif r < 0.18:
        body = rng.choice(BODY_CLOSE[car.body])
    else:
        body = car.body
    return (
        None if colour is None else words[colour],
        None if body is None else words[body],
    )
