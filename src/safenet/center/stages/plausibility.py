"""Stage 4, plausibility: could the vehicle have come from the entry's previous hit?

An impossible journey (faster than any car between the two cameras) is written into
the hit and its report as a likely misread or cloned plate. It never suppresses the
hit: officers decide, with the reason in front of them.
"""

from __future__ import annotations

from safenet.center.context import PipelineContext
from safenet.center.hits import judge_journey
from safenet.center.stages.base import Batch


def run(ctx: PipelineContext, batch: Batch) -> None:
    matched = batch.with_hits()
    if not matched:
        return
    batch.history.preload(d.entry.entry_id for i in matched for d in i.hits)
    for item, draft in batch.drafts():
        if item.camera is None:
            continue
        judge_journey(
            draft,
            site=ctx.site,
            camera=item.camera,
            read_at=item.incoming.ts,
            history=batch.history,
            locate=ctx.registry.get,
            policy=ctx.plausibility,
        )
