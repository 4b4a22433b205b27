"""Stage 3, match: every read of the batch against one hotlist version, in one call.

Matches of entries that expired since the index was built are dropped here: an
expired entry never matches, even before the police's next message removes it.
"""

from __future__ import annotations

from safenet.center.context import PipelineContext
from safenet.center.hits import draft_hit
from safenet.center.stages.base import Batch
from safenet.matching import Alternative, Read


def run(ctx: PipelineContext, batch: Batch) -> None:
    items = batch.items
    if not items or not len(ctx.hotlist):
        return
    reads = [
        Read(
            id=str(k),
            camera_id=item.incoming.camera_id,
            ts=item.incoming.ts.isoformat(),
            plate=item.plate,
            confidence=item.incoming.confidence,
            alternatives=[Alternative(p, c) for p, c in item.alternatives],
        )
        for k, item in enumerate(items)
    ]
    matches = ctx.hotlist.matcher.match_many(reads, ctx.min_score)
    if not matches:
        return
    now = ctx.clock()
    for match in matches:
        item = items[int(match.read_id)]
        entry = ctx.hotlist.live_entry(match.entry_id, now)
        if entry is None:
            continue
        item.hits.append(
            draft_hit(
                ctx.site,
                item.incoming.camera_id,
                item.incoming.read_id,
                match,
                entry,
                ctx.confirm_categories,
            )
        )
