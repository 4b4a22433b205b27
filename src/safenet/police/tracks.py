"""Each wanted entry's track, kept in memory for the live map and the impossible-journey flag.

The tracks are :class:`safenet.tracking.Track` values rebuilt from the stored hits
when the service starts, then fed every new hit. A hit the center's operator
rejected is not on the track (it was not the vehicle); when a decision flips, the
entry's track is rebuilt from the database. Hits are named ``<site>:<hit id>``
because hit ids are only unique within one center.

All methods are called from worker threads under the caller's intake lock; the
book's own lock only protects readers (the API) from a half-applied change.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.police.clock import as_utc, iso
from safenet.police.tables import hits
from safenet.tracking import (
    DEFAULT_ROUTE,
    IMPOSSIBLE_LABEL_EN,
    IMPOSSIBLE_LABEL_KO,
    GeoPoint,
    Leg,
    PlateSide,
    PlausibilityPolicy,
    RoadGraph,
    RoutePolicy,
    Sighting,
    Track,
    TrackChange,
    compass_label,
    direction_json,
    route_json,
)

FacingLookup = Callable[[str, str], PlateSide | None]
"""Which plates a center's camera reads (``front``/``rear``), when its registry says."""


def hit_key(site: str, hit_id: str) -> str:
    """A hit's name across centers."""
    return f"{site}:{hit_id}"


def sighting_from_row(row: Any, facing: FacingLookup | None = None) -> Sighting:
    """A stored hit as the tracking model sees it (with its camera's plate side when known)."""
    return Sighting(
        hit_id=hit_key(row.site, row.hit_id),
        entry_id=row.entry_id,
        camera_id=row.camera_id,
        site=row.site,
        ts=as_utc(row.read_at),
        point=GeoPoint(row.lat, row.lon),
        heading=row.heading,
        level=row.level,
        score=row.score,
        plate_side=facing(row.site, row.camera_id) if facing is not None else None,
    )


