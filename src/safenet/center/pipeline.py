"""The read pipeline, declared once, in order: what happens to every plate a camera reads.

::

    normalize -> deduplicate -> match -> decide -> plausibility -> suppress -> persist -> learn

Reads go through in batches (one call to the matcher's batch path, one transaction).
A stage that fails for a batch is retried read by read (:mod:`safenet.center.guard`);
a read it still fails on is marked and the stream goes on: the batch is never lost.
What a failure means for the read is the stage's ``on_failure``:

- ``reject``: the read is refused with reason ``pipeline_error`` and the sender may
  send it again (normalize, persist: nothing of it was kept);
- ``continue``: the read goes on without what the stage would have added, the stage
  in its ``not_done``, and the failure is logged and counted (deduplicate: a
  duplicate may be stored; match: the read is stored unmatched; plausibility,
  suppress: the hit goes out unchecked).

Reads still in the stream after the last stage are accepted. The reports that persist
commits to the outbox wake the link relay with that commit
(:data:`safenet.link.outbox.COMMIT_TOPIC`): no stage has to.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from safenet.center.checks import HIT_CHECKS, HitCheck
from safenet.center.context import PipelineContext
from safenet.center.guard import run_guarded
from safenet.center.hits import HitHistory
from safenet.center.metrics import observe_many
from safenet.center.stages import decide, dedup, learn, match, normalize, persist
from safenet.center.stages.base import Batch
from safenet.center.types import HitState, ReadFate, ReadItem, RejectCode, Step

log = logging.getLogger(__name__)


class OnFailure(StrEnum):
    """What a stage's failure means for the read it failed on."""

    REJECT = "reject"
    CONTINUE = "continue"


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline."""

    name: Step
    run: Callable[[PipelineContext, Batch], None]
    on_failure: OnFailure
    purpose: str


def hit_check_stage(check: HitCheck) -> Stage:
    """A hit check (declared in :mod:`safenet.center.checks`) as a stage of the pipeline."""

    def run(ctx: PipelineContext, batch: Batch) -> None:
        check.run(ctx, batch.items, batch.history)

    return Stage(check.step, run, OnFailure.CONTINUE, check.purpose)


STAGES: Final[tuple[Stage, ...]] = (
    Stage(
        Step.NORMALIZE,
        normalize.run,
        OnFailure.REJECT,
        "plate text in its canonical spelling; time and camera checked",
    ),
    Stage(
        Step.DEDUPLICATE,
        dedup.run,
        OnFailure.CONTINUE,
        "drop a resent read, or the same plate at the same camera within the window",
    ),
    Stage(
        Step.MATCH,
        match.run,
        OnFailure.CONTINUE,
        "the batch against the hotlist in force; expired entries never match",
    ),
    Stage(
        Step.DECIDE,
        decide.run,
        OnFailure.CONTINUE,
        "the decision chain: alert, candidate now, or held for corroboration",
    ),
    *(hit_check_stage(check) for check in HIT_CHECKS),
    Stage(
        Step.PERSIST,
        persist.run,
        OnFailure.REJECT,
        "reads, snapshots, hits and reports in one transaction",
    ),
    Stage(
        Step.LEARN,
        learn.run,
        OnFailure.CONTINUE,
        "the committed reads counted as camera-to-camera transitions (counts only)",
    ),
)
"""The pipeline, in order. Nothing else decides what happens to a read.

A new stage is a module in :mod:`safenet.center.stages` with a ``run(ctx, batch)``, a
:class:`~safenet.center.types.Step` for its name, and a line here; a new check of every
hit (live and retrospective) goes into :data:`safenet.center.checks.HIT_CHECKS`.
"""


class Pipeline:
    """Runs batches of reads through :data:`STAGES` (synchronously; call from a worker thread)."""

    def __init__(self, ctx: PipelineContext, stages: Sequence[Stage] = STAGES) -> None:
        self.ctx = ctx
        self.stages = tuple(stages)

    def run(self, items: list[ReadItem]) -> list[ReadItem]:
        """Take ``items`` through every stage; each ends accepted, duplicate or rejected."""
        history = HitHistory(self.ctx.db)
        still = ReadFate.LIVE
        for stage in self.stages:
            live = [i for i in items if i.fate is still]  # ReadItem.live, without a call a read
            if not live:
                break
            self._run_stage(stage, live, history)
        for item in items:
            if item.fate is still:
                item.fate = ReadFate.ACCEPTED
        self._count(items)
        return items

    def _run_stage(self, stage: Stage, items: list[ReadItem], history: HitHistory) -> None:
        def run(batch: list[ReadItem]) -> None:
            stage.run(self.ctx, Batch(batch, history))

        def failed(item: ReadItem, exc: Exception) -> None:
            self._failed(stage, item, exc)

        run_guarded(stage.name, run, items, failed)

    def _failed(self, stage: Stage, item: ReadItem, exc: Exception) -> None:
        self.ctx.metrics.stage_failures.labels(stage=stage.name).inc()
        log.error(
            "pipeline: stage %s failed for read %s of camera %s: %s",
            stage.name,
            item.incoming.read_id,
            item.incoming.camera_id,
            type(exc).__name__,
        )
        if stage.on_failure is OnFailure.REJECT:
            item.reject(
                "", f"the {stage.name} stage failed; send the read again", RejectCode.PIPELINE
            )
        else:
            item.not_done.add(Step(stage.name))

    def _count(self, items: list[ReadItem]) -> None:
        metrics = self.ctx.metrics
        now = time.perf_counter()
        duplicates = 0
        latencies: list[float] = []
        for item in items:
            if item.fate is ReadFate.ACCEPTED:
                latencies.append(now - item.ingested_at)
                for draft in item.hits:
                    metrics.hits.labels(level=draft.level, state=draft.state.value).inc()
            elif item.fate is ReadFate.DUPLICATE:
                duplicates += 1
            elif item.rejection is not None:
                metrics.count_rejection(item.rejection.code.value)
        accepted = len(latencies)
        # One step per bucket for the whole batch, not one observation per read.
        observe_many(metrics.pipeline_latency, latencies)
        if accepted:
            metrics.reads.labels(outcome="accepted").inc(accepted)
            metrics.read_rate.add(accepted)
        if duplicates:
            metrics.reads.labels(outcome="duplicate").inc(duplicates)
        metrics.batch_reads.observe(len(items))
        hits = sum(len(i.hits) for i in items if i.fate is ReadFate.ACCEPTED)
        if hits:
            alerts = sum(
                1
                for i in items
                for d in i.hits
                if i.fate is ReadFate.ACCEPTED and d.state is HitState.ALERT
            )
            log.info("pipeline: %d reads accepted, %d hits (%d alerts)", accepted, hits, alerts)
