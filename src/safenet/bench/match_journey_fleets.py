"""Journey generator D: taxi and rental fleets with consecutive serials, two camera vendors.

Written apart from generators A-C and from the decision chain (issue 17): it uses
only the corpus interface (:mod:`safenet.bench.match_journey`) and its own
choices, stated here, and was run as written.

- the city: a 12 x 10 km box (centred on 36.35 N, 127.38 E) crossed by 18
  straight arterial roads at random positions and angles; a camera site every
  500-1,500 m along each road; 20 % of sites have a *paired* camera 30-80 m
  further on the same road that reads the same pass. The box is cut into six
  districts (3 x 2).
- the day: 06:00-24:00; night is before 07:00 and from 19:00. Each district has
  0-3 *rain spells* of 20 minutes: every camera in it misreads three times as
  often and misses more passes while it rains.
- driving: a trip is 1-3 legs; a leg runs 2-8 camera sites along one road in one
  direction at 20-60 km/h (x 1.2 at night), losing 0-40 s at lights between
  sites; the next leg starts at one of the three nearest sites on another road,
  reached at 60 % of the leg's speed plus 30-240 s of side streets.
- fleets: taxi fleets (regional commercial plates, ``서울31사1234`` style, one
  region, class and syllable per fleet) and rental fleets (national plates with
  하/허/호) of 20-40 cars with CONSECUTIVE serials, one colour and one body type
  per fleet (taxis orange, white or silver; rentals white, black, grey or
  silver), each car driving 8-16 trips spread over the whole day (a corpus of
  fewer than 1M reads scales the trips down, at least one). 25 % of the
  entries are taxi-fleet cars and 15 % rental-fleet cars; every fleet-mate one
  character away from a wanted fleet car (a serial one digit off) is that
  entry's NEIGHBOUR -- same colour, same type, all day on the same roads.
- private cars: national plates (3-digit class 80 %, 2-digit 20 %; body type
  from the class: car 62 %, SUV 28 % in the passenger range, van 7 % in 70s /
  700s, truck 3 % in 80s / 800s); wanted private cars drive 2 trips; 12 % of
  them have a NEIGHBOUR whose syllable is a vowel sibling (가/거/고/구,
  하/허/호, ...) or whose serial differs in one digit, the same colour half the
  time, driving 3 trips. Background cars drive 1-2 trips. Any generated car
  whose plate is one substitution, insertion or deletion away from an entry's
  plate (or the same characters with one moved) is labelled NEIGHBOUR of the
  first such entry (never BACKGROUND); no car repeats an entry's plate.
- two camera vendors, drawn per camera: vendor K (55 %) reports up to three
  alternatives and fairly honest confidences; vendor N (45 %) never reports
  alternatives and is overconfident: 40 % of its misreads come at 0.90-0.98.
  A paired camera has the other vendor half the time.
- OCR noise, per frame: misread probability 5 % (K) or 7 % (N), x 1.6 at night,
  x 3 in rain, x 3 for the 6 % of cars with dirty or bent plates (capped at
  60 %). A misread is: one digit confused by this generator's own table
  (8->6/3/0/9, 6->8/5, 3->8, 0->8/6/9, 1->7/4, 7->1, 5->6/3, 2->7/3, 4->1,
  9->8/0) 45 %; a Hangul vowel sibling 20 %; an inserted class digit
  (``123가4567`` read ``1123가4567``; a 2-digit class gains a leading digit)
  8 %; a dropped character 7 %; the region missing on regional plates 10 %
  (else a digit); two digits confused 10 %. 15 % of cameras have a *habit*: a
  digit pair they confuse at night half the time that digit is on the plate,
  on top of the random misreads.
- passes: a site's camera reads a pass with probability 0.9 by day, 0.8 at
  night, 0.7 in rain; one frame (70 %) or two 0.4 s apart (30 %), the second
  repeating the first's misread 70 % of the time; a paired camera repeats the
  first camera's misread 60 % of the time (same glare, same dirt), else draws
  its own.
- confidences: K right 0.75-0.99, K wrong 0.40-0.85; N right 0.85-0.99, N wrong
  0.90-0.98 (40 %) or 0.60-0.90. K alternatives: after a misread the true
  plate is among them 75 % of the time; after a right read, 40 % carry one or
  two confusions; scores below the read's confidence.
- colour and type, this generator's own noise: vendor K reports colour 80 % of
  the time in English codes (``white``), vendor N 60 % in Korean words
  (``흰색``); right 85 % by day, 60 % at night, a wrong word drawn from the
  same brightness group (white/silver/grey/beige or black/navy/grey/brown) 80 %
  of the time, else any colour. Type reported 70 % (K) / 50 % (N): car and SUV
  swapped 10 %, van and SUV 5 %, truck and van 5 %. Entries carry the colour
  75 % and the type 65 % of the time.
- size: wanted cars, their neighbours and the fleets first; then background
  cars until the reads reach the asked number.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from safenet.bench.match_journey import JourneyCorpus, Role, Vehicle
from safenet.matching import Alternative, HotlistEntry, Read
from safenet.tracking import GeoPoint

LAT0, LON0 = 36.35, 127.38
WIDTH_M, HEIGHT_M = 12_000.0, 10_000.0
ROADS = 18
DAY_START_S, DAY_END_S = 6 * 3600.0, 24 * 3600.0
NIGHT_BEFORE_S, NIGHT_FROM_S = 7 * 3600.0, 19 * 3600.0
BASE_TS = 1_772_377_200.0  # 2026-03-02 00:00 KST
TAXI_SHARE, RENTAL_SHARE = 0.25, 0.15
PRIVATE_NEIGHBOUR_SHARE = 0.12
DIRTY = 0.06
PAIRED = 0.20
FULL_DAY_READS = 1_000_000  # below this size, fleet cars drive proportionally fewer trips
HABIT = 0.15
_PRIVATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
_TAXI_SYLLABLES = "바사아자"
_RENTAL_SYLLABLES = "하허호"
_REGIONS = ("서울", "대전", "세종", "충남", "충북")
_VOWEL_GROUPS = (
    "가거고구", "나너노누", "다더도두", "라러로루", "마머모무", "바버보부",
    "사서소수", "아어오우", "자저조주", "하허호",
)  # fmt: skip
_SIBLINGS = {ch: group.replace(ch, "") for group in _VOWEL_GROUPS for ch in group}
_DIGIT_CONFUSION = {
    "8": "6309", "6": "85", "3": "8", "0": "869", "1": "74",
    "7": "1", "5": "63", "2": "73", "4": "1", "9": "80",
}  # fmt: skip
_LIGHT = ("white", "silver", "grey", "beige")
_DARK = ("black", "navy", "grey", "brown")
_ALL_COLOURS = ("white", "silver", "grey", "black", "navy", "blue", "red", "brown", "beige")
_COLOUR_SHARES = (30, 15, 14, 18, 5, 5, 5, 4, 4)
_KO_COLOUR = {
    "white": "흰색", "silver": "은색", "grey": "회색", "black": "검정", "navy": "남색",
    "blue": "파랑", "red": "빨강", "brown": "갈색", "beige": "베이지", "orange": "주황",
}  # fmt: skip
_KO_BODY = {"car": "승용", "suv": "SUV", "van": "승합", "truck": "화물"}
_BODY_SWAPS = {"car": ("suv", 0.10), "suv": ("car", 0.10), "van": ("suv", 0.05)}


@dataclass(frozen=True, slots=True)
class _Camera:
    id: str
    x: float
    y: float
    district: int
    vendor: str  # "K" (alternatives, honest) or "N" (no alternatives, overconfident)
    habit: tuple[str, str] | None


@dataclass(frozen=True, slots=True)
class _Site:
    road: int
    along: float  # metres from the road's start
    camera: _Camera
    twin: _Camera | None
    twin_gap_m: float


@dataclass(frozen=True, slots=True)
class _Look:
    plate: str
    colour: str
    body: str
    dirty: bool
    fleet: bool


@dataclass
class _Counts:
    reads: int = 0
    number: int = 0
    rain: dict[int, list[tuple[float, float]]] = field(default_factory=dict)


def _one_away_keys(plate: str) -> set[str]:
    """Keys two plates share when one substitution, insertion or deletion apart."""
    keys = {plate[:i] + "?" + plate[i + 1 :] for i in range(len(plate))}
    keys |= {plate[:i] + plate[i + 1 :] for i in range(len(plate))}
    keys.add(plate)
    return keys


class FleetCity:
    """Generator D's city, fleets and cameras; :meth:`corpus` makes one corpus."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sites: list[list[_Site]] = []
        self.counts = _Counts()
        self._build_roads()
        self._nearest = self._near_sites()
        for district in range(6):
            spells = []
            for _ in range(self.rng.randint(0, 3)):
                start = self.rng.uniform(DAY_START_S, DAY_END_S - 1200.0)
                spells.append((start, start + 1200.0))
            self.counts.rain[district] = spells

    # -- the city -----------------------------------------------------------------

    def _camera(self, name: str, x: float, y: float, vendor: str | None = None) -> _Camera:
        rng = self.rng
        district = min(2, int(x / (WIDTH_M / 3))) + 3 * min(1, int(y / (HEIGHT_M / 2)))
        chosen = vendor or ("K" if rng.random() < 0.55 else "N")
        habit = None
        if rng.random() < HABIT:
            a = rng.choice("0135689")
            habit = (a, rng.choice(_DIGIT_CONFUSION[a]))
        return _Camera(name, x, y, district, chosen, habit)

    def _build_roads(self) -> None:
        rng = self.rng
        for r in range(ROADS):
            cx, cy = rng.uniform(0, WIDTH_M), rng.uniform(0, HEIGHT_M)
            angle = rng.uniform(0, math.pi)
            dx, dy = math.cos(angle), math.sin(angle)
            # the segment of the line inside the box
            ts = []
            for t in (-30_000.0 + k * 50.0 for k in range(1201)):
                x, y = cx + dx * t, cy + dy * t
                if 0 <= x <= WIDTH_M and 0 <= y <= HEIGHT_M:
                    ts.append(t)
            if len(ts) < 2:
                continue
            t0, t1 = ts[0], ts[-1]
            sites: list[_Site] = []
            along = rng.uniform(100, 600)
            while along < t1 - t0:
                x, y = cx + dx * (t0 + along), cy + dy * (t0 + along)
                camera = self._camera(f"D{r:02d}-{len(sites):02d}", x, y)
                twin = None
                gap = 0.0
                if rng.random() < PAIRED:
                    gap = rng.uniform(30, 80)
                    vendor = camera.vendor if rng.random() < 0.5 else "NK"[camera.vendor == "N"]
                    twin = self._camera(camera.id + "b", x + dx * gap, y + dy * gap, vendor=vendor)
                sites.append(_Site(r, along, camera, twin, gap))
                along += rng.uniform(500, 1500)
            if len(sites) >= 2:
                self.sites.append(sites)

    def _near_sites(self) -> dict[tuple[int, int], list[tuple[int, int]]]:
        flat = [(r, k, s.camera.x, s.camera.y) for r, road in enumerate(self.sites)
                for k, s in enumerate(road)]  # fmt: skip
        near: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for r, k, x, y in flat:
            others = sorted(
                (math.hypot(x - ox, y - oy), orr, ok) for orr, ok, ox, oy in flat if orr != r
            )
            near[(r, k)] = [(orr, ok) for _, orr, ok in others[:3]]
        return near

    def cameras(self) -> dict[str, GeoPoint]:
        """Every camera's position."""
        out: dict[str, GeoPoint] = {}
        cos = math.cos(math.radians(LAT0))
        for road in self.sites:
            for site in road:
                for cam in (site.camera, site.twin):
                    if cam is not None:
                        out[cam.id] = GeoPoint(
                            LAT0 + (cam.y - HEIGHT_M / 2) / 111_320.0,
                            LON0 + (cam.x - WIDTH_M / 2) / (111_320.0 * cos),
                        )
        return out

    # -- noise --------------------------------------------------------------------

    def _night(self, t: float) -> bool:
        return t < NIGHT_BEFORE_S or t >= NIGHT_FROM_S

    def _raining(self, district: int, t: float) -> bool:
        return any(a <= t < b for a, b in self.counts.rain[district])

    def _misread(self, plate: str, regional: bool) -> str:
        rng = self.rng
        roll = rng.random()
        digits = [i for i, ch in enumerate(plate) if ch.isdigit()]
        syllable = next((i for i in range(digits[0], len(plate)) if not plate[i].isdigit()), -1)
        if roll < 0.20 and syllable >= 0 and plate[syllable] in _SIBLINGS:
            return plate[:syllable] + rng.choice(_SIBLINGS[plate[syllable]]) + plate[syllable + 1 :]
        if roll < 0.28:
            start = 2 if regional else 0
            return plate[:start] + rng.choice("123456789") + plate[start:]
        if roll < 0.35:
            i = rng.randrange(len(plate))
            return plate[:i] + plate[i + 1 :]
        if roll < 0.45 and regional:
            return plate[2:]
        times = 2 if roll >= 0.90 else 1
        out = plate
        for i in rng.sample(digits, times):
            out = out[:i] + rng.choice(_DIGIT_CONFUSION[out[i]]) + out[i + 1 :]
        return out

    def _frame(
        self, look: _Look, cam: _Camera, t: float, repeat: str | None, repeat_p: float
    ) -> str:
        """The text one frame reads: the repeated misread, a habit, a fresh misread or right."""
        rng = self.rng
        if repeat is not None and repeat != look.plate and rng.random() < repeat_p:
            return repeat
        night = self._night(t)
        text = look.plate
        if cam.habit is not None and night and cam.habit[0] in text and rng.random() < 0.5:
            i = text.index(cam.habit[0])
            text = text[:i] + cam.habit[1] + text[i + 1 :]
        p = 0.05 if cam.vendor == "K" else 0.07
        p *= 1.6 if night else 1.0
        p *= 3.0 if self._raining(cam.district, t) else 1.0
        p *= 3.0 if look.dirty else 1.0
        if rng.random() < min(0.6, p):
            text = self._misread(text, regional=not text[0].isdigit())
        return text

    def _confidence(self, cam: _Camera, right: bool) -> float:
        u = self.rng.uniform
        if cam.vendor == "K":
            return round(u(0.75, 0.99) if right else u(0.40, 0.85), 3)
        if right:
            return round(u(0.85, 0.99), 3)
        return round(u(0.90, 0.98) if self.rng.random() < 0.4 else u(0.60, 0.90), 3)

    def _alternatives(self, look: _Look, text: str, confidence: float) -> list[Alternative]:
        rng = self.rng
        out: list[str] = []
        if text != look.plate and rng.random() < 0.75:
            out.append(look.plate)
        if text == look.plate and rng.random() >= 0.4:
            return []
        for _ in range(rng.randint(1, 2)):
            other = self._misread(look.plate, regional=not look.plate[0].isdigit())
            if other not in out and other != text:
                out.append(other)
        rng.shuffle(out)
        scores = sorted((rng.uniform(0.05, confidence * 0.95) for _ in out), reverse=True)
        return [Alternative(a, round(s, 3)) for a, s in zip(out[:3], scores, strict=False)]

    def _colour_word(self, cam: _Camera, colour: str, t: float) -> str | None:
        rng = self.rng
        if rng.random() >= (0.8 if cam.vendor == "K" else 0.6):
            return None
        seen = colour
        if rng.random() >= (0.6 if self._night(t) else 0.85):
            group = _LIGHT if colour in _LIGHT else _DARK if colour in _DARK else _ALL_COLOURS
            seen = rng.choice(group if rng.random() < 0.8 else _ALL_COLOURS)
        return seen if cam.vendor == "K" else _KO_COLOUR[seen]

    def _body_word(self, cam: _Camera, body: str) -> str | None:
        rng = self.rng
        if rng.random() >= (0.7 if cam.vendor == "K" else 0.5):
            return None
        seen = body
        swap = _BODY_SWAPS.get(body)
        if swap is not None and rng.random() < swap[1]:
            seen = swap[0]
        elif body in ("truck", "van") and rng.random() < 0.05:
            seen = "van" if body == "truck" else "truck"
        return seen if cam.vendor == "K" else _KO_BODY[seen]

    def _emit(
        self, corpus: JourneyCorpus, vehicle: int, look: _Look, cam: _Camera, t: float, text: str
    ) -> None:
        right = text == look.plate
        confidence = self._confidence(cam, right)
        alternatives = self._alternatives(look, text, confidence) if cam.vendor == "K" else []
        self.counts.number += 1
        corpus.reads.append(
            Read(
                f"d{self.counts.number}",
                cam.id,
                round(BASE_TS + t, 3),
                text,
                confidence,
                alternatives,
                vehicle_colour=self._colour_word(cam, look.colour, t),
                vehicle_type=self._body_word(cam, look.body),
            )
        )
        corpus.vehicle_of.append(vehicle)

    def _pass(
        self, corpus: JourneyCorpus, vehicle: int, look: _Look, site: _Site, t: float, speed: float
    ) -> None:
        """The reads one camera site makes of one pass (its pair camera included)."""
        rng = self.rng
        cam = site.camera
        rain = self._raining(cam.district, t)
        seen = 0.7 if rain else 0.8 if self._night(t) else 0.9
        first: str | None = None
        if rng.random() < seen:
            first = self._frame(look, cam, t, None, 0.0)
            self._emit(corpus, vehicle, look, cam, t, first)
            if rng.random() < 0.3:
                self._emit(
                    corpus, vehicle, look, cam, t + 0.4, self._frame(look, cam, t, first, 0.7)
                )
        if site.twin is not None and rng.random() < seen:
            t2 = t + site.twin_gap_m / speed
            text = self._frame(look, site.twin, t2, first, 0.6)
            self._emit(corpus, vehicle, look, site.twin, t2, text)

    # -- driving ------------------------------------------------------------------

    def trip(self, corpus: JourneyCorpus, vehicle: int, look: _Look, start: float) -> float:
        """One trip from ``start`` (seconds of the day); returns when it ends."""
        rng = self.rng
        road = rng.randrange(len(self.sites))
        k = rng.randrange(len(self.sites[road]))
        t = start
        for leg in range(rng.randint(1, 3)):
            sites = self.sites[road]
            step = rng.choice((-1, 1))
            if not 0 <= k + step < len(sites):
                step = -step
            speed = rng.uniform(20, 60) / 3.6 * (1.2 if self._night(t) else 1.0)
            for _ in range(rng.randint(2, 8)):
                if t >= DAY_END_S:
                    return t
                self._pass(corpus, vehicle, look, sites[k], t, speed)
                if not 0 <= k + step < len(sites):
                    break
                t += abs(sites[k + step].along - sites[k].along) / speed + rng.uniform(0, 40)
                k += step
            if leg < 2:
                here = sites[k].camera
                road, k = rng.choice(self._nearest[(road, k)])
                there = self.sites[road][k].camera
                t += math.hypot(here.x - there.x, here.y - there.y) / (speed * 0.6)
                t += rng.uniform(30, 240)
        return t

    # -- vehicles -----------------------------------------------------------------

    def _private_plate(self) -> tuple[str, str]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.90:
            body = "car" if roll < 0.62 else "suv"
            cls = rng.randint(100, 699) if rng.random() < 0.8 else rng.randint(10, 69)
        elif roll < 0.97:
            body = "van"
            cls = rng.randint(700, 799) if rng.random() < 0.8 else rng.randint(70, 79)
        else:
            body = "truck"
            cls = rng.randint(800, 979) if rng.random() < 0.8 else rng.randint(80, 97)
        return f"{cls}{rng.choice(_PRIVATE)}{rng.randint(1000, 9999)}", body

    def _colour(self) -> str:
        return self.rng.choices(_ALL_COLOURS, weights=_COLOUR_SHARES)[0]

    def _fleet(self, taxi: bool, size: int) -> tuple[list[str], str, str]:
        rng = self.rng
        first = rng.randint(1000, 9999 - size)
        if taxi:
            head = f"{rng.choice(_REGIONS)}{rng.randint(10, 39)}{rng.choice(_TAXI_SYLLABLES)}"
            colour = rng.choice(("orange", "white", "silver"))
            body = "car"
        else:
            head = f"{rng.randint(100, 699)}{rng.choice(_RENTAL_SYLLABLES)}"
            colour = rng.choice(("white", "black", "grey", "silver"))
            body = rng.choice(("car", "car", "suv"))
        return [f"{head}{first + i}" for i in range(size)], colour, body

    def corpus(self, entries_count: int, reads: int) -> JourneyCorpus:
        """Entries, fleets, neighbours, then background until about ``reads`` reads."""
        rng = self.rng
        corpus = JourneyCorpus(
            name="D: fleets, two vendors",
            how=__doc__ or "",
            entries=[],
            cameras=self.cameras(),
            vehicles=[],
        )
        n_taxi = round(entries_count * TAXI_SHARE)
        n_rental = round(entries_count * RENTAL_SHARE)
        taken: set[str] = set()
        fleet_looks: list[_Look] = []
        wanted_fleet: list[_Look] = []
        for taxi, wanted_n in ((True, n_taxi), (False, n_rental)):
            fleets: list[tuple[list[str], str, str]] = []
            while sum(len(f[0]) for f in fleets) < max(wanted_n * 5, 20 if wanted_n else 0):
                plates, colour, body = self._fleet(taxi, rng.randint(20, 40))
                if taken.isdisjoint(plates):
                    taken.update(plates)
                    fleets.append((plates, colour, body))
            looks = [
                _Look(p, colour, body, rng.random() < DIRTY, True)
                for plates, colour, body in fleets
                for p in plates
            ]
            fleet_looks += looks
            wanted_fleet += rng.sample(looks, min(wanted_n, len(looks)))
        private_wanted: list[_Look] = []
        while len(wanted_fleet) + len(private_wanted) < entries_count:
            plate, body = self._private_plate()
            if plate not in taken:
                taken.add(plate)
                private_wanted.append(
                    _Look(plate, self._colour(), body, rng.random() < DIRTY, False)
                )
        wanted = wanted_fleet + private_wanted
        entry_of: dict[str, str] = {}
        key_owner: dict[str, str] = {}
        for i, look in enumerate(wanted):
            entry_id = f"e{i}"
            entry_of[look.plate] = entry_id
            for key in _one_away_keys(look.plate):
                key_owner.setdefault(key, entry_id)
            known_colour = look.colour if rng.random() < 0.75 else None
            known_body = look.body if rng.random() < 0.65 else None
            corpus.entries.append(
                HotlistEntry(entry_id, look.plate, colour=known_colour, vehicle_type=known_body)
            )

        def role_of(plate: str) -> tuple[Role, str | None]:
            if plate in entry_of:
                return Role.WANTED, entry_of[plate]
            for key in _one_away_keys(plate):
                if key in key_owner:
                    return Role.NEIGHBOUR, key_owner[key]
            return Role.BACKGROUND, None

        def add(look: _Look, trips: int) -> None:
            role, entry_id = role_of(look.plate)
            corpus.vehicles.append(Vehicle(look.plate, role, entry_id))
            vehicle = len(corpus.vehicles) - 1
            if look.fleet:  # all day: trips spread over the day with breaks between
                t = rng.uniform(DAY_START_S, DAY_START_S + 3600.0)
                for _ in range(trips):
                    t = self.trip(corpus, vehicle, look, t) + rng.uniform(300, 3600)
                    if t >= DAY_END_S:
                        break
                return
            for _ in range(trips):
                self.trip(corpus, vehicle, look, rng.uniform(DAY_START_S, DAY_END_S - 1800.0))

        scale = min(1.0, reads / FULL_DAY_READS)
        for look in fleet_looks:
            add(look, max(1, round(rng.randint(8, 16) * scale)))
        for look in private_wanted:
            add(look, 2)
            if rng.random() < PRIVATE_NEIGHBOUR_SHARE:
                near = self._private_neighbour(look.plate)
                if near not in taken:
                    taken.add(near)
                    colour = look.colour if rng.random() < 0.5 else self._colour()
                    add(_Look(near, colour, look.body, rng.random() < DIRTY, False), 3)
        while len(corpus.reads) < reads:
            plate, body = self._private_plate()
            if plate in taken:
                continue
            taken.add(plate)
            add(_Look(plate, self._colour(), body, rng.random() < DIRTY, False), rng.randint(1, 2))
        corpus.sort()
        return corpus

    def _private_neighbour(self, plate: str) -> str:
        rng = self.rng
        i = next(k for k, ch in enumerate(plate) if not ch.isdigit())
        if rng.random() < 0.5:
            choices = [s for s in _SIBLINGS[plate[i]] if s in _PRIVATE]
            if choices:
                return plate[:i] + rng.choice(choices) + plate[i + 1 :]
        j = rng.randrange(i + 1, len(plate))
        digit = rng.choice([d for d in "0123456789" if d != plate[j] and (j > i + 1 or d != "0")])
        return plate[:j] + digit + plate[j + 1 :]


def fleets_corpus(entries: int, reads: int, seed: int) -> JourneyCorpus:
    """Generator D's corpus: ``entries`` wanted cars and about ``reads`` reads."""
    return FleetCity(seed).corpus(entries, reads)