def finite(value: float | None) -> float | None:
    """A number JSON can carry (an instant jump between two cameras has infinite speed)."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, 3)


def track_brief(track: Track | None) -> dict[str, Any]:
    """Direction and speed of travel at the latest hit."""
    if track is None or track.latest is None:
        return {"hits": 0}
    direction = track.direction_deg
    return {
        "hits": len(track),
        "direction_deg": finite(direction),
        "direction_ko": compass_label(direction, "ko") if direction is not None else None,
        "direction_en": compass_label(direction, "en") if direction is not None else None,
        "direction_source": track.direction_source,
        "direction": direction_json(track.direction),
        "speed_kmh": finite(track.speed_kmh),
        "latest_hit": track.latest.hit_id,
    }


def leg_view(leg: Leg) -> dict[str, Any]:
    """A leg of a track as the map and a ``flag`` alert show it."""
    return {
        "from_hit": leg.from_hit.hit_id,
        "to_hit": leg.to_hit.hit_id,
        "from": {
            "lat": leg.from_hit.point.lat,
            "lon": leg.from_hit.point.lon,
            "at": iso(leg.from_hit.ts),
        },
        "to": {"lat": leg.to_hit.point.lat, "lon": leg.to_hit.point.lon, "at": iso(leg.to_hit.ts)},
        "distance_m": round(leg.distance_m, 1),
        "elapsed_s": round(leg.elapsed_s, 3),
        "speed_kmh": finite(leg.speed_kmh),
        "instant": not math.isfinite(leg.speed_kmh),
        "bearing_deg": finite(leg.bearing_deg),
        "impossible": leg.impossible,
        "reason": leg.reason,
        "reason_ko": leg.reason_ko,
        "label": IMPOSSIBLE_LABEL_EN if leg.impossible else None,
        "label_ko": IMPOSSIBLE_LABEL_KO if leg.impossible else None,
        "basis": leg.basis,
        "basis_note": leg.basis_note or _straight_note(leg, "en"),
        "basis_note_ko": leg.basis_note_ko or _straight_note(leg, "ko"),
        "road_distance_m": None if leg.road_distance_m is None else round(leg.road_distance_m),
        "expected_s": finite(leg.expected_s),
        "pace": leg.pace,
        "note": leg.note,
        "note_ko": leg.note_ko,
        "route": route_json(leg.route),
        # The same as word codes with parameters (docs/tracking.md, "The escape route's words").
        "reason_words": [w.json() for w in leg.reason_words],
        "note_words": [w.json() for w in leg.note_words],
        "basis_note_word": _basis_note_word(leg),
    }


def _basis_note_word(leg: Leg) -> dict[str, object] | None:
    if leg.basis_note_word is not None:
        return leg.basis_note_word.json()
    return {"code": "no_roads", "params": {}} if leg.basis == "straight_line" else None


def _straight_note(leg: Leg, lang: str) -> str | None:
    """Why a leg is on the straight line when the tracking model gave no reason: no road data."""
    if leg.basis != "straight_line":
        return None
    return "no road data: straight line" if lang == "en" else "도로 자료 없음: 직선 거리 기준"


def _on_track(decision: str | None) -> bool:
    return decision != "rejected"


def leg_key(leg: Leg) -> tuple[str, str]:
    return (leg.from_hit.hit_id, leg.to_hit.hit_id)


class TrackBook:
    """Every entry's track, rebuilt from the database and kept up to date by intake."""

    def __init__(
        self,
        policy: PlausibilityPolicy,
        *,
        motion_window_s: float = 1800.0,
        roads: RoadGraph | None = None,
        route_policy: RoutePolicy = DEFAULT_ROUTE,
        facing: FacingLookup | None = None,
    ) -> None:
        self.policy = policy
        self.motion_window_s = motion_window_s
        self.roads = roads
        self.route_policy = route_policy
        self.facing = facing
        self._tracks: dict[str, Track] = {}
        self._lock = threading.Lock()

    def _new(self, entry_id: str, sightings: Iterable[Sighting] = ()) -> Track:
        return Track.from_sightings(
            entry_id,
            sightings,
            self.policy,
            motion_window_s=self.motion_window_s,
            roads=self.roads,
            route_policy=self.route_policy,
        )

    def sighting(self, row: Any) -> Sighting:
        """A stored hit as this book's tracks take it."""
        return sighting_from_row(row, self.facing)

    def rebuild_all(self, conn: Connection) -> int:
        """Rebuild every track from the stored hits; return how many hits were placed."""
        grouped: dict[str, list[Sighting]] = {}
        rows = conn.execute(sa.select(hits).order_by(hits.c.id)).all()
        count = 0
        for row in rows:
            if _on_track(row.decision):
                grouped.setdefault(row.entry_id, []).append(self.sighting(row))
                count += 1
        tracks = {entry_id: self._new(entry_id, s) for entry_id, s in grouped.items()}
        with self._lock:
            self._tracks = tracks
        return count

    def rebuild_entry(self, conn: Connection, entry_id: str) -> tuple[Track, list[Leg]]:
        """Rebuild one track from the database; also return the impossible legs it gained."""
        rows = conn.execute(sa.select(hits).where(hits.c.entry_id == entry_id)).all()
        track = self._new(entry_id, (self.sighting(r) for r in rows if _on_track(r.decision)))
        with self._lock:
            before = self._tracks.get(entry_id)
            known = {leg_key(leg) for leg in before.legs if leg.impossible} if before else set()
            self._tracks[entry_id] = track
        gained = [leg for leg in track.legs if leg.impossible and leg_key(leg) not in known]
        return track, gained

    def add(self, sighting: Sighting) -> TrackChange:
        """Put a new hit on its entry's track."""
        with self._lock:
            track = self._tracks.get(sighting.entry_id)
            if track is None:
                track = self._tracks[sighting.entry_id] = self._new(sighting.entry_id)
            return track.add(sighting)

    @property
    def lock(self) -> threading.Lock:
        """Held while a track changes: read a track's derived values under it."""
        return self._lock

    def forget(self, entry_ids: Iterable[str]) -> None:
        """Drop the tracks of entries whose hits were purged (retention)."""
        with self._lock:
            for entry_id in entry_ids:
                self._tracks.pop(entry_id, None)

    def get(self, entry_id: str) -> Track | None:
        with self._lock:
            return self._tracks.get(entry_id)

    def brief(self, entry_id: str) -> dict[str, Any]:
        """Direction and speed at the latest hit, read consistently while intake runs."""
        with self._lock:
            return track_brief(self._tracks.get(entry_id))

    def snapshot(
        self, entry_id: str
    ) -> tuple[tuple[Sighting, ...], tuple[Leg, ...], dict[str, Any]]:
        """The track's hits, legs and summary as they are now (safe while intake runs)."""
        with self._lock:
            track = self._tracks.get(entry_id)
            if track is None:
                return (), (), track_brief(None)
            return track.sightings, track.legs, track_brief(track)

    def __len__(self) -> int:
        with self._lock:
            return len(self._tracks)
