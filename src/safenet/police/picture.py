"""The live picture the consoles read: an entry's track, the centers, the hotlist in force.

Read-only, each answer from the part that owns it: the registry (the entry), the hit
log and the track book (the track), distribution (centers, versions, the hotlist as
the centers receive it). Every method runs its database work in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import msgspec

from safenet.police import distribution, hit_log
from safenet.police.categories import CategoryPolicy
from safenet.police.clock import Clock
from safenet.police.registry import Registry
from safenet.police.track_view import track_view
from safenet.police.tracks import TrackBook
from safenet.store import Database

MAX_PLACES = 5000
"""Hit places the police map considers when it picks the districts to draw."""


class LivePicture:
    """What ``/api/v1/tracks``, ``/centers`` and ``/hotlist`` show; see the module docstring."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        tracks: TrackBook,
        policies: Mapping[str, CategoryPolicy],
        clock: Clock,
    ) -> None:
        self.db = db
        self.registry = registry
        self.tracks = tracks
        self.policies = policies
        self.clock = clock

    async def track(self, entry_id: str, sites: frozenset[str] | None = None) -> dict[str, Any]:
        """An entry's track; with ``sites``, only the hits (and legs) of those sites.

        A scoped officer's view leaves out the direction and speed of the whole track
        when it has points they may not see (those would tell where the others are).
        """

        def work() -> dict[str, Any]:
            entry = self.registry.get(entry_id)
            with self.db.read() as conn:
                rows = hit_log.of_entry(conn, entry_id)
            sightings, legs, brief = self.tracks.snapshot(entry_id)
            if sites is not None:
                shown = tuple(s for s in sightings if s.site in sites)
                if len(shown) != len(sightings):
                    brief = {"hits": len(shown)}
                sightings = shown
                legs = tuple(g for g in legs if {g.from_hit.site, g.to_hit.site} <= sites)
                rows = [r for r in rows if r.site in sites]
            return track_view(entry, sightings, legs, brief, rows)

        return await asyncio.to_thread(work)

    async def centers(self) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            with self.db.read() as conn:
                return distribution.center_status(conn)

        return await asyncio.to_thread(work)

    async def hotlist(self) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            now = self.clock()
            with self.db.read() as conn:
                version = distribution.current_version(conn)
                entries = distribution.active_entries(conn, now)
            linked = [distribution.to_link_entry(e, self.policies[e.category]) for e in entries]
            return {"version": version, "entries": msgspec.to_builtins(linked)}

        return await asyncio.to_thread(work)

    async def versions(self, limit: int) -> list[dict[str, Any]]:
        def work() -> list[dict[str, Any]]:
            with self.db.read() as conn:
                return distribution.versions(conn, limit)

        return await asyncio.to_thread(work)

    def hit_places(self) -> list[tuple[float, float]]:
        """Where hits were seen, for the console's map (a worker-thread call)."""
        with self.db.read() as conn:
            return hit_log.places(conn, MAX_PLACES)
