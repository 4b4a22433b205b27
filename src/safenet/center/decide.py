"""The center's decision chain: the same :mod:`safenet.matching.decision` as ``safenet match``.

The pipeline's ``decide`` stage (:mod:`safenet.center.stages.decide`) feeds every
matched read to one :class:`~safenet.matching.decision.DecisionChain` per center, in
the reads' time order, with the matches down to the evidence floor; the chain says
what becomes of each hit draft:

- ``alert``: the draft stays an alert (an exact, unquestioned top read);
- ``candidate``: shown at once (an exact read whose description contradicts the
  entry, or one its camera doubted with nothing to back it, becomes a candidate,
  said why);
- ``held``: the draft is taken out of the read's hits and kept here, up to
  ``center.decision_hold_s``; a later read that corroborates it surfaces it (the
  persist stage writes it then, :meth:`LiveDecisions.take_surfaced`); when the hold
  runs out it is dropped, never written (:class:`HeldExpiry` moves the clock on
  while no reads come);
- ``dropped``: never written.

Every draft the chain decided carries its :class:`~safenet.matching.decision.Decision`
(``assessment``: the factors and their words) and its queue item's plate
(``group_plate``): one queue item per vehicle and entry at this center.

The chain's stream time is the reads' own time; between reads it runs on with the
wall clock (so a replay of old reads holds and drops as it would have live).
Thread-safe: the pipeline worker and the expiry loop share it under one lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import msgspec

from safenet.center.types import EntryInfo, HitDraft, HitState, ReadItem
from safenet.link.messages import ReportAssessment, ReportFactor
from safenet.matching import HotlistIndex, Match
from safenet.matching.decision import (
    Decision,
    DecisionChain,
    DecisionPolicy,
    Observation,
    State,
    WantedVehicle,
)
from safenet.plates import check
from safenet.service.loop import Periodic
from safenet.tracking import GeoPoint
from safenet.vehicles import Description, describe

log = logging.getLogger(__name__)

EXPIRY_INTERVAL_S = 5.0
"""How often the expiry loop drops held candidates whose hold ran out."""


def read_key(item: ReadItem) -> str:
    """The read's name in the chain: unique at the center (camera and read id)."""
    return f"{item.incoming.camera_id}/{item.incoming.read_id}"


def seen_of(item: ReadItem) -> Description:
    """What the camera said the vehicle looks like, on the vocabulary."""
    seen, _ = describe(item.incoming.vehicle_colour, item.incoming.vehicle_type)
    return seen


def wanted_description(entry: EntryInfo) -> Description:
    """The entry's description as the chain compares it."""
    description, _ = describe(entry.colour, entry.vehicle_type, entry.make, entry.model)
    return description


@dataclass
class HeldHit:
    """A draft waiting for corroboration: its read (stored meanwhile) and its last decision."""

    draft: HitDraft
    item: ReadItem


