"""Journey generator C: a ring-and-radial city, day and night, its own OCR and neighbour model.

Written for issue 17 after A and B, apart from both and from the decision chain's
fitting, and run as written: nothing in the chain was tuned on it.

- the city: four ring roads (radius 1, 2.5, 4 and 6 km) around a centre, crossed by
  twelve radial roads, joined at the centre; rings at 50 km/h, radials at 70 km/h,
  each vehicle driving at 0.6-1.2 times that and slower (x0.6) in the rush hour
  (the first and last 40 minutes of the 3-hour window); plate cameras at 60 % of the
  crossings and half-way along each radial stretch; trips between two random
  crossings along the shortest route in time;
- plates: national private plates of its own making (2- or 3-digit class, the
  private-use syllables, four serial digits), a few commercial ones (바사아자);
- OCR noise: each vehicle's plate has a legibility drawn per vehicle (Beta(6, 1.5));
  each pass has an image quality, lower at night (30 % of the window is "night":
  infrared frames) and at speed; a frame is misread with probability
  ``(1 - quality) * 0.6``; a misread is one of: a character replaced by a visually
  close one from its own table (digits by stroke shape, syllables by shared jamo),
  any digit replaced at random, the last serial digit lost (cut at the frame's edge),
  the first class digit lost, or two characters changed; a gantry camera takes 1-4
  frames of a pass, and a frame repeats the previous frame's misread 70 % of the time;
  confidence is ``quality`` plus Normal(0, 0.08) for a right read and ``quality -
  0.12`` plus Normal(0, 0.12) for a misread (so misreads of clean plates can be
  confident), clipped to [0.05, 0.999]; a read below 0.8 lists 1-2 alternatives, the
  true plate among them with probability 0.5 when it was misread;
- neighbours: 6 % of entries have 1-3 real cars one character away (half through
  its own look-alike table, half any character), each a commuter making 1-4 trips
  in the window; a neighbour has the wanted car's colour 35 % of the time (a
  popular model), otherwise a colour of the population;
- colour and type: true colours from its own shares; by day a camera reports the
  true colour 82 % of the time, otherwise a colour next to it on a lightness and
  hue ring (white-silver-grey-black, navy-blue, red-brown-orange, beige-yellow,
  green), nothing 10 % of the time; at night (infrared) only lightness survives
  (white/silver as white, grey, anything dark as black) and half the reads say
  nothing; types right 90 % (car and SUV confused 8 %), nothing 15 %; entries
  carry the colour 75 % and the type 65 % of the time.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import networkx as nx

from safenet.bench.match_journey import JourneyCorpus, Role, Vehicle
from safenet.matching import Alternative, HotlistEntry, Read
from safenet.tracking import GeoPoint
from safenet.tracking.geo import distance_m

CENTRE = (37.5500, 126.9900)
RINGS_KM = (1.0, 2.5, 4.0, 6.0)
RADIALS = 12
RING_KMH = 50.0
RADIAL_KMH = 70.0
DURATION_S = 3 * 3600.0
RUSH_S = 40 * 60.0
NIGHT_SHARE = 0.3
CAMERA_SHARE = 0.6
READ_PROBABILITY = 0.9
NEIGHBOUR_SHARE = 0.06

_SYLLABLES = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
_COMMERCIAL = "바사아자"
# Its own visual table: which character a worn or blurred one is taken for.
_CLOSE = {
    "0": "869", "1": "74", "2": "7", "3": "85", "4": "19", "5": "63", "6": "058",
    "7": "12", "8": "063", "9": "04", "가": "거기", "거": "가", "나": "너", "너": "나",
    "다": "더타", "더": "다", "라": "러", "러": "라", "마": "머", "머": "마", "버": "바",
    "서": "사", "어": "아", "저": "자", "고": "구", "구": "고", "노": "누", "누": "노",
    "도": "두", "두": "도", "로": "루", "루": "로", "모": "무", "무": "모", "보": "부",
    "부": "보", "소": "수", "수": "소", "오": "우", "우": "오", "조": "주", "주": "조",
}  # fmt: skip
_COLOURS = {
    "white": 0.31, "black": 0.2, "grey": 0.18, "silver": 0.12, "navy": 0.04, "blue": 0.04,
    "red": 0.04, "brown": 0.02, "beige": 0.02, "yellow": 0.01, "green": 0.01, "orange": 0.01,
}  # fmt: skip
_NEXT_TO = {
    "white": ("silver",), "silver": ("white", "grey"), "grey": ("silver", "black"),
    "black": ("grey", "navy"), "navy": ("black", "blue"), "blue": ("navy", "green"),
    "red": ("brown", "orange"), "brown": ("red", "black"), "orange": ("red", "yellow"),
    "beige": ("yellow", "silver"), "yellow": ("beige", "orange"), "green": ("blue", "grey"),
}  # fmt: skip
_NIGHT = {"white": "white", "silver": "white", "beige": "white", "yellow": "white", "grey": "grey"}
_TYPES = {"car": 0.58, "suv": 0.3, "van": 0.05, "truck": 0.07}


@dataclass(frozen=True)
class _Look:
    plate: str
    colour: str
    body: str
    legibility: float


def _plate(rng: random.Random) -> str:
    serial = f"{rng.randrange(1000, 10000)}"
    if rng.random() < 0.06:
        return f"{rng.randrange(10, 100)}{rng.choice(_COMMERCIAL)}{serial}"
    klass = rng.randrange(100, 700) if rng.random() < 0.6 else rng.randrange(10, 70)
    return f"{klass}{rng.choice(_SYLLABLES)}{serial}"


def _one_away(rng: random.Random, plate: str) -> str:
    for _ in range(20):
        k = rng.randrange(len(plate))
        ch = plate[k]
        if rng.random() < 0.5 and ch in _CLOSE:
            new = rng.choice([c for c in _CLOSE[ch] if c.isdigit() == ch.isdigit()] or [ch])
        elif ch.isdigit():
            new = rng.choice("0123456789")
        else:
            new = rng.choice(_SYLLABLES)
        if new != ch and not (k == 0 and new == "0"):
            return plate[:k] + new + plate[k + 1 :]
    return plate


def _misread(rng: random.Random, plate: str) -> str:
    kind = rng.random()
    digits = [k for k, c in enumerate(plate) if c.isdigit()]
    if kind < 0.45:  # a visually close character
        k = rng.choice([k for k, c in enumerate(plate) if c in _CLOSE])
        options = [c for c in _CLOSE[plate[k]] if c.isdigit() == plate[k].isdigit()]
        return plate[:k] + rng.choice(options) + plate[k + 1 :] if options else plate
    if kind < 0.65:  # any digit
        k = rng.choice(digits)
        return plate[:k] + rng.choice("0123456789") + plate[k + 1 :]
    if kind < 0.8:  # the last digit cut at the frame's edge
        return plate[:-1]
    if kind < 0.9:  # the first class digit lost
        return plate[1:]
    return _misread(rng, _misread(rng, plate))


class RingCity:
    """Generator C's city and its traffic."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.graph: nx.DiGraph[str] = nx.DiGraph()
        self.points: dict[str, GeoPoint] = {"c": GeoPoint(*CENTRE)}
        self._build()
        nodes = sorted(self.points)
        self.crossings = [n for n in nodes if not n.startswith("m")]
        self.cameras = {
            f"ring-{n}": self.points[n]
            for n in nodes
            if n.startswith("m") or self.rng.random() < CAMERA_SHARE
        }
        self.number = 0

    def _point(self, radius_km: float, angle: float) -> GeoPoint:
        lat = CENTRE[0] + radius_km * math.cos(angle) / 111.0
        lon = CENTRE[1] + radius_km * math.sin(angle) / (111.0 * math.cos(math.radians(CENTRE[0])))
        return GeoPoint(lat, lon)

    def _road(self, a: str, b: str, kmh: float) -> None:
        metres = distance_m(self.points[a], self.points[b])
        self.graph.add_edge(a, b, s=metres / (kmh / 3.6))
        self.graph.add_edge(b, a, s=metres / (kmh / 3.6))

    def _build(self) -> None:
        for r, radius in enumerate(RINGS_KM):
            for k in range(RADIALS):
                self.points[f"r{r}-{k}"] = self._point(radius, 2 * math.pi * k / RADIALS)
        for r in range(len(RINGS_KM)):
            for k in range(RADIALS):
                self._road(f"r{r}-{k}", f"r{r}-{(k + 1) % RADIALS}", RING_KMH)
        for k in range(RADIALS):
            inner = "c"
            for r, radius in enumerate(RINGS_KM):
                before = 0.0 if inner == "c" else RINGS_KM[r - 1]
                mid = f"m{r}-{k}"
                self.points[mid] = self._point((before + radius) / 2, 2 * math.pi * k / RADIALS)
                self._road(inner, mid, RADIAL_KMH)
                self._road(mid, f"r{r}-{k}", RADIAL_KMH)
                inner = f"r{r}-{k}"

    def _colour(self) -> str:
        return self.rng.choices(list(_COLOURS), weights=list(_COLOURS.values()))[0]

    def _body(self) -> str:
        return self.rng.choices(list(_TYPES), weights=list(_TYPES.values()))[0]

    def _seen_colour(self, colour: str, night: bool) -> str | None:
        rng = self.rng
        if night:
            if rng.random() < 0.5:
                return None
            return _NIGHT.get(colour, "black")
        roll = rng.random()
        if roll < 0.1:
            return None
        if roll < 0.1 + 0.9 * 0.82:
            return colour
        return rng.choice(_NEXT_TO[colour])

    def _seen_body(self, body: str) -> str | None:
        roll = self.rng.random()
        if roll < 0.15:
            return None
        if roll < 0.15 + 0.85 * 0.9:
            return body
        if body in ("car", "suv") and self.rng.random() < 0.8:
            return "suv" if body == "car" else "car"
        return self.rng.choice(list(_TYPES))

    def trip(self, corpus: JourneyCorpus, vehicle: int, look: _Look) -> None:
        rng = self.rng
        a, b = rng.sample(self.crossings, 2)
        path = nx.shortest_path(self.graph, a, b, weight="s")
        t = rng.uniform(0, DURATION_S)
        pace = rng.uniform(0.6, 1.2)
        previous = path[0]
        for node in path:
            if node != previous:
                slow = 0.6 if t < RUSH_S or t > DURATION_S - RUSH_S else 1.0
                t += self.graph[previous][node]["s"] / (pace * slow)
                previous = node
            camera = f"ring-{node}"
            if camera not in self.cameras or rng.random() >= READ_PROBABILITY:
                continue
            night = (t / DURATION_S) > 1.0 - NIGHT_SHARE
            quality = look.legibility * (0.75 if night else 1.0) * (1.0 - 0.1 * (pace > 1.0))
            last: str | None = None
            for frame in range(rng.randint(1, 4)):
                if last is not None and last != look.plate and rng.random() < 0.7:
                    text = last
                elif rng.random() < (1.0 - quality) * 0.6:
                    text = _misread(rng, look.plate)
                else:
                    text = look.plate
                last = text
                right = text == look.plate
                centre = quality if right else quality - 0.12
                spread = 0.08 if right else 0.12
                confidence = min(0.999, max(0.05, rng.gauss(centre, spread)))
                alternatives: list[Alternative] = []
                if confidence < 0.8:
                    rest = 1.0 - confidence
                    if not right and rng.random() < 0.5:
                        alternatives.append(Alternative(look.plate, round(rest * 0.6, 3)))
                    for _ in range(rng.randint(1, 2) - len(alternatives)):
                        alternatives.append(
                            Alternative(_misread(rng, look.plate), round(rest * 0.2, 3))
                        )
                self.number += 1
                corpus.reads.append(
                    Read(
                        f"c{self.number}",
                        camera,
                        round(t + frame * 0.3, 3),
                        text,
                        round(confidence, 3),
                        [a for a in alternatives if a.plate != text],
                        vehicle_colour=self._seen_colour(look.colour, night),
                        vehicle_type=self._seen_body(look.body),
                    )
                )
                corpus.vehicle_of.append(vehicle)

    def _look(self, plate: str, colour: str | None = None) -> _Look:
        legibility = min(0.995, self.rng.betavariate(6, 1.5) * 0.25 + 0.75)
        return _Look(plate, colour or self._colour(), self._body(), legibility)

    def corpus(self, entries: int, reads: int) -> JourneyCorpus:
        rng = self.rng
        corpus = JourneyCorpus(
            name="C: ring-and-radial city",
            how=__doc__ or "",
            entries=[],
            cameras=dict(self.cameras),
            vehicles=[],
        )
        taken: set[str] = set()
        for k in range(entries):
            plate = _plate(rng)
            while plate in taken:
                plate = _plate(rng)
            taken.add(plate)
            look = self._look(plate)
            entry_id = f"c-w{k}"
            corpus.entries.append(
                HotlistEntry(
                    entry_id,
                    plate,
                    colour=look.colour if rng.random() < 0.75 else None,
                    vehicle_type=look.body if rng.random() < 0.65 else None,
                )
            )
            corpus.vehicles.append(Vehicle(plate, Role.WANTED, entry_id))
            self.trip(corpus, len(corpus.vehicles) - 1, look)
            if rng.random() < NEIGHBOUR_SHARE:
                for _ in range(rng.randint(1, 3)):
                    other = _one_away(rng, plate)
                    if other in taken or other == plate:
                        continue
                    taken.add(other)
                    same = look.colour if rng.random() < 0.35 else None
                    near = self._look(other, same)
                    corpus.vehicles.append(Vehicle(other, Role.NEIGHBOUR, entry_id))
                    for _ in range(rng.randint(1, 4)):
                        self.trip(corpus, len(corpus.vehicles) - 1, near)
        while len(corpus.reads) < reads:
            plate = _plate(rng)
            if plate in taken:
                continue
            corpus.vehicles.append(Vehicle(plate, Role.BACKGROUND))
            self.trip(corpus, len(corpus.vehicles) - 1, self._look(plate))
        corpus.sort()
        return corpus


def rings_corpus(entries: int, reads: int, seed: int) -> JourneyCorpus:
    """Generator C's corpus with about ``reads`` reads."""
    return RingCity(seed).corpus(entries, reads)
