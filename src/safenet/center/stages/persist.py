"""Stage 6, persist: the batch's reads, snapshots, hits and reports in ONE transaction.

Either everything of the batch is committed (each hit with its LocationReport in the
outbox) or nothing is; the pipeline then retries the reads one by one, so one read
the database refuses does not cost the others. Only after the commit are the reads
remembered for de-duplication. Hits the decision chain held and a later read
corroborated are written with the batch of that later read (after its commit, in a
transaction of their own, when that read came in the same batch as theirs).

The reads go in with COPY (PostgreSQL) or executemany (SQLite), see
:mod:`safenet.center.bulk`; a read the unique index finds already stored (a resend the
de-duplicate stage's memory no longer held) is answered as a duplicate here.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from safenet.center.bulk import write_reads
from safenet.center.checks import mark_not_done, run_hit_checks
from safenet.center.context import PipelineContext
from safenet.center.decide import HeldHit
from safenet.center.records import HitWrite, ReadRecord, write_hits
from safenet.center.stages.base import Batch
from safenet.center.tables import snapshots
from safenet.center.types import CameraInfo, HitDraft, ReadItem, Step

log = logging.getLogger(__name__)


def run(ctx: PipelineContext, batch: Batch) -> None:
    items = batch.items
    if not items:
        return
    now = ctx.clock()
    for item in items:
        if item.not_done:
            mark_not_done(item)
    rows: list[dict[str, Any]] = [
        {
            "read_id": i.incoming.read_id,
            "camera_id": i.incoming.camera_id,
            "read_at": i.incoming.ts,
            "received_at": i.received_at,
            "plate": i.plate,
            "confidence": i.incoming.confidence,
            "alternatives": [list(a) for a in i.alternatives] or None,
            "vehicle_colour": i.incoming.vehicle_colour,
            "vehicle_type": i.incoming.vehicle_type,
            "snapshot_ref": i.incoming.snapshot_ref,
            "has_snapshot": i.incoming.snapshot_jpeg is not None,
            "is_hit": bool(i.hits),
        }
        for i in items
    ]
    late = ctx.decisions.take_surfaced() if ctx.decisions is not None else []
    if late:
        # Corroborated later, checked now as every hit is: journey and suppression.
        run_hit_checks(ctx, [_LateRead(h) for h in late], batch.history)
    try:
        seqs, items = _write(ctx, items, rows, late, now)
    except Exception:
        if ctx.decisions is not None and late:
            ctx.decisions.give_back(late)
        raise
    for seq, item in zip(seqs, items, strict=True):
        item.seq = seq
    ctx.recent.remember_committed(
        (i.incoming.camera_id, i.incoming.read_id, i.plate, i.incoming.ts) for i in items
    )
    if ctx.decisions is not None:
        _write_surfaced(ctx, batch, now)


def _write_surfaced(ctx: PipelineContext, batch: Batch, now: datetime) -> None:
    """Drafts a read of this very batch corroborated: their reads are stored now, so now.

    After the batch's commit, in a transaction of their own; if it fails they are
    written with the next batch (their held rows stay until then).
    """
    decisions = ctx.decisions
    assert decisions is not None
    ready = decisions.take_surfaced()
    if not ready:
        return
    try:
        run_hit_checks(ctx, [_LateRead(h) for h in ready], batch.history)
        with ctx.db.begin() as conn:
            mine = decisions.claim(conn, ready)
            writes = [
                HitWrite(h.draft, _record(h.item.seq, h.item), h.item.camera)
                for h in mine
                if h.item.seq is not None and h.item.camera is not None
            ]
            if writes:
                write_hits(conn, ctx.site, writes, now)
    except Exception:
        log.exception("persist: %d corroborated candidates wait for the next batch", len(ready))
        decisions.give_back(ready)


def _write(
    ctx: PipelineContext,
    items: list[ReadItem],
    rows: list[dict[str, Any]],
    late: list[HeldHit],
    now: datetime,
) -> tuple[list[int], list[ReadItem]]:
    """Write the batch; the sequence numbers and items of the reads that were new."""
    with ctx.db.begin() as conn:
        seqs, refused = write_reads(conn, rows)
        if refused:
            gone = set(refused)
            for k in refused:
                items[k].duplicate()
            seqs = [s for k, s in enumerate(seqs) if k not in gone]
            items = [i for k, i in enumerate(items) if k not in gone]
        pictures = [
            {
                "read_seq": seq,
                "jpeg": item.incoming.snapshot_jpeg,
                "sha256": hashlib.sha256(item.incoming.snapshot_jpeg).hexdigest(),
            }
            for seq, item in zip(seqs, items, strict=True)
            if item.incoming.snapshot_jpeg is not None
        ]
        if pictures:
            conn.execute(snapshots.insert(), pictures)
        # These reads' rows went in with is_hit set (the rows above): no UPDATE for them.
        writes = [
            HitWrite(draft, _record(seq, item, marked_hit=True), item.camera)
            for seq, item in zip(seqs, items, strict=True)
            if item.camera is not None
            for draft in item.hits
        ]
        # Candidates held for corroboration that a read has since corroborated: their
        # reads were stored with earlier batches. Each is written only by the one that
        # takes its held row (decision_store: never twice, never lost).
        if ctx.decisions is not None:
            late = ctx.decisions.claim(conn, late)
        writes += [
            HitWrite(h.draft, _record(h.item.seq, h.item), h.item.camera)
            for h in late
            if h.item.seq is not None and h.item.camera is not None
        ]
        if writes:
            write_hits(conn, ctx.site, writes, now)
        if ctx.decisions is not None:
            ctx.decisions.write(conn, list(zip(seqs, items, strict=True)))
    return seqs, items


@dataclass
class _LateRead:
    """A held draft's read as the hit checks see it: only that draft is checked."""

    held: HeldHit
    not_done: set[Step] = field(default_factory=set)

    @property
    def camera_id(self) -> str:
        return self.held.item.incoming.camera_id

    @property
    def read_at(self) -> datetime:
        return self.held.item.incoming.ts

    @property
    def camera(self) -> CameraInfo | None:
        return self.held.item.camera

    @property
    def hits(self) -> list[HitDraft]:
        return [self.held.draft]


def _record(seq: int, item: ReadItem, *, marked_hit: bool = False) -> ReadRecord:
    read = item.incoming
    return ReadRecord(
        marked_hit=marked_hit,
        seq=seq,
        read_id=read.read_id,
        camera_id=read.camera_id,
        read_at=read.ts,
        confidence=read.confidence,
        vehicle_colour=read.vehicle_colour,
        vehicle_type=read.vehicle_type,
        has_snapshot=read.snapshot_jpeg is not None,
        snapshot_ref=read.snapshot_ref,
        alternatives=item.alternatives,
    )
