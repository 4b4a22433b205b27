"""Journey generator A: a grid city, correlated OCR noise, colours from our confusion model.

How the corpus is made (every choice below is this generator's, stated so that
generator B can differ from it):

- the city: a 14 x 14 grid of streets 500 m apart (6.5 km square, around 서초구);
  a plate camera at 35 % of the junctions;
- vehicles: each drives one trip (wanted cars) or two (neighbours) or one
  (background) between random junctions, along a random staircase path, at
  20-60 km/h (drawn per vehicle), each block taking 0.8-1.5 times the free time
  (lights); trips start at random in a 3-hour window;
- a camera reads a passing vehicle with probability 0.92, in 1-3 frames (55/30/15 %)
  0.3-1.5 s apart;
- OCR noise, correlated: a vehicle's plate is poor (dirt, a bent plate) with
  probability 0.1, which multiplies its misread rate by 4, and it has one habitual
  misread it makes 60 % of the time it is misread; a pass is bad (night, angle)
  with probability 0.2 (misread rate x 2.5, lower confidence); a frame after a
  misread frame repeats the misread with probability 0.5. Base misread rate 4 %.
  Misread kinds and confidences as the per-read corpus
  (:mod:`safenet.bench.match_corpus`): right reads ``Beta(18, 1.5)`` (bad pass
  ``Beta(10, 2)``), misreads ``Beta(5, 3)``; alternatives below 0.85;
- the hotlist: random valid plates; each wanted car's colour and body type are
  drawn from the population shares, and the entry carries the colour 85 % of the
  time (5 % of those a close colour: silver for white, as a witness says it) and
  the type 75 %; 5 % of entries have a neighbour car one character away (75 % a
  look-alike swap, 25 % a plain digit), with its own colour and type;
- what cameras report of colour and type: drawn from
  :data:`safenet.vehicles.COLOUR_CONFUSION` / ``BODY_CONFUSION`` for the true
  colour and type; 12 % of reads carry no colour (half of a bad pass's), 15 % no type.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from safenet.bench.match_corpus import Misread, misread, random_plate
from safenet.bench.match_journey import JourneyCorpus, Role, Vehicle
from safenet.matching import Alternative, HotlistEntry, Read
from safenet.plates import lookalikes_of
from safenet.tracking import GeoPoint, destination_point
from safenet.vehicles import (
    BODY_CONFUSION,
    BODY_SHARES,
    COLOUR_CONFUSION,
    COLOUR_SHARES,
    BodyType,
    Colour,
)

GRID = 14
BLOCK_M = 500.0
CAMERA_SHARE = 0.35
DURATION_S = 3 * 3600.0
READ_PROBABILITY = 0.92
FRAMES = (0.55, 0.30, 0.15)
POOR_PLATE = 0.1
BAD_PASS = 0.2
BASE_MISREAD = 0.04
HABIT = 0.6
REPEAT_IN_PASS = 0.5
NEIGHBOUR_SHARE = 0.05
ORIGIN = GeoPoint(37.47, 127.00)
_KINDS = [Misread.VOWEL, Misread.CONSONANT, Misread.DIGIT, Misread.DROPPED, Misread.EDIT]
_CLOSE = {
    Colour.WHITE: Colour.SILVER,
    Colour.SILVER: Colour.GREY,
    Colour.GREY: Colour.SILVER,
    Colour.BLACK: Colour.NAVY,
    Colour.NAVY: Colour.BLACK,
    Colour.BLUE: Colour.NAVY,
}


@dataclass(frozen=True, slots=True)
class _Look:
    colour: Colour
    body: BodyType
    poor: bool
    habit: str | None  # the misread this vehicle's plate habitually gets


def _draw(shares: dict[Colour, float] | dict[BodyType, float], rng: random.Random) -> object:
    keys = list(shares)
    return rng.choices(keys, weights=[shares[k] for k in keys])[0]  # type: ignore[index]


def _neighbour(plate: str, rng: random.Random) -> str | None:
    """A different valid plate one character away: usually a look-alike swap."""
    positions = [i for i, ch in enumerate(plate) if lookalikes_of(ch)]
    if positions and rng.random() < 0.75:
        i = rng.choice(positions)
        other = rng.choice(lookalikes_of(plate[i])).other(plate[i])
        return plate[:i] + other + plate[i + 1 :]
    digits = [i for i, ch in enumerate(plate) if ch.isdigit()]
    i = rng.choice(digits[-4:])  # the serial: any digit is valid there
    return plate[:i] + rng.choice([d for d in "0123456789" if d != plate[i]]) + plate[i + 1 :]


class GridCity:
    """Generator A's city and noise; :meth:`corpus` makes one corpus."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.nodes = {
            (x, y): destination_point(
                destination_point(ORIGIN, x * BLOCK_M, 90.0), y * BLOCK_M, 0.0
            )
            for x in range(GRID)
            for y in range(GRID)
        }
        self.camera_at = {
            node: f"G{node[0]:02d}{node[1]:02d}"
            for node in self.nodes
            if self.rng.random() < CAMERA_SHARE
        }
        self.number = 0

    def _look(self) -> _Look:
        rng = self.rng
        colour = _draw(COLOUR_SHARES, rng)
        body = _draw(BODY_SHARES, rng)
        assert isinstance(colour, Colour)
        assert isinstance(body, BodyType)
        return _Look(colour, body, rng.random() < POOR_PLATE, None)

    def _with_habit(self, plate: str, look: _Look) -> _Look:
        for _ in range(10):
            text = misread(plate, self.rng.choice(_KINDS), self.rng)
            if text is not None and text != plate:
                return _Look(look.colour, look.body, look.poor, text)
        return look

    def _path(self) -> list[tuple[int, int]]:
        rng = self.rng
        x, y = rng.randrange(GRID), rng.randrange(GRID)
        tx, ty = rng.randrange(GRID), rng.randrange(GRID)
        path = [(x, y)]
        while (x, y) != (tx, ty):
            if x != tx and (y == ty or rng.random() < 0.5):
                x += 1 if tx > x else -1
            else:
                y += 1 if ty > y else -1
            path.append((x, y))
        return path

    def _misread(self, plate: str, look: _Look) -> str:
        if look.habit is not None and self.rng.random() < HABIT:
            return look.habit
        for _ in range(10):
            text = misread(plate, self.rng.choice(_KINDS), self.rng)
            if text is not None and text != plate:
                return text
        return plate

    def trip(self, corpus: JourneyCorpus, vehicle: int, look: _Look) -> None:
        """One trip of a vehicle across the grid, with every read the cameras make of it."""
        rng = self.rng
        plate = corpus.vehicles[vehicle].plate
        speed = rng.uniform(20, 60) / 3.6
        path = self._path()
        t = rng.uniform(0, DURATION_S - len(path) * BLOCK_M / speed * 1.5)
        for step, node in enumerate(path):
            if step:
                t += BLOCK_M / speed * rng.uniform(0.8, 1.5)
            camera = self.camera_at.get(node)
            if camera is None or rng.random() >= READ_PROBABILITY:
                continue
            self._pass(corpus, vehicle, plate, look, camera, t)

    def _pass(
        self, corpus: JourneyCorpus, vehicle: int, plate: str, look: _Look, camera: str, t: float
    ) -> None:
        rng = self.rng
        bad = rng.random() < BAD_PASS
        rate = min(0.6, BASE_MISREAD * (4 if look.poor else 1) * (2.5 if bad else 1))
        frames = rng.choices((1, 2, 3), weights=FRAMES)[0]
        previous: str | None = None
        for frame in range(frames):
            if previous is not None and previous != plate and rng.random() < REPEAT_IN_PASS:
                text = previous
            elif rng.random() < rate:
                text = self._misread(plate, look)
            else:
                text = plate
            previous = text
            right = text == plate
            if right:
                confidence = rng.betavariate(10, 2) if bad else rng.betavariate(18, 1.5)
            else:
                confidence = rng.betavariate(5, 3)
            corpus.reads.append(
                self._read(plate, text, round(confidence, 3), camera, t + frame * 0.9, look, bad)
            )
            corpus.vehicle_of.append(vehicle)

    def _read(
        self,
        truth: str,
        text: str,
        confidence: float,
        camera: str,
        ts: float,
        look: _Look,
        bad: bool,
    ) -> Read:
        rng = self.rng
        self.number += 1
        alternatives: list[Alternative] = []
        if confidence < 0.85:
            room = 1.0 - confidence
            if text != truth and rng.random() < 0.6:
                share = round(room * rng.uniform(0.3, 0.8), 3)
                alternatives.append(Alternative(truth, share))
                room -= share
            for _ in range(rng.randint(1, 3) - len(alternatives)):
                other = misread(text, Misread.DIGIT, rng)
                if other is None or other in (truth, text):
                    continue
                share = round(room * rng.uniform(0.1, 0.4), 3)
                alternatives.append(Alternative(other, share))
                room -= share
        colour: str | None = None
        if rng.random() >= (0.5 if bad else 0.12):
            seen = _draw(COLOUR_CONFUSION[look.colour], rng)
            assert isinstance(seen, Colour)
            colour = seen.value
        body: str | None = None
        if rng.random() >= 0.15:
            seen_body = _draw(BODY_CONFUSION[look.body], rng)
            assert isinstance(seen_body, BodyType)
            body = seen_body.value
        return Read(
            f"a{self.number}",
            camera,
            round(ts, 3),
            text,
            confidence,
            alternatives,
            vehicle_colour=colour,
            vehicle_type=body,
        )

    def corpus(self, entries_count: int, background: int) -> JourneyCorpus:
        """Wanted cars, their neighbours and ``background`` other vehicles driving the grid."""
        rng = self.rng
        plates: set[str] = set()
        while len(plates) < entries_count:
            plates.add(random_plate(rng))
        wanted_plates = sorted(plates)
        rng.shuffle(wanted_plates)
        corpus = JourneyCorpus(
            name="A: grid city",
            how=__doc__ or "",
            entries=[],
            cameras={camera: self.nodes[node] for node, camera in self.camera_at.items()},
            vehicles=[],
        )
        taken = set(plates)
        for i, plate in enumerate(wanted_plates):
            entry_id = f"w{i}"
            look = self._with_habit(plate, self._look())
            colour = look.colour if rng.random() < 0.85 else None
            if colour is not None and rng.random() < 0.05:
                colour = _CLOSE.get(colour, colour)
            body = look.body if rng.random() < 0.75 else None
            corpus.entries.append(
                HotlistEntry(
                    entry_id,
                    plate,
                    colour=colour.value if colour else None,
                    vehicle_type=body.value if body else None,
                )
            )
            corpus.vehicles.append(Vehicle(plate, Role.WANTED, entry_id))
            self.trip(corpus, len(corpus.vehicles) - 1, look)
            if rng.random() < NEIGHBOUR_SHARE:
                near = _neighbour(plate, rng)
                if near is None or near in taken:
                    continue
                taken.add(near)
                corpus.vehicles.append(Vehicle(near, Role.NEIGHBOUR, entry_id))
                n_look = self._with_habit(near, self._look())
                for _ in range(2):
                    self.trip(corpus, len(corpus.vehicles) - 1, n_look)
        for _ in range(background):
            plate = random_plate(rng)
            while plate in taken:
                plate = random_plate(rng)
            corpus.vehicles.append(Vehicle(plate, Role.BACKGROUND))
            self.trip(corpus, len(corpus.vehicles) - 1, self._with_habit(plate, self._look()))
        corpus.sort()
        return corpus


def grid_corpus(entries: int, reads: int, seed: int) -> JourneyCorpus:
    """Generator A's corpus with about ``reads`` reads (background vehicles added to reach it)."""
    city = GridCity(seed)
    per_vehicle = _reads_per_trip(city)
    background = max(0, int(reads / per_vehicle) - entries)
    return city.corpus(entries, background)


def _reads_per_trip(city: GridCity) -> float:
    """Mean reads of one trip on this grid (Manhattan length x camera share x frames)."""
    mean_blocks = 2 * (GRID * GRID - 1) / (3 * GRID)  # mean |dx| + |dy| on a grid
    frames = sum((i + 1) * p for i, p in enumerate(FRAMES))
    share = len(city.camera_at) / len(city.nodes)
    return (mean_blocks + 1) * share * READ_PROBABILITY * frames
