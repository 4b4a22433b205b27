"""The traffic of the simulated city as a stream of camera reads in simulated time.

A discrete-event generator. Background vehicles with random valid plates appear
at random (a Poisson process) anywhere on the road networks that have cameras,
drive the fastest route to a random node at the roads' speeds times a personal
factor (0.7–1.1), and are read by the cameras they pass. How often they appear
is calibrated on sample routes so that the background reads per wall-clock
second across all cameras come close to the scenario's ``reads_per_s``; the
generator starts "warm" (vehicles already on the road at second 0). The
scenario's wanted vehicles drive their own routes. Each pass becomes a read with
probability ``read_probability``, through the OCR noise model.

Everything is drawn from random streams seeded by the scenario's seed, so one
seed always gives the same reads, ids included.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from safenet.plates import Plate
from safenet.roads import RoadNetwork
from safenet.sim.city import City
from safenet.sim.events import ReadEvent, ReadTruth, TruthStats
from safenet.sim.noise import NoiseModel, NoisyRead
from safenet.sim.passes import CameraIndex, Pass
from safenet.sim.plates_gen import PlateSource
from safenet.sim.scenario import Scenario
from safenet.sim.wanted_routes import WantedPlan, plan_wanted

logger = logging.getLogger(__name__)

SPEED_RANGE = (0.7, 1.1)
"""A background vehicle drives at this share of the road speeds (drawn per vehicle)."""
CALIBRATION_ROUTES = 100
"""Sample routes per network used to estimate camera passes per vehicle."""
# Background vehicle colours as a Seoul camera classifier reports them, with rough shares.
COLOURS = {"흰색": 36, "검정": 20, "회색": 18, "은색": 12, "파랑": 6, "빨강": 4, "기타": 4}


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A vehicle on the road: its plate, look and whether it is wanted."""

    vehicle_id: str
    plate: Plate
    colour: str
    wanted_id: str | None = None


@dataclass(frozen=True, slots=True)
class NetworkTraffic:
    """One road network's share of the background and its calibration."""

    network: RoadNetwork
    index: CameraIndex
    passes_per_vehicle: float
    trip_s: float
    spawn_per_s: float


