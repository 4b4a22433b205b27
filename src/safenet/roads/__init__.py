"""Road networks: the one road type that the simulator drives on and tracking routes on.

Real networks come from ``<data_dir>/roads/`` (a SUMO net of Gangnam/Seocho and
OpenStreetMap extracts of central Seoul, Songpa and Dongjak); where a district
has none, :func:`synthetic_from_points` builds a flagged straight-line graph
between its camera sites. :class:`RoadRouter` answers tracking's questions
(where a camera stands on a road, drives between hits, reach) over a network.
docs/roads.md describes formats, attributes, speed defaults and licences.
"""

from safenet.roads.errors import RoadDataError, RouteError
from safenet.roads.geo import haversine_m
from safenet.roads.load import load_network, load_networks
from safenet.roads.network import RoadNetwork
from safenet.roads.router import RoadRouter
from safenet.roads.speeds import DEFAULT_SPEED_KMH, FALLBACK_SPEED_KMH, parse_maxspeed
from safenet.roads.synthetic import synthetic_from_points, synthetic_notice
from safenet.roads.types import BBox, EdgeKey, NearEdge, NetworkKind, NodeId, RoutePoint
from safenet.roads.utm import latlon_to_utm, utm_to_latlon

__all__ = [
    "DEFAULT_SPEED_KMH",
    "FALLBACK_SPEED_KMH",
    "BBox",
    "EdgeKey",
    "NearEdge",
    "NetworkKind",
    "NodeId",
    "RoadDataError",
    "RoadNetwork",
    "RoadRouter",
    "RouteError",
    "RoutePoint",
    "haversine_m",
    "latlon_to_utm",
    "load_network",
    "load_networks",
    "parse_maxspeed",
    "synthetic_from_points",
    "synthetic_notice",
    "utm_to_latlon",
]
