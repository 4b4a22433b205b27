"""Where the scenario's wanted vehicles drive: from their start to a destination, or fleeing.

A vehicle with ``to:`` drives the fastest route to it and stops there. A fleeing
vehicle keeps picking a random far destination in its district (at least
``flee_min_m`` away, and not back near where it just came from) until the run
ends. Start and destination are road nodes: the node nearest to given
coordinates, or, for a bare district, the node nearest the middle of that
district's cameras. Problems that depend on the city (a district without roads,
a destination on another road network) are scenario errors with the line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from safenet.plates import Plate, parse
from safenet.roads import RoadNetwork, haversine_m
from safenet.roads.types import NodeId
from safenet.sim.city import City, District
from safenet.sim.passes import CameraIndex, Pass
from safenet.sim.scenario import Place, Scenario, ScenarioError, WantedSpec
from safenet.sim.yamlcheck import Issue

MAX_SNAP_M = 1500.0
"""How far given coordinates may lie from the nearest road node."""
FLEE_MIN_M = 1500.0
"""A fleeing vehicle's next destination is at least this far from where it is."""
NO_RETURN_M = 1000.0
"""…and at least this far from where its last leg started: it never turns straight back."""
_MAX_LEGS = 500


@dataclass(frozen=True, slots=True)
class WantedPlan:
    """A wanted vehicle's whole drive: its legs, the camera passes and when it stops."""

    spec: WantedSpec
    plate: Plate
    network: RoadNetwork
    legs: tuple[tuple[NodeId, ...], ...]
    passes: tuple[Pass, ...]
    end_s: float


def _fail(scenario: Scenario, line: int, path: str, message: str) -> ScenarioError:
    return ScenarioError([Issue(scenario.source, line, path, message)])


def _centre_node(district: District) -> NodeId | None:
    if not district.nodes:
        return None
    network = district.network
    points = district.cameras or ()
    if points:
        lat = sum(c.watch_lat for c in points) / len(points)
        lon = sum(c.watch_lon for c in points) / len(points)
    else:
        lat, lon = district.spec.centre
    return min(district.nodes, key=lambda n: _dist(network, n, lat, lon))


def _dist(network: RoadNetwork, node: NodeId, lat: float, lon: float) -> float:
    nlat, nlon = network.latlon(node)
    return haversine_m(nlat, nlon, lat, lon)


def _snap(
    scenario: Scenario, district: District, place: Place, lat: float, lon: float, path: str
) -> NodeId:
    network = district.network
    node = network.nearest_node(lat, lon)
    gap = _dist(network, node, lat, lon)
    # Generated camera sites only roughly cover a district; there the real coordinates of a
    # scenario's places can only mean "the nearest part of the made-up city".
    if gap > MAX_SNAP_M and not district.synthetic_sites:
        raise _fail(
            scenario,
            place.line,
            path,
            f"{place.describe()} is {gap / 1000:.1f} km from the nearest road of "
            f"{network.name}; give a point within {MAX_SNAP_M:.0f} m of it",
        )
    return node


def _start(scenario: Scenario, city: City, spec: WantedSpec, path: str) -> tuple[District, NodeId]:
    assert spec.start.district is not None
    district = city.district(spec.start.district)
    if spec.start.lat is not None and spec.start.lon is not None:
        return district, _snap(scenario, district, spec.start, spec.start.lat, spec.start.lon, path)
    node = _centre_node(district)
    if node is None:
        raise _fail(
            scenario,
            spec.start.line,
            path,
            f"{district.name} has no road node on {district.network.name}; give lat/lon",
        )
    return district, node


def _destination(
    scenario: Scenario, city: City, spec: WantedSpec, home: District, start: NodeId, path: str
) -> NodeId:
    place = spec.destination
    assert place is not None
    network = home.network
    if place.district is not None:
        target = city.district(place.district)
        if target.network is not network:
            raise _fail(
                scenario,
                place.line,
                path,
                f"no road connects {home.name} and {target.name} in this city "
                f"({home.network.name} / {target.network.name}); pick a destination on "
                f"{home.network.name}",
            )
        if place.lat is None:
            node = _centre_node(target)
            if node is None:
                raise _fail(
                    scenario, place.line, path, f"{target.name} has no road node; give lat/lon"
                )
            if node == start:
                slat, slon = network.latlon(start)
                node = max(target.nodes, key=lambda n: _dist(network, n, slat, slon))
            return node
    if place.lat is None or place.lon is None:
        raise _fail(scenario, place.line, path, "needs a district or lat/lon")
    target = city.district(place.district) if place.district is not None else home
    return _snap(scenario, target, place, place.lat, place.lon, path)


def plan_wanted(
    scenario: Scenario,
    city: City,
    index: CameraIndex,
    spec: WantedSpec,
    position: int,
    rng: random.Random,
) -> WantedPlan:
    """Route one wanted vehicle through the city for the whole run."""
    path = f"wanted[{position}]"
    home, start = _start(scenario, city, spec, f"{path}.start")
    network = home.network
    legs: list[tuple[NodeId, ...]] = []
    passes: list[Pass] = []
    t = spec.depart_at
    if not spec.flee:
        end = _destination(scenario, city, spec, home, start, f"{path}.behaviour.to")
        route = network.shortest_path(start, end)
        found, t = index.passes(route, t, spec.speed)
        return WantedPlan(spec, parse(spec.plate), network, (tuple(route),), tuple(found), t)
    area = list(home.nodes) if len(home.nodes) >= 2 else list(network.graph.nodes)
    here, came_from = start, None
    while t < scenario.duration_s and len(legs) < _MAX_LEGS:
        hlat, hlon = network.latlon(here)
        far = [n for n in area if n != here and _dist(network, n, hlat, hlon) >= FLEE_MIN_M]
        if came_from is not None:
            flat, flon = network.latlon(came_from)
            far = [n for n in far if _dist(network, n, flat, flon) >= NO_RETURN_M]
        if not far:  # a small district: the farthest few places will have to do
            far = sorted(
                (n for n in area if n not in (here, came_from)),
                key=lambda n: -_dist(network, n, hlat, hlon),
            )[:5]
        if not far:
            break
        target = rng.choice(far)
        route = network.shortest_path(here, target)
        found, t = index.passes(route, t, spec.speed)
        legs.append(tuple(route))
        passes.extend(found)
        here, came_from = target, here
    return WantedPlan(spec, parse(spec.plate), network, tuple(legs), tuple(passes), t)
