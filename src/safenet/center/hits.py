"""Turning a match into a hit: alert or candidate, held or sent, flagged, suppressed.

The rules (docs/center.md, "Hits"):

- Only an ``exact`` match on the read's top text is an *alert*. An exact match on an
  OCR alternative (reported as ``equivalent``: exact means the camera's top text), and
  every other level, is a *candidate*: reported at once marked unconfirmed, with the
  decision ``candidate``, and queued for an operator.
- A candidate is *held* (no LocationReport until an operator confirms it) when its
  entry says ``confirm_before_send``, or when its category is listed in
  ``center.confirm_categories``. An alert is never held: exact hits go at once.
- A hit of an entry at a camera where the same entry was reported within
  ``center.alert_window_s`` is *suppressed*: kept, not reported again. A different
  entry at the same camera is never suppressed, and an alert is never suppressed by
  an earlier candidate.
- A retrospective look-up hit on a witness pattern or at any level but ``exact`` is
  always held (:func:`~safenet.matching.privacy.must_hold_retrospective`).
- An impossible journey since the entry's previous hit is written into the hit and
  its report; it never suppresses the hit.

:class:`HitHistory` is what the plausibility and suppression stages know of an entry's
earlier hits: loaded from the database on first use, then kept up to date with the
hits of the batch in hand.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from safenet.center.tables import hits, utc
from safenet.center.types import (
    CameraInfo,
    EntryInfo,
    HitDraft,
    HitState,
    hit_id_for,
    is_alert,
)
from safenet.matching import Level, Match
from safenet.matching.patterns import is_pattern
from safenet.matching.privacy import must_hold_retrospective
from safenet.store import Database
from safenet.tracking import GeoPoint, PlausibilityPolicy, Sighting, check_journey

HISTORY_DEPTH = 50
"""Earlier hits per entry kept for the checks (the newest ones)."""


def draft_hit(
    site: str,
    camera_id: str,
    read_id: str,
    match: Match,
    entry: EntryInfo,
    confirm_categories: Collection[str],
    *,
    retrospective: bool = False,
) -> HitDraft:
    """The hit a match makes, before the plausibility and suppression checks."""
    alert = is_alert(match.level, match.rank)
    # Level "exact" names the camera's top text (safenet.vocabulary): the registered
    # plate found only among the OCR's alternatives is a look-alike of what was read.
    level = "equivalent" if match.level is Level.EXACT and not alert else match.level.value
    held = not alert and (entry.confirm_before_send or entry.category in confirm_categories)
    if retrospective and must_hold_retrospective(match.level, is_pattern(entry.plate)):
        # A look-back searches cars that drove by before anyone looked for them: only an
        # exact read of a full plate goes without a person's look (issue 13).
        alert, held = False, True
    return HitDraft(
        match=match,
        entry=entry,
        hit_id=hit_id_for(site, camera_id, read_id, entry.entry_id),
        alert=alert,
        held=held,
        level=level,
        retrospective=retrospective,
        state=HitState.ALERT if alert and not held else HitState.PENDING,
    )


@dataclass
class PriorHit:
    """An earlier hit of an entry, as far as the checks need it."""

    hit_id: str
    camera_id: str
    read_at: datetime
    alert: bool
    suppressed: bool | None
    """None while the suppression stage has not yet looked at a hit of the batch."""


class HitHistory:
    """Each entry's earlier hits, newest last; loads an entry's on first use."""

    def __init__(self, db: Database | None) -> None:
        self._db = db
        self._by_entry: dict[str, list[PriorHit]] = {}

    def preload(self, entry_ids: Iterable[str]) -> None:
        """Fetch the history of several entries in one query."""
        wanted = [e for e in set(entry_ids) if e not in self._by_entry]
        if not wanted:
            return
        for entry_id in wanted:
            self._by_entry[entry_id] = []
        if self._db is None:
            return
        with self._db.read() as conn:
            rows = conn.execute(
                sa.select(
                    hits.c.hit_id,
                    hits.c.entry_id,
                    hits.c.camera_id,
                    hits.c.read_at,
                    hits.c.state,
                    hits.c.match_level,
                    hits.c.text_rank,
                    hits.c.decision_rule,
                )
                .where(hits.c.entry_id.in_(wanted), hits.c.state != HitState.REJECTED.value)
                .order_by(hits.c.read_at)
            ).all()
        for r in rows:
            self._by_entry[r.entry_id].append(
                PriorHit(
                    hit_id=r.hit_id,
                    camera_id=r.camera_id,
                    read_at=utc(r.read_at),
                    alert=is_alert(r.match_level, r.text_rank, r.decision_rule),
                    suppressed=r.state == HitState.SUPPRESSED.value,
                )
            )
        for entry_id in wanted:
            del self._by_entry[entry_id][:-HISTORY_DEPTH]

    def _of(self, entry_id: str) -> list[PriorHit]:
        if entry_id not in self._by_entry:
            self.preload([entry_id])
        return self._by_entry[entry_id]

    def previous(self, entry_id: str, before: datetime, exclude: str) -> PriorHit | None:
        """The entry's latest hit at or before ``before`` (other than ``exclude``)."""
        best: PriorHit | None = None
        for prior in self._of(entry_id):
            if (
                prior.hit_id != exclude
                and prior.read_at <= before
                and (best is None or prior.read_at >= best.read_at)
            ):
                best = prior
        return best

    def reported_here(
        self, entry_id: str, camera_id: str, at: datetime, window: timedelta, exclude: str
    ) -> list[PriorHit]:
        """The entry's unsuppressed hits at this camera within ``window`` before ``at``."""
        return [
            p
            for p in self._of(entry_id)
            if p.hit_id != exclude
            and p.camera_id == camera_id
            and p.suppressed is False
            and at - window <= p.read_at <= at
        ]

    def add(self, entry_id: str, prior: PriorHit) -> PriorHit:
        """Record a hit of the batch (once per hit id); returns the record kept."""
        known = self._of(entry_id)
        for p in known:
            if p.hit_id == prior.hit_id:
                return p
        known.append(prior)
        return prior


