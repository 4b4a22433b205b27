"""The hit checks, declared once: what every hit goes through between its match and its write.

A match becomes a hit draft (:func:`safenet.center.hits.draft_hit`); before it is
written, :data:`HIT_CHECKS` run over the drafts, in this order and in the reads' time
order. The live pipeline runs each check as one of its stages
(:data:`safenet.center.pipeline.STAGES`); the retrospective look-up runs the same
declaration over the hits it found in the retained reads (:func:`run_hit_checks`).

- ``plausibility``: could the vehicle have come from the entry's previous hit? An
  impossible journey is written into the hit and its report; it never suppresses it.
- ``suppress``: one report per entry per camera within ``center.alert_window_s``.

A check that fails for a read is retried read by read (:mod:`safenet.center.guard`);
a read it still fails on goes on with the check in its ``not_done`` set, and
:func:`mark_not_done` writes into its hits what that means (the journey "not judged";
a hit not suppressed is reported).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from safenet.center.context import PipelineContext
from safenet.center.guard import run_guarded
from safenet.center.hits import HitHistory, judge_journey, suppress
from safenet.center.types import CameraInfo, HitDraft, Step

log = logging.getLogger(__name__)


class CheckedRead(Protocol):
    """A read with its hit drafts, as the checks see it (live or retained)."""

    @property
    def camera_id(self) -> str: ...

    @property
    def read_at(self) -> datetime: ...

    @property
    def camera(self) -> CameraInfo | None: ...

    @property
    def hits(self) -> list[HitDraft]: ...

    @property
    def not_done(self) -> set[Step]: ...


CheckRun = Callable[[PipelineContext, Sequence[CheckedRead], HitHistory], None]


@dataclass(frozen=True)
class HitCheck:
    """One check every hit goes through, and what a hit says when it could not be done."""

    step: Step
    run: CheckRun
    purpose: str
    when_not_done: Callable[[HitDraft], None]


def _matched(reads: Sequence[CheckedRead], history: HitHistory) -> list[CheckedRead]:
    """The reads with hits, oldest first, with their entries' earlier hits loaded."""
    matched = sorted((r for r in reads if r.hits), key=lambda r: r.read_at)
    history.preload(d.entry.entry_id for r in matched for d in r.hits)
    return matched


def _plausibility(ctx: PipelineContext, reads: Sequence[CheckedRead], history: HitHistory) -> None:
    for read in _matched(reads, history):
        if read.camera is None:
            continue
        for draft in read.hits:
            judge_journey(
                draft,
                site=ctx.site,
                camera=read.camera,
                read_at=read.read_at,
                history=history,
                locate=ctx.registry.get,
                policy=ctx.plausibility,
            )


def _suppress(ctx: PipelineContext, reads: Sequence[CheckedRead], history: HitHistory) -> None:
    for read in _matched(reads, history):
        for draft in read.hits:
            suppress(draft, read.camera_id, read.read_at, history, ctx.alert_window)


def _journey_not_judged(draft: HitDraft) -> None:
    draft.journey_note = draft.journey_note or "not judged: the check failed"


def _reported_anyway(draft: HitDraft) -> None:
    return None  # not suppressed: the hit is reported, which is the safe side


HIT_CHECKS: Final[tuple[HitCheck, ...]] = (
    HitCheck(
        Step.PLAUSIBILITY,
        _plausibility,
        "impossible journey since the entry's previous hit",
        _journey_not_judged,
    ),
    HitCheck(
        Step.SUPPRESS,
        _suppress,
        "one report per entry per camera within the alert window",
        _reported_anyway,
    ),
)
"""The hit checks, in order. Live and retrospective hits go through exactly these."""


def mark_not_done(read: CheckedRead) -> None:
    """Write into ``read``'s hits what each check that failed on it leaves undone."""
    for check in HIT_CHECKS:
        if check.step in read.not_done:
            for draft in read.hits:
                check.when_not_done(draft)


def run_hit_checks(
    ctx: PipelineContext,
    reads: Sequence[CheckedRead],
    history: HitHistory,
    checks: Sequence[HitCheck] = HIT_CHECKS,
) -> None:
    """Run every check over ``reads`` as the pipeline would (the retrospective look-up)."""
    for check in checks:
        _run_check(check, ctx, reads, history)
    for read in reads:
        mark_not_done(read)


def _run_check(
    check: HitCheck, ctx: PipelineContext, reads: Sequence[CheckedRead], history: HitHistory
) -> None:
    def run(batch: list[CheckedRead]) -> None:
        check.run(ctx, batch, history)

    def failed(read: CheckedRead, exc: Exception) -> None:
        ctx.metrics.stage_failures.labels(stage=check.step.value).inc()
        log.error(
            "hit checks: %s failed for a read of camera %s: %s",
            check.step,
            read.camera_id,
            type(exc).__name__,
        )
        read.not_done.add(check.step)

    run_guarded(check.step, run, reads, failed)
