"""The retrospective look-up: a newly added entry searched for in the center's retained reads.

When the police add an entry, the vehicle may have passed a camera in the hours
before. Each added entry is queued (``retro_lookups``, in the transaction that applied
the hotlist, so a crash does not lose it); this worker searches the reads kept within
retention, up to the last read stored before the entry arrived (later reads were
matched live), and reports what it finds as hits marked ``retrospective``.

The look-up does not scan (issue 16): each stored read carries match keys
(:mod:`safenet.center.retro_keys`, in ``read_keys``, :mod:`safenet.center.retro_index`),
so the reads that could match a plate entry are found with an index scan per key, and
the real matcher then decides on those candidates only; the hits are the ones a scan
of every retained read would find. Witness patterns (``12가34??``) cannot be keyed:
an entry with one is still looked up by scanning the retained reads in chunks (only
the pattern entries are matched in that scan). The look-up runs on a thread of its
own (:meth:`RetroLookup.run_in_worker`, named ``safenet-retro``), never on a thread
the pipeline uses.

Every look-up is audited (``hotlist.retrospective_lookup``) with the entry id, the
hotlist version, the number of reads the matcher looked at (``reads_searched``: the
key candidates, or every retained read when a pattern needed the scan), how they were
found (``lookup``: ``keys``, ``scan`` or ``keys+scan``) and the hits found, in the transaction
that stores the hits. The plates of the reads that did not match are never written
anywhere: they were searched, and that is all the record says.

Privacy limits (issue 13): every hit on a witness pattern or at a non-exact level is
held for an operator (:func:`~safenet.center.hits.draft_hit`), and one look-up keeps
the hits of at most ``max_vehicles`` distinct vehicles per entry (the strongest);
more is a ``lookup_cap`` alarm on the center's link and a
:class:`~safenet.link.messages.LookupCapExceeded` to the police, who alarm too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.center.checks import HIT_CHECKS, HitCheck, run_hit_checks
from safenet.center.context import PipelineContext
from safenet.center.hits import HitHistory, draft_hit
from safenet.center.hotlist_index import build_index
from safenet.center.records import HitWrite, ReadRecord, write_hits
from safenet.center.retro_index import candidate_seqs
from safenet.center.retro_keys import entry_keys
from safenet.center.retry import retry_on_conflict
from safenet.center.tables import reads, retro_lookups, utc
from safenet.center.types import CameraInfo, EntryInfo, HitDraft, Step
from safenet.link import LookupCapExceeded, outbox
from safenet.link.alarms import AlarmKind, LinkAlarms
from safenet.matching import Alternative, HotlistIndex, Read
from safenet.matching.privacy import DEFAULT_LOOKUP_MAX_VEHICLES, LookupCap, cap_lookup

log = logging.getLogger(__name__)

CHUNK_READS = 5000
MATCH_CHUNK = 250
"""Reads matched between two yields of the GIL (``time.sleep(0)``): a few milliseconds."""
PASS_ENTRIES = 32
"""Queued entries searched, checked and committed together in one pass."""

THREAD_NAME = "safenet-retro"
"""The name of the thread a look-up pass runs on (:meth:`RetroLookup.run_in_worker`)."""

Found = dict[int, tuple[ReadRecord, list[HitDraft]]]
"""Reads that matched, by sequence number, with their hits."""


@dataclass(frozen=True)
class Search:
    """What one pass searched: the reads the matcher looked at, how, and what matched."""

    searched: int
    lookup: str
    found: Found


@dataclass(frozen=True)
class LookupResult:
    """One entry's retrospective look-up."""

    entry_id: str
    hotlist_version: int
    reads_searched: int
    hits: int


def pending_count(conn: Connection) -> int:
    """How many look-ups are queued and not done."""
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(retro_lookups)
            .where(retro_lookups.c.done_at.is_(None))
        ).scalar_one()
    )


