"""The small value types of a road network: node ids, bounding boxes, route points."""

from __future__ import annotations

from typing import Literal, NamedTuple, TypeAlias

# OSM node ids are integers; SUMO junction ids and camera-site ids are strings.
NodeId: TypeAlias = int | str
# A networkx multigraph edge key: assigned integers, or what the GraphML file carried.
EdgeKey: TypeAlias = int | str
LatLon: TypeAlias = tuple[float, float]

NetworkKind = Literal["sumo", "osm", "graphml", "synthetic"]


class BBox(NamedTuple):
    """The WGS84 box (degrees) that holds every node of a road network."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float, margin_deg: float = 0.0) -> bool:
        """Whether a point lies in the box, optionally grown by ``margin_deg`` on each side."""
        return (
            self.south - margin_deg <= lat <= self.north + margin_deg
            and self.west - margin_deg <= lon <= self.east + margin_deg
        )


class RoutePoint(NamedTuple):
    """Where a vehicle driving a route is, and when: seconds since it left the first node."""

    lat: float
    lon: float
    t_s: float


class NearEdge(NamedTuple):
    """A directed road edge close to a point (a camera), with its distance in metres."""

    u: NodeId
    v: NodeId
    key: EdgeKey
    distance_m: float
