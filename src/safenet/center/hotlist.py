"""The center's copy of the police hotlist: applied from snapshots and deltas, kept, matched.

Each hotlist message is applied in one transaction that also records its receipt (a
redelivered message changes nothing), stores the entries (a restarted center matches
with its last version at once, link or no link), queues the :class:`HotlistAck` in
the outbox and queues a retrospective look-up for every newly added entry
(:mod:`safenet.center.retro`). The matcher is swapped only after the commit.

Versions:

- a snapshot newer than ours replaces the list (a multi-part snapshot once all its
  parts are in, parts kept in the database meanwhile); an older or equal one is ignored;
- a delta whose ``base_version`` is ours is applied; one we already have is ignored;
- a delta with any other base is a *gap*: it is not applied and not acknowledged. The
  center keeps matching with the version it has, and its next heartbeat (sent at once
  after a gap) tells the police which version that is; the police answer a center
  that is behind with a snapshot (docs/center.md, "Hotlist").

Expired entries (``expires_at`` passed) never match: they are left out of the index
and filtered again at match time, before the police's next message removes them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.center.hotlist_index import build_index, entry_info, updated_index
from safenet.center.tables import (
    hotlist_entries,
    hotlist_parts,
    hotlist_state,
    reads,
    retro_lookups,
    utc,
    utc_or_none,
)
from safenet.center.types import Clock, EntryInfo, system_clock
from safenet.link import inbox, outbox
from safenet.link.codec import decode_as, encode
from safenet.link.messages import HotlistAck, HotlistDelta, HotlistSnapshot
from safenet.matching import (
    HotlistRejection,
    Matcher,
)
from safenet.store import Database

log = logging.getLogger(__name__)

_CHUNK = 900  # ids per IN (...) list, under SQLite's bound-parameter limit
_UPDATE_MAX = 64
"""A message changing at most this many entries (or a tenth of the list) updates the index."""


class Outcome(StrEnum):
    """What became of one hotlist message."""

    APPLIED = "applied"
    WAITING = "waiting"  # a snapshot part stored; other parts still missing
    DUPLICATE = "duplicate"  # received before
    STALE = "stale"  # a version we already have or passed
    GAP = "gap"  # a delta that does not build on our version


@dataclass
class HotlistOutcome:
    """The result of applying one hotlist message."""

    outcome: Outcome
    version: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refused: list[HotlistRejection] = field(default_factory=list)


class Hotlist:
    """The hotlist a center matches with; see the module docstring."""

    def __init__(self, db: Database, site: str, *, clock: Clock = system_clock) -> None:
        self.db = db
        self.site = site
        self.clock = clock
        self.matcher = Matcher()
        self._entries: dict[str, EntryInfo] = {}
        self.applied_at: datetime | None = None
        self.acked_at: datetime | None = None
        self._apply_lock = threading.Lock()

    @property
    def version(self) -> int:
        return self.matcher.version

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, entry_id: str) -> EntryInfo | None:
        """The entry with this id, expired or not."""
        return self._entries.get(entry_id)

    def live_entry(self, entry_id: str, now: datetime) -> EntryInfo | None:
        """The entry if it is on the list and not expired at ``now``."""
        entry = self._entries.get(entry_id)
        return None if entry is None or entry.expired(now) else entry

    def entries(self) -> list[EntryInfo]:
        return list(self._entries.values())

    # -- start-up ------------------------------------------------------------------------

    def load(self) -> int:
        """Match with the hotlist kept in the database (a worker-thread call)."""
        with self.db.read() as conn:
            state = conn.execute(sa.select(hotlist_state).where(hotlist_state.c.id == 1)).first()
            rows = conn.execute(sa.select(hotlist_entries)).all()
        entries = {
            r.entry_id: EntryInfo(
                entry_id=r.entry_id,
                plate=r.plate,
                category=r.category,
                expires_at=utc(r.expires_at),
                fuzzy_allowance=float(r.fuzzy_allowance),
                vehicle=r.vehicle,
                policy=r.policy,
                confirm_before_send=bool(r.confirm_before_send),
                colour=r.colour,
                vehicle_type=r.vehicle_type,
                make=r.make,
                model=r.model,
            )
            for r in rows
        }
        version = 0 if state is None else int(state.version)
        if state is not None:
            self.applied_at = utc_or_none(state.applied_at)
            self.acked_at = utc_or_none(state.acked_at)
        self._install(entries, version)
        return version

    def _install(
        self,
        entries: dict[str, EntryInfo],
        version: int,
        *,
        changed: list[str] | None = None,
        removed: list[str] | None = None,
    ) -> list[HotlistRejection]:
        """Match with ``entries`` from now on; with ``changed``, by updating the index.

        ``changed`` and ``removed`` (the ids a message added or changed, and removed)
        let a small change update a copy of the index in force instead of compiling
        the whole list again (:func:`updated_index`), which is what an add while reads
        flow must cost: little, on this thread, while the pipeline matches.
        """
        now = self.clock()
        update = None
        if changed is not None and len(changed) + len(removed or ()) <= max(
            _UPDATE_MAX, len(entries) // 10
        ):
            try:
                update = updated_index(
                    self.matcher.index, entries, changed, removed or (), version, now
                )
            except ValueError:  # the index's slots are used up: a rebuild compacts them
                update = None
        index, refused = (
            update if update is not None else build_index(entries.values(), version, now)
        )
        for r in refused:
            log.warning("hotlist: entry %s refused by the matcher: %s", r.entry_id, r.reason)
        # Readers may hold a match from either index for a moment: keep both ids known.
        self._entries = {**self._entries, **entries}
        self.matcher.swap(index)
        self._entries = entries
        return refused

    def refresh_expiry(self) -> None:
        """Rebuild the index without entries that expired since it was built."""
        with self._apply_lock:
            now = self.clock()
            index = self.matcher.index
            lapsed = [
                e.entry_id for e in self._entries.values() if e.entry_id in index and e.expired(now)
            ]
            self._install(dict(self._entries), self.version, changed=[], removed=lapsed)

    # -- messages from the police ---------------------------------------------------------

    def apply(self, message: HotlistSnapshot | HotlistDelta) -> HotlistOutcome:
        """Apply one hotlist message (a worker-thread call); see the module docstring."""
        with self._apply_lock:
            now = self.clock()
            with self.db.begin() as conn:
                if not inbox.first_receipt(conn, message):
                    return HotlistOutcome(Outcome.DUPLICATE, self.version)
                if message.version <= self.version:
                    log.info(
                        "hotlist: version %d ignored, version %d in force",
                        message.version,
                        self.version,
                    )
                    return HotlistOutcome(Outcome.STALE, self.version)
                if isinstance(message, HotlistSnapshot):
                    found = self._snapshot_entries(conn, message, now)
                    if found is None:
                        return HotlistOutcome(Outcome.WAITING, self.version)
                    entries = found
                else:
                    if message.base_version != self.version:
                        log.warning(
                            "hotlist: delta %d builds on %d but version %d is in force; "
                            "waiting for a snapshot",
                            message.version,
                            message.base_version,
                            self.version,
                        )
                        return HotlistOutcome(Outcome.GAP, self.version)
                    entries = dict(self._entries)
                    for entry_id in message.removed:
                        entries.pop(entry_id, None)
                    for e in message.added:
                        entries[e.entry_id] = entry_info(e)
                outcome = self._commit(conn, entries, message.version, now)
            outcome.refused = self._install(
                entries, message.version, changed=outcome.added, removed=outcome.removed
            )
            self.applied_at = self.acked_at = now
        log.info(
            "hotlist: version %d applied: %d entries, %d added, %d removed",
            outcome.version,
            len(entries),
            len(outcome.added),
            len(outcome.removed),
        )
        return outcome

    def _snapshot_entries(
        self, conn: Connection, message: HotlistSnapshot, now: datetime
    ) -> dict[str, EntryInfo] | None:
        if message.parts == 1:
            return {e.entry_id: entry_info(e) for e in message.entries}
        conn.execute(
            hotlist_parts.delete().where(
                hotlist_parts.c.version == message.version, hotlist_parts.c.part == message.part
            )
        )
        conn.execute(
            hotlist_parts.insert().values(
                version=message.version,
                part=message.part,
                parts=message.parts,
                payload=encode(message),
                received_at=now,
            )
        )
        stored = conn.execute(
            sa.select(hotlist_parts.c.payload).where(hotlist_parts.c.version == message.version)
        ).all()
        if len(stored) < message.parts:
            log.info(
                "hotlist: snapshot %d part %d of %d stored",
                message.version,
                message.part,
                message.parts,
            )
            return None
        entries: dict[str, EntryInfo] = {}
        for row in stored:
            part = decode_as(bytes(row.payload), HotlistSnapshot)
            entries.update((e.entry_id, entry_info(e)) for e in part.entries)
        return entries

    def _commit(
        self, conn: Connection, entries: dict[str, EntryInfo], version: int, now: datetime
    ) -> HotlistOutcome:
        old = self._entries
        added = [
            e.entry_id
            for e in entries.values()
            if (prev := old.get(e.entry_id)) is None
            or (prev.plate, prev.policy, prev.fuzzy_allowance)
            != (e.plate, e.policy, e.fuzzy_allowance)
        ]
        removed = [entry_id for entry_id in old if entry_id not in entries]
        # Only what changed is written: a delta to a large list stays a small write.
        changed = [e for e in entries.values() if old.get(e.entry_id) != e]
        stale = removed + [e.entry_id for e in changed if e.entry_id in old]
        for start in range(0, len(stale), _CHUNK):
            conn.execute(
                hotlist_entries.delete().where(
                    hotlist_entries.c.entry_id.in_(stale[start : start + _CHUNK])
                )
            )
        if changed:
            conn.execute(
                hotlist_entries.insert(),
                [
                    {
                        "entry_id": e.entry_id,
                        "plate": e.plate,
                        "category": e.category,
                        "expires_at": e.expires_at,
                        "fuzzy_allowance": e.fuzzy_allowance,
                        "vehicle": e.vehicle,
                        "policy": e.policy,
                        "confirm_before_send": e.confirm_before_send,
                        "added_version": version,
                        "colour": e.colour,
                        "vehicle_type": e.vehicle_type,
                        "make": e.make,
                        "model": e.model,
                    }
                    for e in changed
                ],
            )
        values = {
            "version": version,
            "entry_count": len(entries),
            "applied_at": now,
            "acked_at": now,
        }
        if (
            conn.execute(
                hotlist_state.update().where(hotlist_state.c.id == 1).values(**values)
            ).rowcount
            == 0
        ):
            conn.execute(hotlist_state.insert().values(id=1, **values))
        conn.execute(hotlist_parts.delete().where(hotlist_parts.c.version <= version))
        audit.append(
            conn,
            "link:police",
            "hotlist.apply",
            f"hotlist:{version}",
            {
                "outcome": "applied",
                "entries": len(entries),
                "added": added[:50],
                "removed": removed[:50],
                "added_count": len(added),
                "removed_count": len(removed),
            },
            ts=now,
        )
        outbox.enqueue(
            conn,
            HotlistAck(site=self.site, version=version, entry_count=len(entries), acked_at=now),
        )
        fresh = [entry_id for entry_id in added if not entries[entry_id].expired(now)]
        if fresh:
            up_to = conn.execute(sa.select(sa.func.max(reads.c.seq))).scalar_one() or 0
            conn.execute(
                retro_lookups.insert(),
                [
                    {
                        "entry_id": entry_id,
                        "hotlist_version": version,
                        "up_to_seq": int(up_to),
                        "requested_at": now,
                    }
                    for entry_id in fresh
                ],
            )
        return HotlistOutcome(Outcome.APPLIED, version, added=added, removed=removed)
