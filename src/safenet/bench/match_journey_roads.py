"""Journey generator B: real central-Seoul roads, the simulator's OCR noise, its own colour noise.

Written apart from generator A (:mod:`safenet.bench.match_journey_grid`) with
different choices on purpose, and never used to fit or choose anything:

- the city: the OpenStreetMap drive graph of central Seoul
  (``<data_dir>/roads/seoul_central_osm_drive.graphml``, © OpenStreetMap
  contributors, ODbL), its largest strongly connected part; a plate camera at 250
  junctions drawn at random; vehicles drive the fastest route between a random
  start (one of 60) and a random end at the roads' speed limits times a factor
  drawn per vehicle in 0.5-1.1 (traffic), losing 3-9 s per junction passed at
  lights (drawn per stretch between cameras); trips start at random in a 2-hour
  window. Without the road file, a synthetic
  graph between random points (``safenet.roads.synthetic_from_points``);
- plates: the simulator's background mix (:mod:`safenet.sim.plates_gen`: rental,
  commercial and delivery plates among private ones);
- OCR noise: the simulator's model (:mod:`safenet.sim.noise`, its default rates:
  Gaussian confidences, a quarter of regional plates read without their region,
  its own alternatives) -- not the per-read corpus's; 8 % of vehicles have plates
  read three times as badly; a camera reads a passing vehicle with probability
  0.85, once (80 %) or twice (20 %), each frame drawn independently;
- 10 % of entries have a neighbour car (the simulator's one-character misread
  variants of the plate, plain substitutions included), driving two trips;
- colour and type: vehicle colours from the simulator's Seoul shares
  (``safenet.sim.traffic.COLOURS``, Korean words); a camera reports the true word
  75 % of the time, otherwise a word drawn from the same shares, and nothing 20 %
  of the time -- no use of our confusion model; body types from the plate's class
  (passenger: sedan 65 %, SUV 35 %; van; truck), reported right 85 % of the time,
  else any of sedan/SUV/승합/화물/버스, nothing 25 % of the time; entries carry the
  colour 70 % and the type 60 % of the time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from safenet.bench.match_journey import JourneyCorpus, Role, Vehicle
from safenet.matching import Alternative, HotlistEntry, Read
from safenet.plates import Plate, VehicleType, parse
from safenet.roads import RoadDataError, RoadNetwork, synthetic_from_points
from safenet.roads.graphml import read_osmnx_graphml
from safenet.sim.noise import NoiseKind, NoiseModel, NoiseRates, misread_variants
from safenet.sim.plates_gen import random_plate
from safenet.sim.traffic import COLOURS
from safenet.tracking import GeoPoint

ROAD_FILE = Path("roads") / "seoul_central_osm_drive.graphml"
CAMERAS = 250
ORIGINS = 60
DURATION_S = 2 * 3600.0
READ_PROBABILITY = 0.85
SECOND_FRAME = 0.2
DIRTY = 0.08
NEIGHBOUR_SHARE = 0.10
_TYPE_WORDS = ("sedan", "SUV", "승합", "화물", "버스")
_NEIGHBOUR_KINDS = (NoiseKind.VOWEL, NoiseKind.CONSONANT, NoiseKind.DIGIT, NoiseKind.RANDOM)


def _network(data_dir: Path | None, rng: random.Random) -> tuple[RoadNetwork, str]:
    if data_dir is not None:
        try:
            return read_osmnx_graphml(data_dir / ROAD_FILE).largest_strongly_connected(), (
                "central Seoul OpenStreetMap roads"
            )
        except RoadDataError:
            pass
    points = [
        (f"p{i}", 37.55 + rng.uniform(0, 0.045), 126.95 + rng.uniform(0, 0.057)) for i in range(600)
    ]
    return synthetic_from_points(points, "synthetic stand-in").largest_strongly_connected(), (
        "a synthetic street graph (the road file was not found)"
    )


@dataclass(frozen=True, slots=True)
class _Look:
    plate: Plate
    colour: str
    body: str
    dirty: bool


class RoadCity:
    """Generator B's city and noise; :meth:`corpus` makes one corpus."""

    def __init__(self, seed: int, data_dir: Path | None) -> None:
        self.rng = random.Random(seed)
        self.network, self.source = _network(data_dir, self.rng)
        graph: Any = self.network.graph
        junctions = sorted((n for n in graph.nodes if graph.out_degree(n) >= 2), key=str)
        chosen = self.rng.sample(junctions, min(CAMERAS, len(junctions)))
        self.camera_at = {node: f"R{i:03d}" for i, node in enumerate(chosen)}
        fastest = nx.DiGraph()
        for u, v, data in graph.edges(data=True):
            t = float(data["travel_time_s"])
            if not fastest.has_edge(u, v) or t < fastest[u][v]["t"]:
                fastest.add_edge(u, v, t=t)
        nodes = sorted(graph.nodes, key=str)
        self.nodes = nodes
        # Fastest routes from a few starts: the tree gives every node's arrival time too.
        self.routes: dict[Any, tuple[dict[Any, float], dict[Any, list[Any]]]] = {}
        for origin in self.rng.sample(nodes, min(ORIGINS, len(nodes))):
            self.routes[origin] = nx.single_source_dijkstra(fastest, origin, weight="t")
        self.clean = NoiseModel(NoiseRates(), self.rng)
        base = NoiseRates()
        self.dirty = NoiseModel(
            NoiseRates(
                vowel=base.vowel * 3,
                consonant=base.consonant * 3,
                digit=base.digit * 3,
                dropped_class_digit=base.dropped_class_digit * 3,
                missing_region=min(0.5, base.missing_region * 2),
                random=base.random * 3,
            ),
            self.rng,
        )
        self.number = 0

    def _route(self) -> tuple[list[Any], dict[Any, float]]:
        origin = self.rng.choice(list(self.routes))
        arrival, paths = self.routes[origin]
        for _ in range(20):
            path = paths.get(self.rng.choice(self.nodes))
            if path and len(path) > 1:
                return path, arrival
        return [origin], arrival

    def trip(self, corpus: JourneyCorpus, vehicle: int, look: _Look) -> None:
        """One drive of a vehicle, with every read the cameras make of it."""
        rng = self.rng
        path, arrival = self._route()
        factor = rng.uniform(0.5, 1.1)
        start = rng.uniform(0, max(1.0, DURATION_S - arrival[path[-1]] / factor * 1.5))
        noise = self.dirty if look.dirty else self.clean
        waited = 0.0
        last = 0
        for k, node in enumerate(path):
            camera = self.camera_at.get(node)
            if camera is None:
                continue
            waited += (k - last) * rng.uniform(3, 9)
            last = k
            if rng.random() >= READ_PROBABILITY:
                continue
            t = start + arrival[node] / factor + waited
            for frame in range(2 if rng.random() < SECOND_FRAME else 1):
                noisy = noise.read(look.plate)
                self.number += 1
                corpus.reads.append(
                    Read(
                        f"b{self.number}",
                        camera,
                        round(t + frame * 0.5, 3),
                        noisy.plate,
                        noisy.confidence,
                        [Alternative(text, score) for text, score in noisy.alternatives],
                        vehicle_colour=self._seen_colour(look.colour),
                        vehicle_type=self._seen_type(look.body),
                    )
                )
                corpus.vehicle_of.append(vehicle)

    def _colour_word(self) -> str:
        return self.rng.choices(list(COLOURS), weights=list(COLOURS.values()))[0]

    def _seen_colour(self, colour: str) -> str | None:
        if self.rng.random() < 0.2:
            return None
        return colour if self.rng.random() < 0.75 else self._colour_word()

    def _body_word(self, plate: str) -> str:
        kind = parse(plate).vehicle_type
        if kind is VehicleType.VAN:
            return "승합"
        if kind in (VehicleType.TRUCK, VehicleType.SPECIAL):
            return "화물"
        return "sedan" if self.rng.random() < 0.65 else "SUV"

    def _seen_type(self, body: str) -> str | None:
        if self.rng.random() < 0.25:
            return None
        return body if self.rng.random() < 0.85 else self.rng.choice(_TYPE_WORDS)

    def _look(self, plate: str) -> _Look:
        return _Look(
            parse(plate), self._colour_word(), self._body_word(plate), self.rng.random() < DIRTY
        )

    def corpus(self, entries_count: int, background: int) -> JourneyCorpus:
        """Wanted cars, their neighbours and ``background`` other vehicles on the roads."""
        rng = self.rng
        taken: set[str] = set()
        wanted: list[str] = []
        while len(wanted) < entries_count:
            text = random_plate(rng).text
            if text not in taken:
                taken.add(text)
                wanted.append(text)
        graph: Any = self.network.graph
        corpus = JourneyCorpus(
            name="B: central Seoul roads",
            how=(__doc__ or "") + f"\nRoad network used: {self.source}.",
            entries=[],
            cameras={
                camera: GeoPoint(float(graph.nodes[n]["lat"]), float(graph.nodes[n]["lon"]))
                for n, camera in self.camera_at.items()
            },
            vehicles=[],
        )
        for i, plate in enumerate(wanted):
            entry_id = f"e{i}"
            look = self._look(plate)
            colour = look.colour if rng.random() < 0.7 and look.colour != "기타" else None
            body = look.body if rng.random() < 0.6 else None
            corpus.entries.append(HotlistEntry(entry_id, plate, colour=colour, vehicle_type=body))
            corpus.vehicles.append(Vehicle(plate, Role.WANTED, entry_id))
            self.trip(corpus, len(corpus.vehicles) - 1, look)
            if rng.random() < NEIGHBOUR_SHARE:
                options = misread_variants(parse(plate), rng.choice(_NEIGHBOUR_KINDS))
                options = [o for o in options if o not in taken]
                if not options:
                    continue
                near = rng.choice(options)
                taken.add(near)
                corpus.vehicles.append(Vehicle(near, Role.NEIGHBOUR, entry_id))
                n_look = self._look(near)
                for _ in range(2):
                    self.trip(corpus, len(corpus.vehicles) - 1, n_look)
        for _ in range(background):
            plate = random_plate(rng).text
            while plate in taken:
                plate = random_plate(rng).text
            corpus.vehicles.append(Vehicle(plate, Role.BACKGROUND))
            self.trip(corpus, len(corpus.vehicles) - 1, self._look(plate))
        corpus.sort()
        return corpus

    def reads_per_trip(self, samples: int = 300) -> float:
        """Mean reads of one trip, measured on sample routes."""
        total = 0.0
        state = self.rng.getstate()
        for _ in range(samples):
            path, _ = self._route()
            total += sum(1 for n in path if n in self.camera_at)
        self.rng.setstate(state)
        return total / samples * READ_PROBABILITY * (1 + SECOND_FRAME)


def roads_corpus(entries: int, reads: int, seed: int, data_dir: Path | None) -> JourneyCorpus:
    """Generator B's corpus with about ``reads`` reads."""
    city = RoadCity(seed, data_dir)
    background = max(0, int(reads / city.reads_per_trip()) - entries)
    return city.corpus(entries, background)
