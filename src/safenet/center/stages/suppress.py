"""Stage 5, suppress: one report per entry per camera within ``center.alert_window_s``.

The later hits are kept (evidence) but not reported again. A different entry at the
same camera is never suppressed, and a candidate never silences a later alert.
"""

from __future__ import annotations

from safenet.center.context import PipelineContext
from safenet.center.hits import suppress
from safenet.center.stages.base import Batch


def run(ctx: PipelineContext, batch: Batch) -> None:
    matched = batch.with_hits()
    if not matched:
        return
    batch.history.preload(d.entry.entry_id for i in matched for d in i.hits)
    for item, draft in batch.drafts():
        suppress(draft, item.incoming.camera_id, item.incoming.ts, batch.history, ctx.alert_window)
