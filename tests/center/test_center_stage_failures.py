"""A stage that fails marks the read it failed on, and the batch goes on."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from safenet.center.checks import HIT_CHECKS, HitCheck
from safenet.center.ingest.schema import parse_read
from safenet.center.pipeline import STAGES, OnFailure, Pipeline, Stage
from safenet.center.retro import RetroLookup
from safenet.center.stages.base import Batch
from safenet.center.tables import reads
from safenet.center.types import ReadFate, ReadItem, RejectCode, Step
from tests.center.conftest import CenterEnv, entry, read


def _poisoned(name: str, on_failure: OnFailure, bad_id: str) -> list[Stage]:
    stages = list(STAGES)
    index = next(i for i, s in enumerate(stages) if s.name == name)
    real = stages[index]

    def run(ctx, batch: Batch) -> None:  # type: ignore[no-untyped-def]
        if any(i.incoming.read_id == bad_id for i in batch.items):
            raise RuntimeError("poison")
        real.run(ctx, batch)

    stages[index] = Stage(name, run, on_failure, real.purpose)
    return stages


async def test_a_failing_persist_rejects_only_its_read(sqlite_center: CenterEnv) -> None:
    center = sqlite_center
    await center.snapshot([entry("E1", "12가3456")])
    pipeline = Pipeline(center.service.ctx, _poisoned("persist", OnFailure.REJECT, "bad"))
    now = center.clock()
    incoming = [
        parse_read(read(i, p, now, camera=c), max_snapshot_bytes=1024)
        for i, p, c in (
            ("ok", "12가3456", "SC-01"),
            ("bad", "34나5678", "SC-02"),
            ("ok2", "56다7890", "SC-03"),
        )
    ]
    items = pipeline.run(center.service.runner.items_for(incoming, now))
    assert [i.fate for i in items] == [ReadFate.ACCEPTED, ReadFate.REJECTED, ReadFate.ACCEPTED]
    assert items[1].rejection is not None
    assert items[1].rejection.code is RejectCode.PIPELINE
    with center.service.db.read() as conn:
        stored = set(conn.execute(sa.select(reads.c.read_id)).scalars())
    assert stored == {"ok", "ok2"}
    (report,) = await center.reports(1)
    assert report.entry_id == "E1"
    assert center.service.metrics.stage_failures.labels(stage="persist")._value.get() == 1


def _run_one(center: CenterEnv, stage: str, read_id: str) -> ReadItem:
    """One read of the wanted plate through the pipeline with ``stage`` failing on it."""
    pipeline = Pipeline(center.service.ctx, _poisoned(stage, OnFailure.CONTINUE, read_id))
    now = center.clock()
    incoming = [parse_read(read(read_id, "12가3456", now), max_snapshot_bytes=1024)]
    (item,) = pipeline.run(center.service.runner.items_for(incoming, now))
    return item


async def test_a_failing_match_keeps_the_read(sqlite_center: CenterEnv) -> None:
    item = _run_one(sqlite_center, "match", "odd")
    assert item.fate is ReadFate.ACCEPTED
    assert item.not_done == {Step.MATCH}


async def test_a_failing_plausibility_check_reports_the_hit_as_not_judged(
    sqlite_center: CenterEnv,
) -> None:
    center = sqlite_center
    await center.snapshot([entry("E1", "12가3456")])
    item = _run_one(center, "plausibility", "r1")
    assert item.fate is ReadFate.ACCEPTED
    assert item.not_done == {Step.PLAUSIBILITY}
    (report,) = await center.reports(1)
    assert "Journey: not judged: the check failed." in report.explanation


def test_live_and_retrospective_hits_go_through_one_declaration_of_checks() -> None:
    steps = [c.step for c in HIT_CHECKS]
    names = [s.name for s in STAGES]
    first = names.index(steps[0])
    assert names[first : first + len(steps)] == steps
    assert RetroLookup.__init__.__defaults__ == (HIT_CHECKS,)


async def test_the_retrospective_look_up_keeps_a_hit_whose_check_failed(
    sqlite_center: CenterEnv,
) -> None:
    # The same failure rule as live: the check is retried read by read, and the read it
    # still fails on is reported, saying what was not done; the look-up does not stall.
    center = sqlite_center
    await center.snapshot([entry("E1", "12가3456")])
    seen = center.clock() - timedelta(hours=1)
    await center.post([read("old-1", "78라1234", seen, camera="SC-02")])

    def poison(*_: object) -> None:
        raise RuntimeError("poison")

    plausibility, *rest = HIT_CHECKS
    center.service.retro.checks = (
        HitCheck(plausibility.step, poison, plausibility.purpose, plausibility.when_not_done),
        *rest,
    )
    await center.delta(added=[entry("E2", "78라1234")])
    (report,) = await center.reports(1)
    assert report.retrospective is True
    assert "Journey: not judged: the check failed." in report.explanation
    assert center.service.metrics.stage_failures.labels(stage="plausibility")._value.get() == 1
