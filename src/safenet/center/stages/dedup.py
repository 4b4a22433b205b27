"""Stage 2, de-duplicate: the same read sent again, or the same plate at the same camera.

A read whose (camera, id) is already stored is a resend (a camera retrying after a
timeout). A read of the plate the same camera read within ``center.dedup_window_s`` is
the same pass of the same car. Both are answered as duplicates and not stored again.

No database look-up: resends of recently committed reads are known from memory
(:class:`safenet.center.recent.RecentPlates`); an older resend is refused by the unique
index ``(camera_id, read_id)`` when persist writes the batch, and answered as a
duplicate there. So the cost of this stage does not grow with the table.
"""

from __future__ import annotations

from datetime import datetime

from safenet.center.context import PipelineContext
from safenet.center.stages.base import Batch
from safenet.center.types import ReadItem


def run(ctx: PipelineContext, batch: Batch) -> None:
    recent = ctx.recent
    seen: set[tuple[str, str]] = set()
    batch_plates: dict[tuple[str, str], list[datetime]] = {}
    window = recent.window
    windowed = window.total_seconds() > 0
    id_stored, seen_near = recent.id_stored, recent.seen_near
    for item in sorted(batch.items, key=_read_at):
        read = item.incoming
        key = (read.camera_id, read.read_id)
        if key in seen or id_stored(*key):
            item.duplicate()
            continue
        seen.add(key)
        if not windowed:
            continue
        ts = read.ts
        plate_key = (read.camera_id, item.plate)
        earlier = batch_plates.get(plate_key)
        if seen_near(read.camera_id, item.plate, ts) or (
            earlier is not None and any(abs(ts - t) <= window for t in earlier)
        ):
            item.duplicate()
            continue
        if earlier is None:
            batch_plates[plate_key] = [ts]
        else:
            earlier.append(ts)


def _read_at(item: ReadItem) -> datetime:
    return item.incoming.ts
