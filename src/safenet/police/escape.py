"""The escape route of a wanted entry's track, as the dispatcher's card and the map show it.

For one entry: the legs between its hits (the drive along roads, its pace against the
gap: a stop, a misread or a cloned plate), the direction of travel and where it came
from, and the cameras the vehicle can reach within each horizon, ranked, with the
reach areas (``GET /api/v1/tracks/{entry_id}/route``). The cameras are every center's
announced registry (``police_camera_registry``) plus the cameras hits were seen at,
placed on the road data once and again only when that set changes.

:meth:`EscapeRoutes.facing` tells the track book which plates a camera reads (from the
registries), so a direction taken from a camera's heading is turned round for a
front-plate camera.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.link.camera_store import registry_cameras
from safenet.police.clock import Clock, iso, utc_now
from safenet.police.learned import LearnedTransitions
from safenet.police.tables import hits
from safenet.police.tracks import TrackBook
from safenet.store import Database
from safenet.tracking import (
    CameraOnRoad,
    GeoPoint,
    PlateSide,
    Reach,
    RoadGraph,
    RoutePolicy,
    TransitionCounts,
    direction_json,
    forecast,
    leg_json,
    place_cameras,
    reach_json,
)

RELOAD_S = 30.0
"""How long the camera list is trusted before it is read again (registries change rarely)."""

NO_ROADS_KO = "도로 자료 없음: 직선 거리 기준"
NO_ROADS_EN = "no road data: straight-line distances"


class EscapeRoutes:
    """Each entry's escape route from its track; see the module docstring."""

    def __init__(
        self,
        db: Database,
        tracks: TrackBook,
        roads: RoadGraph | None,
        policy: RoutePolicy,
        *,
        clock: Clock = utc_now,
        reload_s: float = RELOAD_S,
        learned: LearnedTransitions | None = None,
    ) -> None:
        self.db = db
        self.learned = learned
        self.clock = clock
        self.tracks = tracks
        self.roads = roads
        self.policy = policy
        self.reload_s = reload_s
        self._lock = threading.Lock()
        self._loaded_at = -float("inf")
        self._key: frozenset[tuple[str, str, float, float]] = frozenset()
        self._placed: tuple[CameraOnRoad, ...] = ()
        self._site_of: dict[str, str] = {}
        self._facing: dict[tuple[str, str], PlateSide] = {}

    # -- cameras -----------------------------------------------------------------------

    def facing(self, site: str, camera_id: str) -> PlateSide | None:
        """Which plates ``site``'s camera reads, when its registry said (a dict look-up)."""
        return self._facing.get((site, camera_id))

    def reload(self, conn: Connection) -> int:
        """Read the cameras again and place any new set on the roads; return how many."""
        found: dict[str, tuple[str, float, float]] = {}
        facing: dict[tuple[str, str], PlateSide] = {}
        for r in conn.execute(sa.select(registry_cameras)):
            found.setdefault(r.camera_id, (r.site, float(r.lat), float(r.lon)))
            if r.facing in ("front", "rear"):
                facing[(r.site, r.camera_id)] = r.facing
        seen = sa.select(hits.c.site, hits.c.camera_id, hits.c.lat, hits.c.lon).distinct()
        for r in conn.execute(seen):
            found.setdefault(r.camera_id, (r.site, float(r.lat), float(r.lon)))
        key = frozenset((cam, s, lat, lon) for cam, (s, lat, lon) in found.items())
        with self._lock:
            self._facing = facing
            self._loaded_at = time.monotonic()
            if key == self._key:
                return len(self._placed)
            known = {(c.camera_id, c.point.lat, c.point.lon): c for c in self._placed}
        # Only cameras new or moved since the last time are placed on the roads again.
        missing = [
            (cam, GeoPoint(lat, lon))
            for cam, (_, lat, lon) in sorted(found.items())
            if (cam, lat, lon) not in known
        ]
        fresh = {
            (c.camera_id, c.point.lat, c.point.lon): c
            for c in place_cameras(self.roads, missing, self.policy)
        }
        placed = tuple(
            known.get((cam, lat, lon)) or fresh[(cam, lat, lon)]
            for cam, (_, lat, lon) in sorted(found.items())
        )
        with self._lock:
            self._key, self._placed = key, placed
            self._site_of = {cam: s for cam, (s, _, _) in found.items()}
        return len(placed)

    def cameras(self) -> tuple[CameraOnRoad, ...]:
        """The cameras as last placed (read again when older than ``reload_s``)."""
        if time.monotonic() - self._loaded_at > self.reload_s:
            with self.db.read() as conn:
                self.reload(conn)
        return self._placed

    def site_of(self, camera_id: str) -> str | None:
        return self._site_of.get(camera_id)

    def transitions(self, site: str) -> TransitionCounts | None:
        """The learned counts of the center that saw the vehicle last (None: none sent)."""
        if self.learned is None:
            return None
        return self.learned.counts_for(site, self._site_of)

    # -- the route ---------------------------------------------------------------------

    def reach(self, entry_id: str) -> Reach | None:
        """The forecast from the entry's latest hit (None without hits)."""
        track = self.tracks.get(entry_id)
        if track is None:
            return None
        cameras = self.cameras()
        with self.tracks.lock:
            latest = track.latest
            learned = None if latest is None else self.transitions(latest.site)
            return forecast(track, cameras, transitions=learned, policy=self.policy)

    def view(self, entry_id: str, may_see: Callable[[str], bool] | None = None) -> dict[str, Any]:
        """The escape route of one entry for the card and the map (a worker-thread call).

        ``may_see(site)`` is the caller's site scope: legs touching a hit of a site out of
        scope are left out, and so are the latest position, direction, speed and forecast
        when any hit is hidden (they are made from every hit), as the track itself does.
        """
        track = self.tracks.get(entry_id)
        cameras = self.cameras()
        roads = self._roads_view()
        now = iso(self.clock())
        if track is None or track.latest is None:
            return {
                "entry_id": entry_id,
                "now": now,
                "hits": 0,
                "roads": roads,
                "reach": None,
                "legs": [],
            }
        with self.tracks.lock:
            latest = track.latest
            direction = direction_json(track.direction)
            speed = track.speed_kmh
            hidden = may_see is not None and any(not may_see(h.site) for h in track.sightings)
            legs = [
                leg_json(leg)
                for leg in track.legs
                if may_see is None or (may_see(leg.from_hit.site) and may_see(leg.to_hit.site))
            ]
            if hidden:
                return {
                    "entry_id": entry_id,
                    "now": now,
                    "hits": sum(1 for h in track.sightings if may_see is None or may_see(h.site)),
                    "roads": roads,
                    "reach": None,
                    "legs": legs,
                    "partial": True,
                }
            learned = self.transitions(latest.site)
            reach = forecast(track, cameras, transitions=learned, policy=self.policy)
        reach_view = None if reach is None else reach_json(reach)
        if reach_view is not None:
            for camera in reach_view["cameras"]:
                camera["site"] = self.site_of(camera["camera_id"])
        return {
            "entry_id": entry_id,
            "now": now,
            "hits": len(track),
            "latest": {
                "hit_key": latest.hit_id,
                "camera_id": latest.camera_id,
                "site": latest.site,
                "at": iso(latest.ts),
                "position": [latest.point.lon, latest.point.lat],
            },
            "direction": direction,
            "speed_kmh": None if speed is None else round(speed, 1),
            "legs": legs,
            "horizons_min": list(self.policy.horizons_min),
            "reach": reach_view,
            "roads": roads,
            "learned": None if self.learned is None else self.learned.summary(latest.site),
        }

    async def view_async(
        self, entry_id: str, may_see: Callable[[str], bool] | None = None
    ) -> dict[str, Any]:
        return await asyncio.to_thread(self.view, entry_id, may_see)

    def _roads_view(self) -> dict[str, Any]:
        if self.roads is None:
            return {
                "available": False,
                "name": None,
                "notice": NO_ROADS_EN,
                "notice_ko": NO_ROADS_KO,
            }
        licences: Sequence[str] = getattr(self.roads, "licences", ())
        return {"available": True, "name": self.roads.name, "licences": list(licences)}
