"""Stage 3, match: every read of the batch against one hotlist version, in one call.

Matches of entries that expired since the index was built are dropped here: an
expired entry never matches, even before the police's next message removes it.

With the decision chain on (``center.decisions``), the matcher is asked down to its
evidence floor: matches at or above their entry's threshold become hit drafts, the
weaker ones go with the read as evidence for the ``decide`` stage, never as hits.
"""

from __future__ import annotations

from safenet.center.context import PipelineContext
from safenet.center.hits import draft_hit
from safenet.center.stages.base import Batch
from safenet.matching import Alternative, Read
from safenet.matching.decision import EVIDENCE_FLOOR


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
    index = ctx.hotlist.matcher.index  # one version for the whole batch
    chain = ctx.decisions is not None
    floor = ctx.min_score
    if chain:
        floor = EVIDENCE_FLOOR if floor is None else min(EVIDENCE_FLOOR, floor)
    matches = index.match_many(reads, floor)
    if not matches:
        return
    now = ctx.clock()
    for match in matches:
        item = items[int(match.read_id)]
        entry = ctx.hotlist.live_entry(match.entry_id, now)
        if entry is None:
            continue
        if chain and match.score < index.threshold(match.entry_id, ctx.min_score):
            item.evidence.append(match)
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