class LiveDecisions:
    """One center's decision chain, its held drafts and the drafts surfaced since the last write."""

    def __init__(
        self,
        policy: DecisionPolicy,
        *,
        min_score: float | None = None,
        confirm_categories: frozenset[str] = frozenset(),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self.chain = DecisionChain((), policy)
        self.min_score = min_score
        self.confirm_categories = confirm_categories
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._version: int | None = None
        self._index: HotlistIndex | None = None
        self._entries: set[str] = set()
        self._held: dict[tuple[str, str], HeldHit] = {}
        self._surfaced: list[HeldHit] = []
        self._last_read_at = monotonic()
        self.dropped = 0
        self.corroborated = 0

    @property
    def held(self) -> int:
        """How many drafts wait for corroboration."""
        return len(self._held)

    # -- the hotlist -------------------------------------------------------------------

    def sync(self, index: HotlistIndex, entries: Callable[[str], EntryInfo | None]) -> None:
        """Tell the chain the entries of ``index`` (only when its version changed)."""
        with self._lock:
            if self._index is index:
                return
            known = self._entries
            current: set[str] = set()
            for listed in index.entries():
                entry_id = listed.id
                compiled = index.compiled(entry_id)
                entry = entries(entry_id)
                if compiled is None or entry is None:
                    continue
                current.add(entry_id)
                self.chain.set_wanted(
                    WantedVehicle(
                        entry_id=entry_id,
                        plate=compiled.text,
                        description=wanted_description(entry),
                        min_score=index.threshold(entry_id, self.min_score),
                        pattern=compiled.pattern is not None,
                    )
                )
            for gone in known - current:
                self.chain.remove_wanted(gone)
                for key in [k for k in self._held if k[1] == gone]:
                    del self._held[key]
            self._entries = current
            self._index = index

    # -- the stream --------------------------------------------------------------------

    def decide(self, item: ReadItem, point: GeoPoint | None) -> None:
        """Decide ``item``'s hit drafts (and what its read corroborates or lets run out)."""
        key = read_key(item)
        drafts = {d.entry.entry_id: d for d in item.hits}
        matches = [replace_read(d.match, key) for d in item.hits]
        matches += [replace_read(m, key) for m in item.evidence]
        obs = Observation(
            read_id=key,
            camera_id=item.incoming.camera_id,
            ts=item.incoming.ts.timestamp(),
            text=item.plate,
            confidence=item.incoming.confidence,
            point=point,
            seen=seen_of(item),
            valid_plate=check(item.plate).valid,
        )
        with self._lock:
            self._last_read_at = self._monotonic()
            decisions = self.chain.observe(obs, matches)
            kept: list[HitDraft] = []
            mine = {d.entry_id: d for d in decisions if d.read_id == key}
            for entry_id, draft in drafts.items():
                decision = mine.get(entry_id)
                if decision is None:  # below the threshold the chain was told: as before
                    kept.append(draft)
                    continue
                apply(draft, decision, self.confirm_categories)
                if decision.state is State.HELD:
                    self._held[(key, entry_id)] = HeldHit(draft, item)
                elif decision.state.surfaced:
                    kept.append(draft)
            item.hits = kept
            for decision in decisions:
                if decision.read_id != key:
                    self._settle(decision)

    def advance(self) -> int:
        """Run the stream clock on by the wall time since the last read; how many were dropped."""
        with self._lock:
            idle = self._monotonic() - self._last_read_at
            before = self.dropped
            if self.chain.now > float("-inf"):
                for decision in self.chain.advance(self.chain.now + idle):
                    self._settle(decision)
            return self.dropped - before

    def _settle(self, decision: Decision) -> None:
        held = self._held.pop((decision.read_id, decision.entry_id), None)
        if held is None:
            return
        if decision.state.surfaced:
            apply(held.draft, decision, self.confirm_categories)
            self._surfaced.append(held)
            self.corroborated += 1
        elif decision.state is State.DROPPED:
            self.dropped += 1
        else:  # still held: keep waiting
            self._held[(decision.read_id, decision.entry_id)] = held

    def take_surfaced(self) -> list[HeldHit]:
        """The held drafts corroborated since the last call whose reads are stored.

        The persist stage writes them. A draft whose read is not stored yet (its
        batch's commit is still to come) waits for the next call.
        """
        with self._lock:
            ready = [h for h in self._surfaced if h.item.seq is not None]
            self._surfaced = [h for h in self._surfaced if h.item.seq is None]
            return ready

    def give_back(self, held: Iterable[HeldHit]) -> None:
        """Surfaced drafts whose write failed: written with the next batch."""
        with self._lock:
            self._surfaced[:0] = list(held)


def replace_read(match: Match, read_id: str) -> Match:
    """The match under the read's center-wide name."""
    return match if match.read_id == read_id else msgspec.structs.replace(match, read_id=read_id)


def apply(
    draft: HitDraft, decision: Decision, confirm_categories: frozenset[str] = frozenset()
) -> None:
    """Write the chain's decision into a hit draft: alert or candidate, its reason, its group."""
    draft.assessment = decision
    draft.group_plate = decision.group[1]
    if draft.alert and decision.state is not State.ALERT:
        # An exact read the chain made a candidate: reported at once, marked
        # unconfirmed, for an operator to look at (held only if its entry asks so).
        draft.alert = False
        draft.state = HitState.PENDING
        entry = draft.entry
        draft.held = entry.confirm_before_send or entry.category in confirm_categories


def assessment_record(decision: Decision) -> dict[str, Any]:
    """The chain's verdict as the hit keeps it (JSON): score, rule, factors, reads weighed.

    Every factor with its contribution in log-odds and its words in Korean and
    English; ``reads`` counts the linked reads that corroborated the match
    (``for``: reads of the wanted plate in other passes; ``support``: every read
    that raised it) and those that spoke against it (``against``: reads of another
    plate; ``pass``: another plate in the read's own camera pass).
    """
    f = decision.features
    return {
        "score": round(decision.score, 4),
        "state": decision.state.value,
        "rule": decision.rule.value,
        "ko": decision.ko,
        "en": decision.en,
        "threshold": round(decision.threshold, 4),
        "hold_s": decision.hold_s,
        "factors": [
            {
                "factor": x.factor,
                "contribution": x.contribution,
                "ko": x.ko,
                "en": x.en,
                "code": x.code or None,
                "params": dict(x.params),
            }
            for x in decision.factors
        ],
        "reads": {
            "for": f.plate_reads,
            "support": f.support_reads,
            "against": f.against_reads,
            "pass": f.pass_against_reads,
        },
        "surfaced_after_s": None
        if decision.surfaced_ts is None
        else round(max(0.0, decision.surfaced_ts - decision.ts), 1),
    }


def report_assessment(
    decision: Decision, entry: EntryInfo, vehicle_colour: str | None, vehicle_type: str | None
) -> ReportAssessment:
    """The chain's verdict as the LocationReport carries it to the police's card."""
    wanted = wanted_description(entry)
    seen, _ = describe(vehicle_colour, vehicle_type)
    f = decision.features
    return ReportAssessment(
        score=min(1.0, max(0.0, decision.score)),
        rule=decision.rule.value,
        ko=decision.ko[:1000],
        en=decision.en[:1000],
        factors=[
            ReportFactor(
                factor=x.factor,
                contribution=max(-100.0, min(100.0, x.contribution)),
                ko=x.ko[:500],
                en=x.en[:500],
                code=x.code or None,
                params=_params(x.params),
            )
            for x in decision.factors[:12]
        ],
        reads_for=f.plate_reads,
        reads_support=f.support_reads,
        reads_against=f.against_reads,
        wanted_colour=None if wanted.colour is None else wanted.colour.value,
        wanted_type=None if wanted.body is None else wanted.body.value,
        seen_colour=None if seen.colour is None else seen.colour.value,
        seen_type=None if seen.body is None else seen.body.value,
        threshold=min(1.0, max(0.0, decision.threshold)),
        hold_s=min(86400.0, max(0.0, decision.hold_s)),
    )


def _params(params: Any) -> dict[str, str | int | float | None]:
    """A factor's values as the link carries them (at most 8, texts cut to 40)."""
    out: dict[str, str | int | float | None] = {}
    for key, value in list(dict(params or {}).items())[:8]:
        if isinstance(value, str):
            out[str(key)] = value[:40]
        elif value is None or isinstance(value, int | float):
            out[str(key)] = value
    return out


def stored_report_assessment(
    record: dict[str, Any] | None,
    wanted_words: tuple[str | None, str | None],
    seen_words: tuple[str | None, str | None],
) -> ReportAssessment | None:
    """The report's assessment from what a hit kept (:func:`assessment_record`), if anything.

    ``wanted_words`` and ``seen_words`` are (colour, type) of the entry and of the read.
    """
    if not record:
        return None
    wanted, _ = describe(*wanted_words)
    seen, _ = describe(*seen_words)
    reads = record.get("reads") or {}
    return ReportAssessment(
        score=min(1.0, max(0.0, float(record.get("score", 0.0)))),
        rule=str(record.get("rule", "surfaced")),
        ko=str(record.get("ko", ""))[:1000],
        en=str(record.get("en", ""))[:1000],
        factors=[
            ReportFactor(
                factor=str(f["factor"]),
                contribution=max(-100.0, min(100.0, float(f["contribution"]))),
                ko=str(f["ko"])[:500],
                en=str(f["en"])[:500],
                code=f.get("code") or None,
                params=_params(f.get("params")),
            )
            for f in (record.get("factors") or [])[:12]
        ],
        reads_for=int(reads.get("for", 0)),
        reads_support=int(reads.get("support", 0)),
        reads_against=int(reads.get("against", 0)),
        wanted_colour=None if wanted.colour is None else wanted.colour.value,
        wanted_type=None if wanted.body is None else wanted.body.value,
        seen_colour=None if seen.colour is None else seen.colour.value,
        seen_type=None if seen.body is None else seen.body.value,
        threshold=_bounded(record.get("threshold"), 1.0),
        hold_s=_bounded(record.get("hold_s"), 86400.0),
    )


def _bounded(value: Any, top: float) -> float | None:
    """A stored number kept within ``0..top`` (None when the hit did not keep it)."""
    if not isinstance(value, int | float):
        return None
    return min(top, max(0.0, float(value)))


class HeldExpiry(Periodic):
    """Drops held candidates whose hold ran out while no read came (the chain's clock)."""

    name = "held-expiry"

    def __init__(self, owner: str, decisions: LiveDecisions, interval_s: float) -> None:
        super().__init__(owner, interval_s)
        self.decisions = decisions

    async def step(self) -> None:
        dropped = self.decisions.advance()
        if dropped:
            log.info("%s: %d held candidates dropped (not corroborated)", self.owner, dropped)


__all__ = [
    "HeldExpiry",
    "HeldHit",
    "LiveDecisions",
    "apply",
    "assessment_record",
    "read_key",
    "replace_read",
    "report_assessment",
    "stored_report_assessment",
]