class Traffic:
    """Every read the city's cameras make in one run of a scenario, in time order."""

    def __init__(
        self,
        city: City,
        scenario: Scenario,
        start_time: datetime,
        *,
        run_tag: str | None = None,
    ) -> None:
        if start_time.tzinfo is None:
            raise ValueError("start_time must be timezone-aware")
        self.city = city
        self.scenario = scenario
        self.start_time = start_time.astimezone(UTC)
        self.run_tag = run_tag
        self.truth = TruthStats()
        radius = scenario.city.read_radius_m
        self.indexes: dict[int, CameraIndex] = {}
        for network in city.networks:
            cameras = [
                c for d in city.districts.values() if d.network is network for c in d.cameras
            ]
            self.indexes[id(network)] = CameraIndex(network, cameras, radius)
        plan_rng = random.Random(f"{scenario.seed}:wanted")
        self.plans: tuple[WantedPlan, ...] = tuple(
            plan_wanted(
                scenario,
                city,
                self.indexes[id(city.district(str(spec.start.district)).network)],
                spec,
                i,
                plan_rng,
            )
            for i, spec in enumerate(scenario.wanted)
        )
        self.networks = self._calibrate()

    @property
    def background_spawn_per_s(self) -> float:
        """Background vehicles entering the city per simulated second."""
        return sum(n.spawn_per_s for n in self.networks)

    def _calibrate(self) -> tuple[NetworkTraffic, ...]:
        bg = self.scenario.background
        rng = random.Random(f"{self.scenario.seed}:calibrate")
        samples: list[tuple[RoadNetwork, CameraIndex, float, float]] = []
        for network in self.city.networks:
            index = self.indexes[id(network)]
            if not index.cameras:
                continue
            nodes = list(network.graph.nodes)
            counts, trips = [], []
            for _ in range(CALIBRATION_ROUTES):
                a, b = rng.sample(nodes, 2)
                found, end = index.passes(network.shortest_path(a, b), 0.0, _speed(rng))
                counts.append(len(found))
                trips.append(end)
            samples.append((network, index, sum(counts) / len(counts), max(trips)))
        total_cameras = sum(len(s[1].cameras) for s in samples)
        target = bg.reads_per_s / self.scenario.speed_factor  # reads per simulated second
        out = []
        for network, index, per_vehicle, trip in samples:
            share = len(index.cameras) / total_cameras
            expected = per_vehicle * bg.read_probability
            spawn = target * share / expected if expected > 0 else 0.0
            out.append(NetworkTraffic(network, index, per_vehicle, trip, spawn))
            logger.info(
                "%s: %.1f camera passes per vehicle, %.2f vehicles/s (simulated)",
                network.name,
                per_vehicle,
                spawn,
            )
        return tuple(out)

    def events(self) -> Iterator[ReadEvent]:
        """The run's reads in time order; each call replays the run (same seed, same reads)."""
        sc = self.scenario
        seed = sc.seed
        spawn_rng = random.Random(f"{seed}:spawn")
        read_rng = random.Random(f"{seed}:read")
        noise = NoiseModel(sc.background.noise, random.Random(f"{seed}:noise"))
        plates = PlateSource(
            random.Random(f"{seed}:plates"),
            sc.background.plate_mix,
            exclude={p.plate.text for p in self.plans},
        )
        self.truth = truth = TruthStats()
        queue: list[tuple[float, int, Pass, Vehicle]] = []
        order = itertools.count()
        for plan in self.plans:
            colour = plan.spec.vehicle.colour or "기타"
            vehicle = Vehicle(plan.spec.id, plan.plate, colour, plan.spec.id)
            for p in plan.passes:
                if 0.0 <= p.t_s < sc.duration_s:
                    heapq.heappush(queue, (p.t_s, next(order), p, vehicle))
        rate = self.background_spawn_per_s
        weights = [n.spawn_per_s for n in self.networks]
        warm = max((n.trip_s for n in self.networks), default=0.0)
        next_spawn = -warm + spawn_rng.expovariate(rate) if rate > 0 else math.inf
        counters: dict[str, itertools.count[int]] = {}
        while True:
            head = queue[0][0] if queue else math.inf
            if next_spawn < sc.duration_s and next_spawn <= head:
                traffic = spawn_rng.choices(self.networks, weights)[0]
                vehicle = Vehicle(
                    f"bg-{truth.vehicles + 1}",
                    plates.next(),
                    spawn_rng.choices(list(COLOURS), list(COLOURS.values()))[0],
                )
                truth.vehicles += 1
                a, b = spawn_rng.sample(list(traffic.network.graph.nodes), 2)
                route = traffic.network.shortest_path(a, b)
                found, _ = traffic.index.passes(route, next_spawn, _speed(spawn_rng))
                for p in found:
                    if 0.0 <= p.t_s < sc.duration_s:
                        heapq.heappush(queue, (p.t_s, next(order), p, vehicle))
                next_spawn += spawn_rng.expovariate(rate)
                continue
            if not queue:
                break
            t, _, p, vehicle = heapq.heappop(queue)
            truth.sim_seconds = t
            if read_rng.random() >= sc.background.read_probability:
                truth.missed_passes += 1
                continue
            site = p.camera.district
            n = next(counters.setdefault(site, itertools.count(1)))
            event = self._event(site, n, t, p, vehicle, noise.read(vehicle.plate))
            truth.record(event)
            yield event
        truth.sim_seconds = sc.duration_s

    def _event(
        self, site: str, n: int, t: float, p: Pass, vehicle: Vehicle, read: NoisyRead
    ) -> ReadEvent:
        ts = self.start_time + timedelta(seconds=t)
        ts = ts.replace(microsecond=ts.microsecond // 1000 * 1000)  # what the read carries
        tag = f"{self.run_tag}-" if self.run_tag else ""
        payload: dict[str, Any] = {
            "id": f"sim-{tag}{site}-{n}",
            "camera_id": p.camera.camera_id,
            "ts": ts.isoformat(timespec="milliseconds"),
            "plate": read.plate,
            "confidence": read.confidence,
        }
        if read.alternatives:
            payload["alternatives"] = [
                {"plate": text, "confidence": score} for text, score in read.alternatives
            ]
        stamp = ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        payload["snapshot_ref"] = f"{p.camera.camera_id}/{stamp}Z.jpg"
        payload["vehicle"] = {"colour": vehicle.colour, "type": vehicle.plate.vehicle_type.value}
        truth = ReadTruth(vehicle.plate.text, read.noise, vehicle.vehicle_id, vehicle.wanted_id)
        return ReadEvent(site, p.camera.camera_id, t, ts, payload, truth)


def _speed(rng: random.Random) -> float:
    return rng.uniform(*SPEED_RANGE)
