"""The road network as tracking sees it: where a camera stands on a road, and how to drive on.

Tracking stays pure, so it does not load or index road files itself. It asks a
:class:`RoadGraph` (``safenet.roads.RoadRouter`` implements one over a real
network with networkx) for a few things: which directed roads pass near a point,
the fastest or shortest drive between two such places, how long it takes to
reach every junction within a time budget, the roads leaving a junction, where
a junction is, and every road's shape at once (for the reach area). Everything
else (plausibility, direction, reach, ranking, the reach area) is plain
functions in this package over those answers, so the tests can check them on
small hand-made graphs whose right answers are known.

A road with traffic both ways is two directed edges, ``u → v`` and ``v → u``; a
place on it is a :class:`RoadPosition` on each of them. Which one the vehicle is
on is the direction of travel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from safenet.tracking.types import GeoPoint, NodeRef, RoadPosition, RoadRoute, RouteBy

__all__ = [
    "EdgeTable",
    "NodeRef",
    "Reached",
    "RoadEdge",
    "RoadGraph",
    "RoadPosition",
    "RoadRoute",
    "RouteBy",
]


@dataclass(frozen=True, slots=True)
class RoadEdge:
    """A directed road leaving a junction: where it goes, how long and how far, its shape.

    The shape is kept as its latitudes and longitudes (``u`` first), which is how the
    reach area reads thousands of roads per hit.
    """

    u: NodeRef
    v: NodeRef
    time_s: float
    length_m: float
    lats: tuple[float, ...]
    lons: tuple[float, ...]

    @property
    def shape(self) -> tuple[GeoPoint, ...]:
        """The road's shape as points, from ``u`` to ``v``."""
        return tuple(GeoPoint(lat, lon) for lat, lon in zip(self.lats, self.lons, strict=True))


@dataclass(frozen=True, slots=True, eq=False)
class EdgeTable:
    """Every directed road of a graph as arrays: how the reach area reads thousands at once.

    Road ``e`` leaves junction ``nodes[u[e]]``, takes ``time_s[e]`` seconds, and its
    shape is ``lats``/``lons`` from ``first[e]`` up to (not including) ``first[e + 1]``;
    ``index`` maps a junction to its position in ``nodes``.
    """

    nodes: tuple[NodeRef, ...]
    index: Mapping[NodeRef, int]
    u: npt.NDArray[np.int64]
    time_s: npt.NDArray[np.float64]
    first: npt.NDArray[np.int64]
    lats: npt.NDArray[np.float64]
    lons: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Reached:
    """Every junction a vehicle can reach within a time budget, with when and from where.

    ``times`` maps a junction to the seconds it takes to get there from the start
    positions; ``previous`` to the junction before it on that fastest drive (None
    for the first junction of a start position). Together they give each
    fastest drive back, which is how a camera that stands behind another one on
    the way is recognised.
    """

    times: Mapping[NodeRef, float]
    previous: Mapping[NodeRef, NodeRef | None]


class RoadGraph(Protocol):
    """What tracking needs from a road network; ``safenet.roads.RoadRouter`` is the real one."""

    @property
    def name(self) -> str:
        """The network's name, said on the card when it is used ("seoul_central_osm_drive")."""
        ...

    @property
    def synthetic(self) -> bool:
        """True for a stand-in built from camera sites: never treated as road data."""
        ...

    def positions_near(self, point: GeoPoint, radius_m: float) -> Sequence[RoadPosition]:
        """The directed roads passing within ``radius_m`` of a point, nearest first.

        Both directions of a two-way street are returned; parallel roads a few
        metres further off too, so that a camera between a main road and its
        slip road is placed on both.
        """
        ...

    def route(
        self, starts: Sequence[RoadPosition], ends: Sequence[RoadPosition], by: RouteBy
    ) -> RoadRoute | None:
        """The fastest (``by="time"``) or shortest (``"length"``) drive from any start to any end.

        The fastest follows the roads' directions; the shortest ignores one-way rules (a
        fleeing car drives against them), since it bounds how far the car must have
        gone. None when no end can be reached from any start.
        """
        ...

    def reach(self, starts: Sequence[RoadPosition], budget_s: float) -> Reached:
        """Every junction reachable from the start positions within ``budget_s`` seconds."""
        ...

    def out_edges(self, node: NodeRef) -> Sequence[RoadEdge]:
        """The directed roads leaving a junction."""
        ...

    def node_point(self, node: NodeRef) -> GeoPoint:
        """Where a junction is."""
        ...

    def edge_table(self) -> EdgeTable:
        """Every directed road as arrays (built once; the graph does not change)."""
        ...
