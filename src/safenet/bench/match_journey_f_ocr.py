"""Corpus F's plate reader: how its cameras misread plates and words (my own noise model).

The reading half of :mod:`safenet.bench.match_journey_f` (whose docstring says every
choice and its source), written blind to the decision chain like the rest of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from safenet.matching import Alternative
from safenet.plates import USAGE_SYLLABLES

PRIVATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
"""The syllables of private plates (비사업용)."""


def weights(text: str) -> tuple[tuple[str, float], ...]:
    """A table written ``"white 34 grey 18"``: (word, weight) pairs."""
    words = text.split()
    return tuple((w, float(n)) for w, n in zip(words[::2], words[1::2], strict=True))


def table(text: str) -> dict[str, str]:
    """A table written ``"white=white grey=gray"``."""
    return dict(pair.split("=") for pair in text.split())


REGION_SIBLINGS = table("경남=경북 경북=경남 충남=충북 충북=충남 전남=전북 전북=전남 부산=울산 "
                       "울산=부산 대구=대전 대전=대구")  # fmt: skip
# What each vendor calls things (words of safenet.vehicles.vendor, and one it does not know)
GANTRY_COLOUR = table("white=white silver=silver grey=gray black=black navy=darkBlue blue=blue "
                     "red=red brown=brown beige=gold yellow=yellow green=green orange=orange "
                     "purple=purple")  # fmt: skip
CITY_COLOUR = table("white=백색 silver=은색 grey=쥐색 black=흑색 navy=감청색 blue=청색 "
                    "red=적색 brown=밤색 beige=베이지 yellow=황색 green=녹색 orange=주황 "
                    "purple=보라")  # fmt: skip
GANTRY_BODY = table("car=sedan suv=SUVMPV van=van pickup=pickupTruck truck=truck bus=bus "
                   "tractor=tractorTrailer tow=truck")  # fmt: skip
CITY_BODY = table("car=승용 suv=SUV van=승합 pickup=픽업 truck=화물 bus=버스 tractor=트레일러 "
                 "tow=특수")  # fmt: skip
COLOUR_DRIFT = table("white=silver silver=grey grey=silver black=grey navy=black blue=navy "
                    "red=brown brown=red beige=silver yellow=beige green=grey orange=red "
                    "purple=navy")  # fmt: skip
BODY_DRIFT = table("car=suv suv=car van=suv pickup=truck truck=bus bus=truck tractor=truck "
                  "tow=truck")  # fmt: skip
DIGIT_MIX = table("0=8869 1=7741 2=7738 3=8859 4=119 5=6638 6=8850 7=1112 8=0036 9=8804")
# repeats weigh a confusion: 0 is read 8 twice as often as 6


def _syllable_mix() -> dict[str, str]:
    """Issued usage syllables a reader takes for each other: mirrored vowel or a near initial."""
    vowels = {0: 4, 4: 0, 8: 13, 13: 8}  # ㅏ<->ㅓ, ㅗ<->ㅜ (jamo medial indices)
    initials = {7: 6, 6: 7, 9: 12, 12: 9, 11: 18, 18: 11}  # ㅂ<->ㅁ, ㅅ<->ㅈ, ㅇ<->ㅎ
    out: dict[str, str] = {}
    for s in USAGE_SYLLABLES:
        code = ord(s) - 0xAC00
        ini, med = code // 588, (code % 588) // 28
        near = [chr(0xAC00 + ini * 588 + vowels[med] * 28)] if med in vowels else []
        if ini in initials:
            near.append(chr(0xAC00 + initials[ini] * 588 + med * 28))
        out[s] = "".join(c for c in near if c in USAGE_SYLLABLES)
    return out


SYLLABLE_MIX = _syllable_mix()


@dataclass
class Car:
    """One vehicle as the world knows it: plate parts, looks, and how its plate reads."""

    tokens: list[str]  # region (one token), digits, syllable: the plate's units
    kind: str
    colour: str
    body: str
    make: str
    dirt: float  # 0 clean .. 1 plate barely legible
    habit: tuple[int, str] | None = None  # a character always at risk: (position, misread)
    ev: bool = False  # a blue electric-car plate
    trailer: int | None = None  # index of the trailer vehicle it pulls


@dataclass(frozen=True, slots=True)
class Pass:
    """One camera seeing one vehicle: where, when, how fast, and in what conditions."""

    camera: str
    ts: float
    kmh: float
    light: float  # quality factor of light, fog and tunnel (1 is a clear day)
    tunnel: bool
    rear: bool
    city: bool


def misread(rng: random.Random, token: str) -> str:
    """One plate unit as a reader may mistake it (my confusion table)."""
    if token.isdigit():
        return rng.choice(DIGIT_MIX[token]) if rng.random() < 0.85 else rng.choice("0123456789")
    if token in SYLLABLE_MIX and SYLLABLE_MIX[token] and rng.random() < 0.85:
        return rng.choice(SYLLABLE_MIX[token])
    if token in REGION_SIBLINGS:
        return REGION_SIBLINGS[token]
    if len(token) == 1 and token in USAGE_SYLLABLES:
        return rng.choice(PRIVATE + "바사아자하허호")
    return token


def plate_text(rng: random.Random, car: Car, q: float, kmh: float) -> str:
    """What the reader makes of the plate at quality ``q`` (my noise model)."""
    tokens = list(car.tokens)
    bad = 1.0 - q
    p_char = 0.003 + 0.12 * bad**2
    for i, t in enumerate(tokens):
        if car.habit is not None and i == car.habit[0] and rng.random() < 0.45 + 0.4 * bad:
            tokens[i] = car.habit[1]
        elif rng.random() < p_char:
            tokens[i] = misread(rng, t)
    if len(tokens[0]) == 2 and car.kind != "diplomat" and rng.random() < 0.02 + 0.15 * bad**2:
        tokens.pop(0)  # the small region name on a yellow plate is lost
    if rng.random() < 0.003 + 0.03 * bad**2 + (0.01 if kmh > 100 else 0.0):
        tokens.pop(0 if rng.random() < 0.5 else -1)  # the plate's edge is out of the frame
    if rng.random() < 0.003:
        tokens.insert(rng.randrange(1, len(tokens)), "1")  # a bolt head between characters
    if rng.random() < 0.0015:  # a sign or a sticker, not the plate
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 8)))
    return "".join(tokens)


def _clip(x: float) -> float:
    return min(0.99, max(0.05, x))


def _alternatives(
    rng: random.Random, top: str, truth: str, conf: float, k: int
) -> list[Alternative]:
    if k == 0:
        return []
    texts: list[str] = []
    if top != truth and rng.random() < 0.5:
        texts.append(truth)
    for _ in range(k * 2):
        if len(texts) >= k:
            break
        i = rng.randrange(len(top))
        other = top[:i] + misread(rng, top[i]) + top[i + 1 :]
        if other != top and other not in texts:
            texts.append(other)
    rng.shuffle(texts)
    out, c = [], conf
    for t in texts[:k]:
        c *= rng.uniform(0.35, 0.9)
        out.append(Alternative(plate=t, confidence=round(_clip(c), 3)))
    return out


def words(rng: random.Random, car: Car, p: Pass, mute: bool) -> tuple[str | None, str | None]:
    """The camera's colour and type words for the vehicle (my colour and type noise)."""
    if mute:
        return None, None
    unknown = "기타" if p.city else "unknown"
    colour: str | None = None
    if rng.random() < (0.75 if p.city else 0.9):
        c = car.colour
        right = 0.55 if p.light < 0.7 else 0.65 if p.light < 0.95 else 0.92  # IR at night
        if p.tunnel and c in ("white", "silver", "grey", "beige") and rng.random() < 0.4:
            c = rng.choice(("yellow", "beige"))
        elif rng.random() > right:
            r = rng.random()
            c = COLOUR_DRIFT[c] if r < 0.7 else rng.choice(list(GANTRY_COLOUR)) if r < 0.85 else ""
        colour = (CITY_COLOUR if p.city else GANTRY_COLOUR).get(c, unknown)
    body: str | None = None
    if rng.random() < (0.65 if p.city else 0.92):
        b = car.body
        if rng.random() > (0.8 if p.light < 0.95 else 0.9):
            b = BODY_DRIFT[b] if rng.random() < 0.75 else ""
        body = (CITY_BODY if p.city else GANTRY_BODY).get(b, unknown)
    return colour, body


