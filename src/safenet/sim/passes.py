"""When a vehicle driving a route passes each camera: the pass times that reads happen at.

A camera watches the point of the road it was snapped to (see
:mod:`safenet.sim.cameras`); a vehicle passes it when its route comes within
``read_radius_m`` of that point, at the time it reaches the closest point of
that edge. Times follow the edges' travel times, so read times follow travel
times. A camera near a junction sees several edges of one route; those
sightings collapse into the closest one.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from safenet.roads import RoadNetwork
from safenet.roads.projection import project
from safenet.roads.types import EdgeKey, NodeId
from safenet.sim.cameras import SimCamera

# Sightings of one camera closer together than this on one route are one pass.
SAME_PASS_S = 30.0


@dataclass(frozen=True, slots=True)
class Pass:
    """A vehicle going past a camera at simulated second ``t_s``."""

    t_s: float
    camera: SimCamera


class CameraIndex:
    """For each directed edge of a network, the cameras that see it and where along it."""

    def __init__(
        self, network: RoadNetwork, cameras: Sequence[SimCamera], read_radius_m: float
    ) -> None:
        self.network = network
        self.cameras = tuple(cameras)
        self._by_edge: dict[tuple[NodeId, NodeId, EdgeKey], list[tuple[int, float, float]]] = (
            defaultdict(list)
        )
        for i, camera in enumerate(self.cameras):
            for near in network.edges_near(camera.watch_lat, camera.watch_lon, read_radius_m):
                geometry = network.graph.edges[near.u, near.v, near.key]["geometry"]
                proj = project(geometry, camera.watch_lat, camera.watch_lon)
                self._by_edge[near.u, near.v, near.key].append((i, proj.along, proj.distance_m))

    @property
    def watched_edges(self) -> int:
        """How many directed edges at least one camera sees."""
        return len(self._by_edge)

    def passes(self, path: Sequence[NodeId], t0: float, speed: float) -> tuple[list[Pass], float]:
        """The camera passes of a route started at ``t0``, and the time it arrives.

        ``speed`` multiplies every edge's speed (a vehicle driving at 0.8 of it
        takes 1.25 times as long).
        """
        sightings: dict[int, list[tuple[float, float]]] = defaultdict(list)
        t = t0
        for u, v in itertools.pairwise(path):
            key, data = self.network.best_edge(u, v)
            dt = float(data["travel_time_s"]) / speed
            for camera, along, distance in self._by_edge.get((u, v, key), ()):
                sightings[camera].append((t + along * dt, distance))
            t += dt
        passes: list[Pass] = []
        for camera, seen in sightings.items():
            seen.sort()
            group = [seen[0]]
            for item in seen[1:]:
                if item[0] - group[-1][0] <= SAME_PASS_S:
                    group.append(item)
                    continue
                passes.append(Pass(min(group, key=lambda s: s[1])[0], self.cameras[camera]))
                group = [item]
            passes.append(Pass(min(group, key=lambda s: s[1])[0], self.cameras[camera]))
        passes.sort(key=lambda p: (p.t_s, p.camera.camera_id))
        return passes, t