def suppress(
    draft: HitDraft, camera_id: str, read_at: datetime, history: HitHistory, window: timedelta
) -> None:
    """Mark ``draft`` suppressed when its entry was reported at this camera just before."""
    mine = history.add(
        draft.entry.entry_id,
        PriorHit(draft.hit_id, camera_id, read_at, draft.alert, None),
    )
    if window.total_seconds() > 0 and draft.state is not HitState.SUPPRESSED:
        earlier = history.reported_here(
            draft.entry.entry_id, camera_id, read_at, window, draft.hit_id
        )
        # A candidate never silences a later alert: the alert is news.
        covering = [p for p in earlier if p.alert or not draft.alert]
        if covering:
            draft.state = HitState.SUPPRESSED
            draft.suppressed_by = max(covering, key=lambda p: p.read_at).hit_id
    mine.suppressed = draft.state is HitState.SUPPRESSED


def judge_journey(
    draft: HitDraft,
    *,
    site: str,
    camera: CameraInfo,
    read_at: datetime,
    history: HitHistory,
    locate: Callable[[str], CameraInfo | None],
    policy: PlausibilityPolicy,
) -> None:
    """Flag ``draft`` when the vehicle cannot have come from the entry's previous hit."""
    entry_id = draft.entry.entry_id
    previous = history.previous(entry_id, read_at, exclude=draft.hit_id)
    history.add(entry_id, PriorHit(draft.hit_id, camera.camera_id, read_at, draft.alert, None))
    if previous is None:
        return
    before = locate(previous.camera_id)
    if before is None:
        draft.journey_note = (
            f"not judged: the camera {previous.camera_id} of the previous hit "
            f"{previous.hit_id} is no longer in the registry"
        )
        return
    verdict = check_journey(
        Sighting(
            hit_id=previous.hit_id,
            entry_id=entry_id,
            camera_id=previous.camera_id,
            site=site,
            ts=previous.read_at,
            point=GeoPoint(before.lat, before.lon),
        ),
        Sighting(
            hit_id=draft.hit_id,
            entry_id=entry_id,
            camera_id=camera.camera_id,
            site=site,
            ts=read_at,
            point=GeoPoint(camera.lat, camera.lon),
        ),
        policy,
    )
    if not verdict.possible:
        draft.impossible_journey = True
        draft.journey_note = (
            f"since hit {previous.hit_id} at camera {previous.camera_id}: {verdict.reason}"
        )
