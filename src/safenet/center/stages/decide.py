"""Stage 4, decide: the decision chain weighs every hit draft (docs/matching.md, "Decisions").

The same chain ``safenet match`` runs (:mod:`safenet.center.decide`): in the reads'
time order, each matched read with its drafts and its weaker matches (evidence) is
observed; a draft becomes an alert, a candidate shown at once, or is held for
corroboration (taken out of the read's hits until a later read surfaces it, or
dropped when its hold runs out). With the store (:mod:`safenet.center.decision_store`)
the chain first catches up with the database: on start what it held and observed
before, then what the site's other queue workers observed meanwhile. When the stage
fails for a read, its drafts go on as the per-read matcher made them (the safe side:
shown, not hidden).
"""

from __future__ import annotations

from safenet.center.context import PipelineContext
from safenet.center.stages.base import Batch
from safenet.tracking import GeoPoint


def run(ctx: PipelineContext, batch: Batch) -> None:
    decisions = ctx.decisions
    if decisions is None:
        return
    matched = [i for i in batch.items if i.hits or i.evidence]
    if not matched:
        return
    decisions.sync(ctx.hotlist.matcher.index, ctx.hotlist.entry)
    # Restored from the database once; then what the site's other workers observed.
    decisions.catch_up()
    for item in sorted(matched, key=lambda i: i.incoming.ts):
        camera = item.camera
        point = None if camera is None else GeoPoint(camera.lat, camera.lon)
        decisions.decide(item, point)
