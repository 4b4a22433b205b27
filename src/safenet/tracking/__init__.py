"""Tracks of wanted vehicles: hits in time order, travel plausibility, direction, next cameras.

Pure: no I/O, no service imports. docs/tracking.md describes the model and its defaults.

- :class:`Track` keeps one entry's hits across centers in time order (late and
  repeated hits included) with a :class:`Leg` between each pair, and says on each
  :meth:`Track.add` which legs changed and which are newly impossible.
- :func:`check_journey` is the center's question for a new hit: could the vehicle
  have come from its previous hit? It answers with the reason in dispatcher words.
- :func:`heading_from_text` reads a camera's 촬영방면정보; :func:`compass_label`
  names a bearing ("북동", "NE").
- :func:`next_cameras` ranks the cameras likely to see the vehicle next (straight
  lines only).
- Along roads, over any :class:`RoadGraph` (``safenet.roads.RoadRouter`` is the real
  one): :func:`check_journey` with ``roads`` measures the drive between the hits,
  :attr:`Track.direction` follows the road into the latest camera,
  :func:`reachable_cameras` ranks the cameras reachable within the horizons (with
  learned :class:`TransitionCounts` where there are enough) and draws the reach area;
  :func:`forecast` and :func:`evidence_route` ask it of a whole track.
"""

from safenet.tracking.direction import angle_between_deg, compass_label, heading_from_text
from safenet.tracking.escape import evidence_route, forecast, route_path
from safenet.tracking.geo import (
    EARTH_RADIUS_M,
    destination_point,
    distance_m,
    in_korea,
    initial_bearing_deg,
)
from safenet.tracking.motion import (
    arrival_bearing_deg,
    direction_of_travel,
    pace_of,
    travel_heading_deg,
)
from safenet.tracking.next_cameras import next_cameras, next_cameras_for_track
from safenet.tracking.plausibility import DEFAULT_PLAUSIBILITY, check_journey, leg_between
from safenet.tracking.reach import place_cameras, reachable_cameras
from safenet.tracking.road_plausibility import DEFAULT_ROUTE, locate
from safenet.tracking.roadgraph import (
    NodeRef,
    Reached,
    RoadEdge,
    RoadGraph,
    RoadPosition,
    RoadRoute,
)
from safenet.tracking.route_json import direction_json, leg_json, reach_json, route_json
from safenet.tracking.route_types import (
    CameraOnRoad,
    DirectionOfTravel,
    DirectionSource,
    Reach,
    ReachableCamera,
    ReachArea,
    RoutePolicy,
)
from safenet.tracking.track import Track
from safenet.tracking.transitions import Following, TransitionCounts, TransitionLearner
from safenet.tracking.types import (
    Basis,
    GeoPoint,
    JourneyVerdict,
    Leg,
    NextCamera,
    NextCameraPolicy,
    Pace,
    PlateSide,
    PlausibilityPolicy,
    RouteWord,
    Sighting,
    TrackChange,
)
from safenet.tracking.wording import IMPOSSIBLE_LABEL_EN, IMPOSSIBLE_LABEL_KO

__all__ = [
    "DEFAULT_PLAUSIBILITY",
    "DEFAULT_ROUTE",
    "EARTH_RADIUS_M",
    "IMPOSSIBLE_LABEL_EN",
    "IMPOSSIBLE_LABEL_KO",
    "Basis",
    "CameraOnRoad",
    "DirectionOfTravel",
    "DirectionSource",
    "Following",
    "GeoPoint",
    "JourneyVerdict",
    "Leg",
    "NextCamera",
    "NextCameraPolicy",
    "NodeRef",
    "Pace",
    "PlateSide",
    "PlausibilityPolicy",
    "Reach",
    "ReachArea",
    "ReachableCamera",
    "Reached",
    "RoadEdge",
    "RoadGraph",
    "RoadPosition",
    "RoadRoute",
    "RoutePolicy",
    "RouteWord",
    "Sighting",
    "Track",
    "TrackChange",
    "TransitionCounts",
    "TransitionLearner",
    "angle_between_deg",
    "arrival_bearing_deg",
    "check_journey",
    "compass_label",
    "destination_point",
    "direction_json",
    "direction_of_travel",
    "distance_m",
    "evidence_route",
    "forecast",
    "heading_from_text",
    "in_korea",
    "initial_bearing_deg",
    "leg_between",
    "leg_json",
    "locate",
    "next_cameras",
    "next_cameras_for_track",
    "pace_of",
    "place_cameras",
    "reach_json",
    "reachable_cameras",
    "route_json",
    "route_path",
    "travel_heading_deg",
]
