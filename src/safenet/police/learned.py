"""The centers' learned camera-to-camera counts, as the escape route ranks with them.

Each center sends a :class:`~safenet.link.messages.TransitionReport` now and then:
counts of vehicles that went from one of its cameras straight to another, nothing
about any vehicle. :class:`LearnedTransitions` keeps the newest report per center (in
memory; the next report replaces it) and gives the escape route the counts of the
center whose camera saw the vehicle last.

A center speaks only for its own cameras. The link already stops it from sending as
another site; here, a row naming a camera the police know as another site's is dropped
as the report arrives (and logged), and when the counts are used only rows whose every
camera is the center's own by the camera list in force are kept, so a camera that
turns out to be another site's later does not count either.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from safenet.link.messages import TransitionCount, TransitionReport
from safenet.tracking import TransitionCounts

log = logging.getLogger(__name__)

OwnerOf = Callable[[str], str | None]
"""The site a camera belongs to, as the police know it (None: not known)."""


@dataclass(frozen=True)
class _Held:
    report: TransitionReport
    rows: tuple[TransitionCount, ...]


def _cameras(row: TransitionCount) -> tuple[str, ...]:
    return (row.camera_id, row.following) + (() if row.previous is None else (row.previous,))


class LearnedTransitions:
    """The newest counts of every center; see the module docstring (thread-safe)."""

    def __init__(self, owner_of: OwnerOf | None = None) -> None:
        self.owner_of: OwnerOf = owner_of or (lambda _camera: None)
        self._held: dict[str, _Held] = {}
        self._cache: dict[str, tuple[tuple[str, object], TransitionCounts]] = {}
        self._lock = threading.Lock()

    def take(self, report: TransitionReport) -> bool:
        """Keep ``report`` when it is the newest of its center; False when it is not."""
        site = report.site
        kept: list[TransitionCount] = []
        foreign = 0
        for row in report.counts:
            owners = {self.owner_of(camera) for camera in _cameras(row)} - {None}
            if owners - {site}:
                foreign += 1
                continue
            kept.append(row)
        if foreign:
            log.warning(
                "transitions: %d of %d counts of %s name another site's cameras; dropped",
                foreign,
                len(report.counts),
                site,
            )
        with self._lock:
            held = self._held.get(site)
            if held is not None and held.report.issued_at >= report.issued_at:
                return False
            self._held[site] = _Held(report, tuple(kept))
            self._cache.pop(site, None)
        return True

    def counts_for(
        self, site: str, owners: Mapping[str, str] | None = None
    ) -> TransitionCounts | None:
        """The counts of ``site`` whose every camera is its own (None: no report)."""
        owners = owners if owners is not None else {}
        with self._lock:
            held = self._held.get(site)
            if held is None:
                return None
            key = (held.report.message_id, owners)
            cached = self._cache.get(site)
            if cached is not None and cached[0][0] == key[0] and cached[0][1] is owners:
                return cached[1]
        counts = _rebuild(site, held.rows, owners)
        with self._lock:
            if self._held.get(site) is held:
                self._cache[site] = (key, counts)
        return counts

    def summary(self, site: str) -> dict[str, Any] | None:
        """What the route API says about the counts of ``site`` (None: no report)."""
        with self._lock:
            held = self._held.get(site)
        if held is None:
            return None
        return {
            "site": site,
            "counted_since": _iso(held.report.counted_since),
            "issued_at": _iso(held.report.issued_at),
            "min_count": held.report.min_count,
            "pairs": sum(1 for row in held.rows if row.previous is None),
        }


def _rebuild(
    site: str, rows: tuple[TransitionCount, ...], owners: Mapping[str, str]
) -> TransitionCounts:
    """The counts of the rows whose cameras are all ``site``'s, as the ranking reads them.

    A pair's total counts every vehicle from camera to next camera; the triples with a
    camera before are part of it (a triple below the floor is not sent, so the pair's
    total may be more than its triples add up to).
    """
    own = [r for r in rows if all(owners.get(c) == site for c in _cameras(r))]
    totals = {(r.camera_id, r.following): r.count for r in own if r.previous is None}
    counts = TransitionCounts()
    in_triples: dict[tuple[str, str], int] = {}
    for r in own:
        pair = (r.camera_id, r.following)
        if r.previous is None or pair not in totals:
            continue
        if in_triples.get(pair, 0) + r.count > totals[pair]:
            continue  # more through ``previous`` than in all: an inconsistent row
        in_triples[pair] = in_triples.get(pair, 0) + r.count
        counts.add(r.previous, r.camera_id, r.following, r.count)
    for pair, total in totals.items():
        rest = total - in_triples.get(pair, 0)
        if rest:
            counts.add(None, pair[0], pair[1], rest)
    return counts


def _iso(value: datetime) -> str:
    return value.isoformat()