class RetroLookup:
    """Runs the queued retrospective look-ups (call :meth:`run_pending` from a worker thread)."""

    def __init__(
        self,
        ctx: PipelineContext,
        checks: Sequence[HitCheck] = HIT_CHECKS,
        *,
        max_vehicles: int = DEFAULT_LOOKUP_MAX_VEHICLES,
        alarms: LinkAlarms | None = None,
    ) -> None:
        self.ctx = ctx
        self.checks = tuple(checks)
        self.max_vehicles = max_vehicles
        """At most this many distinct vehicles per entry's look-up (privacy.lookup_max_vehicles)."""
        self.alarms = alarms
        self._running = threading.Lock()  # one look-up pass at a time
        self.by_keys = True
        """False: look every entry up by the old scan (``safenet bench retro`` compares)."""
        self.last_thread: str | None = None
        """The name of the thread the last pass ran on (checked by the tests)."""

    def pending(self) -> int:
        with self.ctx.db.read() as conn:
            return pending_count(conn)

    def run_pending(self) -> list[LookupResult]:
        """Search the retained reads for every queued entry, in passes of a few entries.

        Each pass of at most :data:`PASS_ENTRIES` entries searches, checks and commits
        on its own: a snapshot that adds thousands of entries never makes one long
        transaction or one long stretch of Python on this thread.
        """
        with self._running:
            self.last_thread = threading.current_thread().name
            results: list[LookupResult] = []
            while True:
                done = self._run_pending()
                results.extend(done)
                if len(done) < PASS_ENTRIES:
                    return results
                time.sleep(0)  # let the pipeline's thread have the GIL between passes

    async def run_in_worker(self) -> list[LookupResult]:
        """:meth:`run_pending` on a thread of its own (``safenet-retro``), awaited.

        Not the event loop's default executor, which the pipeline's batches use: a long
        pass never takes a thread the pipeline waits for. If the awaiting task is
        cancelled the pass still finishes (or, at exit, is dropped uncommitted and runs
        again: the queue row stays pending).
        """
        loop = asyncio.get_running_loop()
        done: asyncio.Future[list[LookupResult]] = loop.create_future()

        def settle(result: list[LookupResult] | None, error: BaseException | None) -> None:
            if done.done():
                return
            if error is not None:
                done.set_exception(error)
            else:
                done.set_result(result or [])

        def work() -> None:
            try:
                result = self.run_pending()
            except BaseException as exc:  # handed to the awaiting task
                outcome: tuple[list[LookupResult] | None, BaseException | None] = (None, exc)
            else:
                outcome = (result, None)
            # RuntimeError: the loop has closed, nobody is waiting any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, *outcome)

        threading.Thread(target=work, name=THREAD_NAME, daemon=True).start()
        return await done

    def _run_pending(self) -> list[LookupResult]:
        ctx = self.ctx
        with ctx.db.read() as conn:
            queued = conn.execute(
                sa.select(retro_lookups)
                .where(retro_lookups.c.done_at.is_(None))
                .order_by(retro_lookups.c.id)
                .limit(PASS_ENTRIES)
            ).all()
        if not queued:
            return []
        now = ctx.clock()
        entries: dict[str, EntryInfo] = {}
        for row in queued:
            entry = ctx.hotlist.live_entry(row.entry_id, now)
            if entry is not None:
                entries[entry.entry_id] = entry
        up_to = max(int(r.up_to_seq) for r in queued)
        version = max(int(r.hotlist_version) for r in queued)
        oldest = now - ctx.read_retention
        search = Search(0, "none", {})
        if entries:
            search = self.search(
                list(entries.values()), version, up_to, oldest, by_keys=self.by_keys
            )
        searched = search.searched
        found = [search.found[seq] for seq in sorted(search.found)]
        history = HitHistory(ctx.db)
        writes, capped = self._cap(self._check(found, history))
        counts: dict[str, int] = {}
        for w in writes:
            counts[w.draft.entry.entry_id] = counts.get(w.draft.entry.entry_id, 0) + 1
        results = [
            LookupResult(
                r.entry_id,
                int(r.hotlist_version),
                searched if r.entry_id in entries else 0,
                counts.get(r.entry_id, 0),
            )
            for r in queued
        ]

        def store() -> None:
            with ctx.db.begin() as conn:
                write_hits(conn, ctx.site, writes, now)
                for result in results:
                    cap = capped.get(result.entry_id)
                    if cap is not None:
                        outbox.enqueue(
                            conn,
                            LookupCapExceeded(
                                site=ctx.site,
                                entry_id=result.entry_id,
                                hotlist_version=result.hotlist_version,
                                vehicles=cap.vehicles,
                                max_vehicles=cap.max_vehicles,
                                looked_up_at=now,
                            ),
                        )
                    audit.append(
                        conn,
                        f"center:{ctx.site}",
                        "hotlist.retrospective_lookup",
                        result.entry_id,
                        {
                            "hotlist_version": result.hotlist_version,
                            "reads_searched": result.reads_searched,
                            "lookup": search.lookup,
                            "hits": result.hits,
                            "window_hours": ctx.read_retention.total_seconds() / 3600,
                            "outcome": "capped" if cap is not None else "done",
                            "vehicles": cap.vehicles if cap is not None else None,
                            "max_vehicles": self.max_vehicles,
                        },
                        ts=now,
                    )
                for row, result in zip(queued, results, strict=True):
                    conn.execute(
                        retro_lookups.update()
                        .where(retro_lookups.c.id == row.id)
                        .values(done_at=now, reads_searched=result.reads_searched, hits=result.hits)
                    )

        retry_on_conflict(store, what="retrospective look-up")
        for entry_id, cap in capped.items():
            if self.alarms is not None:
                self.alarms.raise_alarm(
                    AlarmKind.LOOKUP_CAP,
                    site=ctx.site,
                    subject="retrospective_lookup",
                    message_id=entry_id,
                    detail=f"look-up for entry {entry_id} found {cap.vehicles} vehicles; the "
                    f"{cap.max_vehicles} strongest kept, every hit held for an operator",
                )
        ctx.metrics.retro_reads.inc(searched)
        log.info(
            "retrospective look-up: %d entries, %d reads searched, %d hits",
            len(entries),
            searched,
            len(writes),
        )
        return results

    def search(
        self,
        entries: Sequence[EntryInfo],
        version: int,
        up_to: int,
        oldest: datetime,
        *,
        by_keys: bool = True,
    ) -> Search:
        """Match ``entries`` against the reads stored up to ``up_to`` and read since ``oldest``.

        Plate entries by their match keys (``by_keys``) and patterns by a scan; with
        ``by_keys=False`` everything by a scan (the way before issue 16, kept for the
        benchmark and the tests that compare the two).
        """
        now = self.ctx.clock()
        by_id = {e.entry_id: e for e in entries}
        index, _ = build_index(entries, version, now)
        keys: set[int] = set()
        scanned: list[EntryInfo] = []
        keyed: list[EntryInfo] = []
        for entry in entries:
            compiled = index.compiled(entry.entry_id)
            if compiled is None:
                continue  # refused or expired: nothing to look up
            entry_key_set = entry_keys(compiled) if by_keys else None
            if entry_key_set is None:
                scanned.append(entry)
            else:
                keys |= entry_key_set
                keyed.append(entry)
        found: Found = {}
        searched = 0
        lookup = []
        if keyed:
            plate_index = index if not scanned else build_index(keyed, version, now)[0]
            searched = self._by_keys(plate_index, by_id, keys, up_to, oldest, found)
            lookup.append("keys")
        if scanned:
            scan_index = index if not keyed else build_index(scanned, version, now)[0]
            searched = max(searched, self._scan(scan_index, by_id, up_to, oldest, found))
            lookup.append("scan")
        return Search(searched, "+".join(lookup) or "none", found)

    def _by_keys(
        self,
        index: HotlistIndex,
        entries: dict[str, EntryInfo],
        keys: set[int],
        up_to: int,
        oldest: datetime,
        found: Found,
    ) -> int:
        """Match the reads holding any of ``keys``; how many there were."""
        with self.ctx.db.read() as conn:
            seqs = candidate_seqs(conn, keys, up_to)
        searched = 0
        for start in range(0, len(seqs), CHUNK_READS):
            chunk = seqs[start : start + CHUNK_READS]
            with self.ctx.db.read() as conn:
                rows = conn.execute(
                    sa.select(reads)
                    .where(reads.c.seq.in_(chunk), reads.c.read_at >= oldest)
                    .order_by(reads.c.seq)
                ).all()
            searched += len(rows)
            self._match_rows(index, entries, rows, found)
        return searched

    def _scan(
        self,
        index: HotlistIndex,
        entries: dict[str, EntryInfo],
        up_to: int,
        oldest: datetime,
        found: Found,
    ) -> int:
        """Match every retained read up to ``up_to``, in chunks; how many there were."""
        searched = 0
        last = 0
        while True:
            with self.ctx.db.read() as conn:
                rows = conn.execute(
                    sa.select(reads)
                    .where(reads.c.seq > last, reads.c.seq <= up_to, reads.c.read_at >= oldest)
                    .order_by(reads.c.seq)
                    .limit(CHUNK_READS)
                ).all()
            if not rows:
                return searched
            last = int(rows[-1].seq)
            searched += len(rows)
            self._match_rows(index, entries, rows, found)

    def _match_rows(
        self,
        index: HotlistIndex,
        entries: dict[str, EntryInfo],
        rows: Sequence[sa.Row[Any]],
        found: Found,
    ) -> None:
        """Match ``rows``, a few at a time, yielding the GIL in between.

        This thread runs beside the pipeline's: a long pure-Python stretch here would
        hold the GIL for its switch interval again and again while a batch waits.
        """
        for start in range(0, len(rows), MATCH_CHUNK):
            if start:
                time.sleep(0)
            self._match_chunk(index, entries, rows[start : start + MATCH_CHUNK], found)

    def _match_chunk(
        self,
        index: HotlistIndex,
        entries: dict[str, EntryInfo],
        rows: Sequence[sa.Row[Any]],
        found: Found,
    ) -> None:
        ctx = self.ctx
        batch = [
            Read(
                id=str(k),
                camera_id=r.camera_id,
                ts=utc(r.read_at).isoformat(),
                plate=r.plate,
                confidence=float(r.confidence),
                alternatives=[Alternative(str(p), float(c)) for p, c in r.alternatives or []],
            )
            for k, r in enumerate(rows)
        ]
        for match in index.match_many(batch, ctx.min_score):
            row = rows[int(match.read_id)]
            seq = int(row.seq)
            if seq not in found:
                found[seq] = (_record(row), [])
            found[seq][1].append(
                draft_hit(
                    ctx.site,
                    row.camera_id,
                    row.read_id,
                    match,
                    entries[match.entry_id],
                    ctx.confirm_categories,
                    retrospective=True,
                )
            )

    def _cap(self, writes: list[HitWrite]) -> tuple[list[HitWrite], dict[str, LookupCap[HitWrite]]]:
        """At most ``max_vehicles`` distinct vehicles per entry; the capped entries' caps."""
        by_entry: dict[str, list[HitWrite]] = {}
        for w in writes:
            by_entry.setdefault(w.draft.entry.entry_id, []).append(w)
        kept: set[int] = set()
        capped: dict[str, LookupCap[HitWrite]] = {}
        for entry_id, group in by_entry.items():
            cap = cap_lookup(
                group,
                self.max_vehicles,
                vehicle=lambda w: w.draft.match.text,
                score=lambda w: w.draft.match.score,
            )
            kept.update(id(w) for w in cap.kept)
            if cap.exceeded:
                capped[entry_id] = cap
        return [w for w in writes if id(w) in kept], capped

    def _check(
        self, found: list[tuple[ReadRecord, list[HitDraft]]], history: HitHistory
    ) -> list[HitWrite]:
        """The hit checks the live pipeline runs (:data:`HIT_CHECKS`), over these hits."""
        retained = []
        for record, drafts in found:
            camera = self.ctx.registry.get(record.camera_id)
            if camera is None:
                continue  # a retired camera: no position to report
            retained.append(RetainedRead(record.camera_id, record.read_at, camera, drafts, record))
        run_hit_checks(self.ctx, retained, history, self.checks)
        return [
            HitWrite(draft, r.record, r.camera)
            for r in sorted(retained, key=lambda r: r.read_at)
            for draft in r.hits
        ]


def _record(r: sa.Row[Any]) -> ReadRecord:
    return ReadRecord(
        seq=int(r.seq),
        read_id=r.read_id,
        camera_id=r.camera_id,
        read_at=utc(r.read_at),
        confidence=float(r.confidence),
        vehicle_colour=r.vehicle_colour,
        vehicle_type=r.vehicle_type,
        has_snapshot=bool(r.has_snapshot),
        snapshot_ref=r.snapshot_ref,
        alternatives=tuple((str(p), float(c)) for p, c in r.alternatives or []),
    )


@dataclass
class RetainedRead:
    """A read found among the retained ones, with the hits it makes (for the hit checks)."""

    camera_id: str
    read_at: datetime
    camera: CameraInfo
    hits: list[HitDraft]
    record: ReadRecord
    not_done: set[Step] = field(default_factory=set)