Frame = tuple[float, str, float, list[Alternative], str | None, str | None]
"""One read as a camera sends it: ts, text, confidence, alternatives, colour and type words."""


class Reader:
    """Every camera's reader: its quality, its vendor's habits, and what it sends per pass."""

    def __init__(self, rng: random.Random, cameras: list[str], city: list[str]) -> None:
        self.rng = rng
        self.quality = {cid: rng.uniform(0.88, 1.0) for cid in cameras}
        self.mute = {cid for cid in city if rng.random() < 0.25}  # no colour or type at all
        self.city_alts = {cid for cid in city if rng.random() < 0.3}

    def frames(self, car: Car, p: Pass) -> list[Frame]:
        """The reads one pass makes: (ts, text, confidence, alternatives, colour, type)."""
        rng = self.rng
        n = 1 if p.kmh >= 60 else rng.choice((1, 2)) if p.kmh >= 30 else rng.choice((2, 3))
        out: list[Frame] = []
        truth = "".join(car.tokens)
        for f in range(n):
            if rng.random() < 0.04 + 0.35 * (1.0 - p.light):
                continue  # missed: occluded, fogged, or the trigger fired late
            q = p.light * self.quality[p.camera] * (1 - 0.45 * car.dirt) * rng.uniform(0.9, 1.0)
            q *= (1 - max(0.0, p.kmh - 100) / 200) * (0.95 if car.ev else 1.0)
            text = plate_text(rng, car, q, p.kmh)
            if text == truth:
                conf = _clip(rng.gauss(0.5 + 0.45 * q, 0.07))
            else:
                conf = _clip(rng.gauss(0.35 + 0.4 * q, 0.12))
            if not p.city:
                k = rng.choice((0, 1, 2, 3))
            else:
                k = rng.choice((1, 2)) if p.camera in self.city_alts else 0
            alts = _alternatives(rng, text, truth, conf, k)
            if p.city:
                conf = 0.75 + 0.24 * conf  # this vendor's confidences sit high
            colour, body = words(rng, car, p, p.camera in self.mute)
            ts = round(p.ts + f * rng.uniform(0.4, 1.5), 2)
            out.append((ts, text, round(conf, 3), alts, colour, body))
        return out
