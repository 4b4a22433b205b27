"""The escape route of one track: the drive between its hits and where the vehicle can be next.

Services ask the same two questions of a track: the police for the dispatcher's card
and the map, a center for the escape-route item of an evidence request. Both come
from the track's own road data, direction and last leg, so they agree wherever they
are shown:

- :func:`forecast` ranks the cameras reachable after the latest hit and draws the
  reach areas (the track's direction and the pace of its last leg, the camera before
  the latest one for the order-2 transitions);
- :func:`route_path` joins the drives between consecutive hits (along roads where the
  leg was measured on them, the straight line otherwise) into one path;
- :func:`evidence_route` gives both as plain values for ``safenet.evidence.route_file``:
  the path as (lat, lon) pairs and the reachable camera ids, best first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from safenet.tracking.motion import pace_of
from safenet.tracking.reach import place_cameras, reachable_cameras
from safenet.tracking.route_types import CameraOnRoad, Reach, RoutePolicy
from safenet.tracking.track import Track
from safenet.tracking.transitions import TransitionCounts
from safenet.tracking.types import GeoPoint


def forecast(
    track: Track,
    cameras: Sequence[CameraOnRoad],
    *,
    transitions: TransitionCounts | None = None,
    policy: RoutePolicy | None = None,
    areas: bool = True,
) -> Reach | None:
    """Where the vehicle of ``track`` may be seen next (None before its first hit)."""
    latest = track.latest
    if latest is None:
        return None
    policy = policy or track.route_policy
    sightings = track.sightings
    previous = sightings[-2].camera_id if len(sightings) > 1 else None
    return reachable_cameras(
        latest,
        cameras,
        roads=track.roads,
        direction=track.direction,
        pace=pace_of(track.legs[-1] if track.legs else None, policy),
        transitions=transitions,
        previous_camera=previous,
        policy=policy,
        areas=areas,
    )


def route_path(track: Track, since: datetime | None = None) -> list[GeoPoint]:
    """The path through the hits from ``since`` on: along roads where the leg was, else straight."""
    hits = [s for s in track.sightings if since is None or s.ts >= since]
    if not hits:
        return []
    first = hits[0].hit_id
    path: list[GeoPoint] = [hits[0].point]
    started = False
    for leg in track.legs:
        if leg.from_hit.hit_id == first:
            started = True
        if not started:
            continue
        if leg.route is not None:
            path.extend(leg.route.points)
        path.append(leg.to_hit.point)
    return path


def evidence_route(
    track: Track,
    cameras: Sequence[tuple[str, GeoPoint]],
    *,
    since: datetime | None = None,
    transitions: TransitionCounts | None = None,
    policy: RoutePolicy | None = None,
) -> tuple[list[tuple[float, float]], list[str]]:
    """The escape-route item's path (lat, lon) and its reachable cameras, best first."""
    policy = policy or track.route_policy
    placed = place_cameras(track.roads, cameras, policy)
    reach = forecast(track, placed, transitions=transitions, policy=policy, areas=False)
    path = [(p.lat, p.lon) for p in route_path(track, since)]
    return path, [] if reach is None else [c.camera_id for c in reach.cameras]
