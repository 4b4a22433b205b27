"""The simulated days ``safenet bench route`` learns from and is scored on.

The city is the simulator's (:mod:`safenet.sim.city`) with districts on every real
road network in the data folder (``route_city.yaml``): real CCTV sites within
150 m of a road read plates, vehicles drive the fastest routes between random
junctions at 0.7–1.1 times the roads' speeds, each pass is read with
probability 0.9 through the OCR noise model, and four wanted vehicles flee
around their districts. One *day* is one run of that scenario with its own
seed: other vehicles, other plates, other routes.

The transition counts are learned as each center would: from its own cameras'
read flow, plate text as read (misreads break chains as they would in a
center), counts only. Scoring uses other days' vehicles, never seen in
learning, and follows each vehicle by the simulator's truth (as a wanted
vehicle's hits are followed by its plate).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from safenet.roads import RoadNetwork, RoadRouter
from safenet.sim import City, ReadEvent, Scenario, Simulation, load_scenario
from safenet.sim.city import CitySettings, build_city
from safenet.tracking import (
    CameraOnRoad,
    GeoPoint,
    TransitionCounts,
    TransitionLearner,
    place_cameras,
)

logger = logging.getLogger(__name__)

SCENARIO = Path(__file__).with_name("route_city.yaml")
MAX_GAP_S = 900.0
"""Two reads of one vehicle further apart than this are two trips (and never a transition)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One read of one vehicle at one camera, as the evaluation follows it."""

    camera_id: str
    site: str
    ts: datetime


@dataclass(eq=False)
class Roads:
    """One real road network of the city, ready for tracking, with the cameras on it."""

    network: RoadNetwork
    router: RoadRouter
    cameras: tuple[CameraOnRoad, ...]


@dataclass(eq=False)
class BenchCity:
    """The city, its road networks as routers, and where every camera is."""

    city: City
    scenario: Scenario
    roads: list[Roads]
    network_of: dict[str, Roads]
    point_of: dict[str, GeoPoint]
    heading_of: dict[str, float]

    @property
    def largest(self) -> Roads:
        """The network with the most junctions: where compute time is measured."""
        return max(self.roads, key=lambda r: r.router.network.node_count)


def build_bench_city(data_dir: Path) -> BenchCity:
    """The benchmark's city from the data folder (real sites, real roads)."""
    scenario = load_scenario(SCENARIO)
    spec = scenario.city
    settings = CitySettings(
        districts=spec.districts,
        coverage_radius_m=spec.coverage_radius_m,
        max_cameras=spec.max_cameras,
        min_spacing_m=spec.min_spacing_m,
        seed=scenario.seed,
    )
    city = build_city(data_dir, settings)
    roads: list[Roads] = []
    network_of: dict[str, Roads] = {}
    point_of: dict[str, GeoPoint] = {}
    heading_of: dict[str, float] = {}
    for network in city.networks:
        if network.synthetic:
            continue
        router = RoadRouter(network, strongly_connected=False)  # the city's are already
        cams = [c for d in city.districts.values() if d.network is network for c in d.cameras]
        placed = place_cameras(router, ((c.camera_id, GeoPoint(c.lat, c.lon)) for c in cams))
        entry = Roads(network, router, placed)
        roads.append(entry)
        for camera in cams:
            network_of[camera.camera_id] = entry
            point_of[camera.camera_id] = GeoPoint(camera.lat, camera.lon)
            heading_of[camera.camera_id] = camera.heading
    return BenchCity(city, scenario, roads, network_of, point_of, heading_of)


def day(bench: BenchCity, seed: int, duration_s: float, reads_per_s: float) -> Iterator[ReadEvent]:
    """One simulated day's reads in time order (``reads_per_s`` per simulated second)."""
    sc = bench.scenario
    scenario = dataclasses.replace(
        sc,
        seed=seed,
        duration_s=duration_s,
        speed_factor=1.0,
        background=dataclasses.replace(sc.background, reads_per_s=reads_per_s),
    )
    return Simulation(
        scenario, bench.city, start_time=datetime.fromisoformat("2026-03-02T08:00:00+09:00")
    ).events()


def learn(events: Iterable[ReadEvent], learners: dict[str, TransitionLearner]) -> int:
    """Feed reads to each center's learner, as its own read flow; how many reads."""
    n = 0
    for event in events:
        learner = learners.get(event.site)
        if learner is None:
            learner = learners[event.site] = TransitionLearner(max_gap_s=MAX_GAP_S)
        learner.observe(str(event.read["plate"]), event.camera_id, event.ts)
        n += 1
    return n


def counts_of(learners: dict[str, TransitionLearner]) -> dict[str, TransitionCounts]:
    """Each center's learned counts."""
    return {site: learner.counts for site, learner in learners.items()}


@dataclass(eq=False)
class Trips:
    """A day's reads regrouped by vehicle (by the simulator's truth), split at long gaps."""

    background: list[list[Hit]]
    wanted: list[list[Hit]]
    reads: int


def trips(events: Iterable[ReadEvent], known: dict[str, Roads]) -> Trips:
    """Every vehicle's trips: its reads in time order, the same camera twice in a row once."""
    by_vehicle: dict[str, list[Hit]] = defaultdict(list)
    wanted: set[str] = set()
    reads = 0
    for event in events:
        reads += 1
        if event.camera_id not in known:
            continue
        vehicle = event.truth.vehicle_id
        if event.truth.wanted:
            wanted.add(vehicle)
        hits = by_vehicle[vehicle]
        if hits and hits[-1].camera_id == event.camera_id:
            continue
        hits.append(Hit(event.camera_id, event.site, event.ts))
    background: list[list[Hit]] = []
    fleeing: list[list[Hit]] = []
    for vehicle, hits in sorted(by_vehicle.items()):
        for trip in _split(hits):
            if len(trip) >= 2:
                (fleeing if vehicle in wanted else background).append(trip)
    return Trips(background, fleeing, reads)


def _split(hits: list[Hit]) -> Iterator[list[Hit]]:
    trip: list[Hit] = []
    for hit in hits:
        if trip and (hit.ts - trip[-1].ts).total_seconds() > MAX_GAP_S:
            yield trip
            trip = []
        trip.append(hit)
    if trip:
        yield trip
