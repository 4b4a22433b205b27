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

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy.engine import Connection

from safenet.center.assessment import (
    assessment_record,
    report_assessment,
    stored_report_assessment,
    wanted_description,
)
from safenet.center.decision_store import (
    REFRESH_SLACK_S,
    DecisionStore,
    HeldKey,
    HeldRow,
    JournalRow,
    draft_of,
    draft_record,
)
from safenet.center.types import CameraInfo, EntryInfo, HitDraft, HitState, ReadItem
from safenet.matching import HotlistIndex, Match
from safenet.matching.decision import (
    Decision,
    DecisionChain,
    DecisionPolicy,
    Observation,
    State,
    WantedVehicle,
)
from safenet.matching.decision.memory import MemoryRow, TrafficRow
from safenet.plates import check
from safenet.service.loop import Periodic
from safenet.tracking import GeoPoint
from safenet.vehicles import Description, describe

if TYPE_CHECKING:
    from safenet.center.hotlist import Hotlist

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


@dataclass
class HeldHit:
    """A draft waiting for corroboration: its read (stored meanwhile) and its last decision."""

    draft: HitDraft
    item: ReadItem
    deadline: float = float("inf")
    """When its hold runs out, in stream time."""


@dataclass
class _Observed:
    """A read the chain observed whose journal row the batch's commit is still to write."""

    item: ReadItem
    row: JournalRow


