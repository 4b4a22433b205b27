"""Stage 2, de-duplicate: the same read sent again, or the same plate at the same camera.

A read whose (camera, id) is already stored is a resend (a camera retrying after a
timeout). A read of the plate the same camera read within ``center.dedup_window_s`` is
the same pass of the same car. Both are answered as duplicates and not stored again.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from safenet.center.context import PipelineContext
from safenet.center.stages.base import Batch
from safenet.center.tables import reads

_CHUNK = 900  # stays under SQLite's bound-parameter limit


def run(ctx: PipelineContext, batch: Batch) -> None:
    stored = _stored_ids(ctx, batch)
    seen: set[tuple[str, str]] = set()
    batch_plates: dict[tuple[str, str], list[datetime]] = {}
    window = ctx.recent.window
    for item in sorted(batch.items, key=lambda i: i.incoming.ts):
        read = item.incoming
        key = (read.camera_id, read.read_id)
        if key in stored or key in seen:
            item.duplicate()
            continue
        seen.add(key)
        if window.total_seconds() <= 0:
            continue
        plate_key = (read.camera_id, item.plate)
        earlier = batch_plates.setdefault(plate_key, [])
        if ctx.recent.seen_near(read.camera_id, item.plate, read.ts) or any(
            abs(read.ts - t) <= window for t in earlier
        ):
            item.duplicate()
            continue
        earlier.append(read.ts)


def _stored_ids(ctx: PipelineContext, batch: Batch) -> set[tuple[str, str]]:
    ids = sorted({i.incoming.read_id for i in batch.items})
    found: set[tuple[str, str]] = set()
    with ctx.db.read() as conn:
        for start in range(0, len(ids), _CHUNK):
            rows = conn.execute(
                sa.select(reads.c.camera_id, reads.c.read_id).where(
                    reads.c.read_id.in_(ids[start : start + _CHUNK])
                )
            )
            found.update((r.camera_id, r.read_id) for r in rows)
    return found
