"""Last stage, learn: the committed reads counted as camera-to-camera transitions.

Only counts are kept (:mod:`safenet.center.transitions`); a center that sends none
(``center.transitions_interval_s`` 0) has no tally and this stage does nothing.
"""

from __future__ import annotations

from safenet.center.context import PipelineContext
from safenet.center.stages.base import Batch


def run(ctx: PipelineContext, batch: Batch) -> None:
    if ctx.transitions is not None:
        ctx.transitions.observe(batch.items)
