"""Stage 7, relay: wake the link relay so the batch's reports leave now, not at the next poll.

The reports are already committed in the outbox; if this stage failed they would
still go out at the relay's next poll, and after a crash at the next start.
"""

from __future__ import annotations

from safenet.center.context import PipelineContext
from safenet.center.stages.base import Batch


def run(ctx: PipelineContext, batch: Batch) -> None:
    if any(d.reported for i in batch.items for d in i.hits):
        ctx.notify()
