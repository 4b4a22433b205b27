"""A stage that fails marks the read it failed on, and the batch goes on."""

from __future__ import annotations

import sqlalchemy as sa

from safenet.center.ingest.schema import parse_read
from safenet.center.pipeline import STAGES, OnFailure, Pipeline, Stage
from safenet.center.stages.base import Batch
from safenet.center.tables import reads
from safenet.center.types import ReadFate, RejectCode
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


async def test_a_failing_match_keeps_the_read(sqlite_center: CenterEnv) -> None:
    center = sqlite_center
    pipeline = Pipeline(center.service.ctx, _poisoned("match", OnFailure.CONTINUE, "odd"))
    now = center.clock()
    incoming = [parse_read(read("odd", "12가3456", now), max_snapshot_bytes=1024)]
    (item,) = pipeline.run(center.service.runner.items_for(incoming, now))
    assert item.fate is ReadFate.ACCEPTED
    assert item.notes == ["match failed"]