class LiveDecisions:
    """One center's decision chain, its held drafts and the drafts surfaced since the last write.

    With a :class:`~safenet.center.decision_store.DecisionStore` attached
    (:meth:`attach`), what the chain observed and holds is written with each batch
    (:meth:`write`), rebuilt on start and shared with the site's other queue workers
    (:meth:`catch_up`); surfacing claims the held row (:meth:`claim`).
    """

    def __init__(
        self,
        policy: DecisionPolicy,
        *,
        min_score: float | None = None,
        confirm_categories: frozenset[str] = frozenset(),
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.policy = policy
        self.chain = DecisionChain((), policy)
        self.min_score = min_score
        self.confirm_categories = confirm_categories
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.RLock()
        self._version: int | None = None
        self._index: HotlistIndex | None = None
        self._entries: set[str] = set()
        self._held: dict[HeldKey, HeldHit] = {}
        self._surfaced: list[HeldHit] = []
        self._last_read_at = monotonic()
        self.dropped = 0
        self.corroborated = 0
        # the store (None: memory only, as ``safenet match`` and the tests without one)
        self.store: DecisionStore | None = None
        self._hotlist: Hotlist | None = None
        self._camera: Callable[[str], CameraInfo | None] = _no_camera
        self._restored = False
        self._observed: dict[str, _Observed] = {}
        self._applied: dict[str, float] = {}  # read keys the chain has seen -> stream time
        self._gone: set[HeldKey] = set()  # dropped held rows still to delete
        self._settled: dict[HeldKey, float] = {}  # surfaced or dropped here -> stream time
        self._memory_written: dict[str, list[MemoryRow]] = {}  # as last written, per entry
        # look-alike passes as last written, per entry: pass name -> (last_ts, sureness)
        self._traffic_written: dict[str, dict[tuple[str, str, float], tuple[float, float]]] = {}
        self._looked_at: float | None = None  # wall time of the last look at the journal
        self._pruned_at = float("-inf")

    @property
    def held(self) -> int:
        """How many drafts wait for corroboration."""
        return len(self._held)

    def attach(
        self,
        store: DecisionStore,
        hotlist: Hotlist,
        camera: Callable[[str], CameraInfo | None],
    ) -> None:
        """Keep the chain's state in ``store``; ``hotlist`` and ``camera`` rebuild held drafts."""
        self.store = store
        self._hotlist = hotlist
        self._camera = camera

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
                    self._gone.add(key)
            self._entries = current
            self._index = index

    # -- the store ---------------------------------------------------------------------

    def catch_up(self) -> None:
        """Before deciding: rebuild from the store once, then take what other workers wrote.

        Without a store, or before the hotlist is loaded, nothing happens.
        """
        with self._lock:
            if self.store is None or self._hotlist is None or self._hotlist.version <= 0:
                return
            self.sync(self._hotlist.matcher.index, self._hotlist.entry)
            if not self._restored:
                self._restore(self.store)
            else:
                self._refresh(self.store)
            self._forget_gone(self.store)

    def _restore(self, store: DecisionStore) -> None:
        """Held drafts and memory from the rows, the evidence from the journal, the downtime."""
        self._load_held(store)
        for entry_id, rows in store.memory().items():
            if entry_id in self._entries:
                self.chain._memory_of(entry_id).load_rows(rows)
        for entry_id, passes in store.traffic().items():
            if entry_id in self._entries:
                self.chain.restore_traffic(entry_id, passes)
                self._traffic_written[entry_id] = _traffic_state(passes)
        journal = store.journal()
        self._replay(journal)
        if journal and self.chain.now > float("-inf"):
            # The stream clock ran on with the wall clock while the center was down.
            down = max(0.0, self._wall() - max(j.written_at for j in journal))
            for decision in self.chain.advance(self.chain.now + down):
                self._settle(decision)
        # Held rows the chain does not hold (their read fell out of the journal, their
        # entry changed): nothing can corroborate them now.
        waiting = {(d.read_id, d.entry_id) for d in self.chain.flush()}
        for key in [k for k in self._held if k not in waiting]:
            del self._held[key]
            self._gone.add(key)
            self.dropped += 1
        self._restored = True
        self._last_read_at = self._monotonic()
        log.info(
            "decisions: %d held candidates and %d observed reads restored",
            len(self._held),
            len(journal),
        )

    def _refresh(self, store: DecisionStore) -> None:
        """The reads other workers observed and the candidates they hold, since the last look."""
        since = (self._looked_at or 0.0) - REFRESH_SLACK_S
        # First the reads, then the held rows: a held row is committed with its read.
        self._replay(store.others_since(since, self._applied))
        self._load_held(store, others=True)

    def _load_held(self, store: DecisionStore, *, others: bool = False) -> None:
        self._looked_at = self._wall()
        surfaced = {_key(h) for h in self._surfaced}
        for row in store.held(others=others):
            key = (row.read_key, row.entry_id)
            if key in self._held or key in surfaced or key in self._settled:
                continue  # known, or settled here (its row's delete may not be committed)
            entry = self._hotlist.entry(row.entry_id) if self._hotlist is not None else None
            if entry is None or row.entry_id not in self._entries:
                self._gone.add(key)  # its entry was lifted meanwhile
                continue
            camera = self._camera(row.draft["read"]["camera_id"])
            draft, item = draft_of(row.draft, row.read_seq, entry, camera)
            self._held[key] = HeldHit(draft, item, row.deadline)

    def _replay(self, journal: Iterable[JournalRow]) -> None:
        for row in journal:
            if row.read_key in self._applied:
                continue
            self._applied[row.read_key] = row.ts
            for decision in self.chain.observe(observation_of(row), row.matches):
                self._settle(decision)

    def _forget_gone(self, store: DecisionStore) -> None:
        if self._gone:
            gone, self._gone = list(self._gone), set()
            store.delete_held(gone)
        now = self.chain.now
        if now - self._pruned_at >= max(1.0, self.policy.window_s / 10):
            self._pruned_at = now
            cutoff = now - self.policy.window_s - REFRESH_SLACK_S
            store.prune(
                cutoff,
                now - self.policy.memory_s,
                self._entries,
                traffic_before=now - self.policy.traffic_s,
            )
            self._traffic_written = {
                e: w for e, w in self._traffic_written.items() if e in self._entries
            }
            self._applied = {k: ts for k, ts in self._applied.items() if ts >= cutoff}
            self._settled = {k: ts for k, ts in self._settled.items() if ts >= cutoff}
            # reads observed but never stored (refused as duplicates by the database)
            self._observed = {k: o for k, o in self._observed.items() if o.row.ts >= cutoff}

    def write(self, conn: Connection, written: Sequence[tuple[int, ReadItem]]) -> None:
        """In the batch's transaction: its observed reads, held drafts and changed memory."""
        with self._lock:
            if self.store is None:
                return
            keys = {read_key(item): seq for seq, item in written}
            journal: list[JournalRow] = []
            touched: set[str] = set()
            for key in keys:
                observed = self._observed.pop(key, None)
                if observed is not None:
                    journal.append(observed.row)
                    touched.update(m.entry_id for m in observed.row.matches)
            held = [
                HeldRow(k[0], k[1], keys[k[0]], h.deadline, draft_record(h.draft, h.item))
                for h in [*self._held.values(), *self._surfaced]
                if (k := _key(h))[0] in keys
            ]
            memory: dict[str, list[MemoryRow]] = {}
            for entry_id in sorted(touched):
                kept = self.chain.memory(entry_id)
                rows = [] if kept is None else kept.to_rows()
                if self._memory_written.get(entry_id) != rows:  # only what changed
                    memory[entry_id] = rows
                    self._memory_written[entry_id] = rows
            traffic = self._changed_traffic(touched)
            # Dropped since the last write: their rows go with this commit (a failed
            # commit leaves them; the next start finds them not held and drops them).
            gone, self._gone = sorted(self._gone), set()
            self.store.write(conn, journal, held, memory, gone, traffic)

    def _changed_traffic(self, touched: set[str]) -> list[tuple[str, TrafficRow]]:
        """The look-alike passes of ``touched`` entries that are new or changed since written."""
        changed: list[tuple[str, TrafficRow]] = []
        for entry_id in sorted(touched):
            kept = self.chain.traffic(entry_id)
            if kept is None:
                continue
            passes = kept.to_rows()
            written = self._traffic_written.get(entry_id, {})
            now = _traffic_state(passes)
            changed += [
                (entry_id, row)
                for row in passes
                if written.get(_pass_name(row)) != now[_pass_name(row)]
            ]
            self._traffic_written[entry_id] = now
        return changed

    def claim(self, conn: Connection, late: Sequence[HeldHit]) -> list[HeldHit]:
        """In the batch's transaction: the surfaced drafts this center may write (rows taken)."""
        store = self.store
        if store is None:
            return list(late)
        mine = [h for h in late if store.claim(conn, _key(h))]
        if len(mine) < len(late):
            log.info(
                "decisions: %d surfaced candidates were written elsewhere", len(late) - len(mine)
            )
        return mine

    # -- the stream --------------------------------------------------------------------

    def decide(self, item: ReadItem, point: GeoPoint | None) -> None:
        """Decide ``item``'s hit drafts (and what its read corroborates or lets run out)."""
        key = read_key(item)
        drafts = {d.entry.entry_id: d for d in item.hits}
        matches = [replace_read(d.match, key) for d in item.hits]
        matches += [replace_read(m, key) for m in item.evidence]
        row = JournalRow(
            read_key=key,
            ts=item.incoming.ts.timestamp(),
            observation={
                "camera_id": item.incoming.camera_id,
                "text": item.plate,
                "confidence": item.incoming.confidence,
                "point": None if point is None else [point.lat, point.lon],
                "colour": item.incoming.vehicle_colour,
                "type": item.incoming.vehicle_type,
            },
            matches=matches,
        )
        with self._lock:
            self._last_read_at = self._monotonic()
            self._applied[key] = row.ts
            if self.store is not None:
                self._observed[key] = _Observed(item, row)
            decisions = self.chain.observe(observation_of(row), matches)
            kept: list[HitDraft] = []
            mine = {d.entry_id: d for d in decisions if d.read_id == key}
            for entry_id, draft in drafts.items():
                decision = mine.get(entry_id)
                if decision is None:  # below the threshold the chain was told: as before
                    kept.append(draft)
                    continue
                apply(draft, decision, self.confirm_categories)
                if decision.state is State.HELD:
                    deadline = row.ts + self.policy.hold_s
                    self._held[(key, entry_id)] = HeldHit(draft, item, deadline)
                elif decision.state.surfaced:
                    kept.append(draft)
            item.hits = kept
            for decision in decisions:
                if decision.read_id != key:
                    self._settle(decision)

    def advance(self) -> int:
        """Run the stream clock on by the wall time since the last read; how many were dropped."""
        with self._lock:
            before = self.dropped
            self.catch_up()
            idle = self._monotonic() - self._last_read_at
            if self.chain.now > float("-inf"):
                for decision in self.chain.advance(self.chain.now + idle):
                    self._settle(decision)
                # Held drafts loaded from another worker that this chain no longer
                # holds (it settled them before their row came): their hold ran out.
                for key, held in list(self._held.items()):
                    if held.deadline < self.chain.now:
                        del self._held[key]
                        self._settled[key] = self.chain.now
                        self._gone.add(key)
                        self.dropped += 1
            if self.store is not None and self._restored:
                self._forget_gone(self.store)
            return self.dropped - before

    def _settle(self, decision: Decision) -> None:
        key = (decision.read_id, decision.entry_id)
        held = self._held.pop(key, None)
        if held is None:
            return
        if decision.final:
            self._settled[key] = self.chain.now
        if decision.state.surfaced:
            apply(held.draft, decision, self.confirm_categories)
            self._surfaced.append(held)
            self.corroborated += 1
        elif decision.state is State.DROPPED:
            self.dropped += 1
            self._gone.add((decision.read_id, decision.entry_id))
        else:  # still held: keep waiting
            self._held[(decision.read_id, decision.entry_id)] = held

    def take_surfaced(self) -> list[HeldHit]:
        """The held drafts corroborated since the last call whose reads are stored.

        The persist stage writes them (after :meth:`claim`). A draft whose read is not
        stored yet (its batch's commit is still to come) waits for the next call.
        """
        with self._lock:
            ready = [h for h in self._surfaced if h.item.seq is not None]
            self._surfaced = [h for h in self._surfaced if h.item.seq is None]
            return ready

    def give_back(self, held: Iterable[HeldHit]) -> None:
        """Surfaced drafts whose write failed: written with the next batch."""
        with self._lock:
            self._surfaced[:0] = list(held)


def observation_of(row: JournalRow) -> Observation:
    """The chain's observation of a read, from what the journal keeps of it."""
    o = row.observation
    seen, _ = describe(o.get("colour"), o.get("type"))
    point = o.get("point")
    return Observation(
        read_id=row.read_key,
        camera_id=o["camera_id"],
        ts=row.ts,
        text=o["text"],
        confidence=float(o["confidence"]),
        point=None if point is None else GeoPoint(float(point[0]), float(point[1])),
        seen=seen,
        valid_plate=check(o["text"]).valid,
    )


def _pass_name(row: TrafficRow) -> tuple[str, str, float]:
    plate, first, _last, _sure, frame, _order = row
    return (plate, frame.camera_id, first)


def _traffic_state(
    rows: Iterable[TrafficRow],
) -> dict[tuple[str, str, float], tuple[float, float]]:
    return {_pass_name(r): (r[2], r[3]) for r in rows}


def _key(held: HeldHit) -> HeldKey:
    return (read_key(held.item), held.draft.entry.entry_id)


def _no_camera(_camera_id: str) -> CameraInfo | None:
    return None


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


class HeldExpiry(Periodic):
    """Drops held candidates whose hold ran out while no read came (the chain's clock)."""

    name = "held-expiry"

    def __init__(self, owner: str, decisions: LiveDecisions, interval_s: float) -> None:
        super().__init__(owner, interval_s)
        self.decisions = decisions

    async def step(self) -> None:
        dropped = await asyncio.to_thread(self.decisions.advance)  # it may read the database
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
