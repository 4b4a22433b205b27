"""Held candidates survive a restart and are shared by a site's pipelines (issue 17).

The decision chain's state is in the center's database (:mod:`safenet.center.decision_store`):
a center that stops and starts again still holds its candidates, and a read after the
restart corroborates one held before it; a hold that ran out while the center was down
is dropped, never written; two pipelines of one site (what two queue workers are) see
each other's held candidates and surface one exactly once. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from safenet.center.cameras import CameraRegistry
from safenet.center.context import PipelineContext
from safenet.center.decision_store import decision_held, decision_journal
from safenet.center.hotlist import Hotlist
from safenet.center.metrics import CenterMetrics
from safenet.center.pipeline import Pipeline
from safenet.center.tables import hits
from safenet.center.types import IncomingRead, ReadFate, ReadItem
from safenet.store import Database, open_database
from tests.center.conftest import (
    SITE,
    CenterEnv,
    Clock,
    center_settings,
    entry,
    read,
    running_center,
)


def _hits(db: Database) -> list[sa.Row[tuple[object, ...]]]:
    with db.read() as conn:
        return list(conn.execute(sa.select(hits).order_by(hits.c.read_at)).all())


def _held_rows(db: Database) -> list[sa.Row[tuple[object, ...]]]:
    with db.read() as conn:
        return list(conn.execute(sa.select(decision_held)).all())


async def _hold_one(center: CenterEnv, t: datetime) -> None:
    """A weak read of a look-alike plate: held for corroboration, nothing written."""
    await center.snapshot([entry("E1", "12가3456")])
    await center.post([read("r1", "12거3456", t, camera="SC-01", confidence=0.7)])
    decisions = center.service.ctx.decisions
    assert decisions is not None
    assert decisions.held == 1
    assert _hits(center.service.db) == []
    (row,) = _held_rows(center.service.db)
    assert (row.read_key, row.entry_id) == ("SC-01/r1", "E1")


async def test_a_candidate_held_before_a_restart_is_surfaced_by_a_read_after_it(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await _hold_one(center, t)
    async with running_center(db_url, tmp_path, clock=clock) as center:
        decisions = center.service.ctx.decisions
        assert decisions is not None
        # The wanted plate itself, 20 s later, 150 m away: the same car.
        await center.post([read("r2", "12가3456", t + timedelta(seconds=20), camera="SC-05")])
        reports = await center.reports(2)
        assert {r.decision for r in reports} == {"alert", "candidate"}
        by_read = {h.read_id: h for h in _hits(center.service.db)}
        assert set(by_read) == {"r1", "r2"}
        assert by_read["r1"].decision_rule == "corroborated"
        assert by_read["r1"].assessment["surfaced_after_s"] == 20.0
        assert _held_rows(center.service.db) == []
        assert decisions.held == 0


async def test_a_hold_that_ran_out_in_stream_time_while_down_is_dropped_never_written(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await _hold_one(center, t)
    clock.advance(seconds=120)
    async with running_center(db_url, tmp_path, clock=clock) as center:
        # 120 s later: the 60 s hold ran out before this read; it corroborates nothing.
        await center.post([read("r2", "12가3456", t + timedelta(seconds=120), camera="SC-05")])
        (report,) = await center.reports(1)
        assert report.decision == "alert"
        await center.settle()
        assert [h.read_id for h in _hits(center.service.db)] == ["r2"]
        assert len(center.police.of("LocationReport")) == 1
        assert _held_rows(center.service.db) == []


async def test_a_hold_that_ran_out_on_the_wall_clock_while_down_is_dropped_on_start(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await _hold_one(center, t)
    async with running_center(db_url, tmp_path, clock=clock) as center:
        decisions = center.service.ctx.decisions
        assert decisions is not None
        # The center was down for 2 minutes (no read came meanwhile to move the clock).
        decisions._wall = lambda: time.time() + 120.0
        assert await asyncio.to_thread(decisions.advance) == 1
        assert decisions.held == 0
        assert _held_rows(center.service.db) == []
        # A read that would have corroborated it within its hold finds nothing held.
        await center.post([read("r2", "12가3456", t + timedelta(seconds=20), camera="SC-05")])
        await center.reports(1)
        await center.settle()
        assert [h.read_id for h in _hits(center.service.db)] == ["r2"]


def _lane(db_url: str, clock: Clock) -> tuple[Pipeline, Database]:
    """A second pipeline of the site on its own engine: what another queue worker runs."""
    db = open_database(db_url)
    registry = CameraRegistry(db)
    registry.load()
    hotlist = Hotlist(db, SITE, clock=clock)
    hotlist.load()
    ctx = PipelineContext.from_settings(
        center_settings(),
        site=SITE,
        db=db,
        registry=registry,
        hotlist=hotlist,
        metrics=CenterMetrics(),
        clock=clock,
    )
    return Pipeline(ctx), db


def _item(
    read_id: str, plate: str, at: datetime, camera: str, confidence: float = 0.95
) -> ReadItem:
    incoming = IncomingRead(
        read_id=read_id, camera_id=camera, ts=at, plate=plate, confidence=confidence
    )
    return ReadItem(incoming=incoming, ingested_at=time.perf_counter(), received_at=at)


async def test_held_on_one_pipeline_corroborated_on_another_is_surfaced_once(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await _hold_one(center, t)  # held by the center's own pipeline (worker 1)
        other, other_db = _lane(db_url, clock)
        try:
            # Worker 2 takes the corroborating read.
            (done,) = await asyncio.to_thread(
                other.run, [_item("r2", "12가3456", t + timedelta(seconds=20), "SC-05")]
            )
            assert done.fate is ReadFate.ACCEPTED
            by_read = {h.read_id: h for h in _hits(center.service.db)}
            assert set(by_read) == {"r1", "r2"}
            assert by_read["r1"].decision_rule == "corroborated"
            assert _held_rows(center.service.db) == []
            # Worker 1 then sees worker 2's read too (its chain surfaces r1 as well):
            # the held row is gone, so it writes nothing a second time.
            await center.post([read("r3", "12가3456", t + timedelta(seconds=40), camera="SC-02")])
            await center.settle()
            rows = _hits(center.service.db)
            assert sorted(h.read_id for h in rows) == ["r1", "r2", "r3"]
            decisions = center.service.ctx.decisions
            assert decisions is not None
            assert decisions.held == 0
            (r1,) = [h for h in rows if h.read_id == "r1"]
            await center.settle()
            reports = center.police.of("LocationReport")
            assert [r.hit_id for r in reports].count(r1.hit_id) == 1
        finally:
            other_db.dispose()


async def test_the_journal_keeps_only_the_chains_window(db_url: str, tmp_path: Path) -> None:
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await center.snapshot([entry("E1", "12가3456")])
        await center.post([read("a", "12가3456", t, camera="SC-01")])
        clock.advance(seconds=900)
        await center.post([read("b", "12가3456", t + timedelta(seconds=900), camera="SC-02")])
        decisions = center.service.ctx.decisions
        assert decisions is not None
        await asyncio.to_thread(decisions.advance)
        with center.service.db.read() as conn:
            keys = conn.execute(sa.select(decision_journal.c.read_key)).scalars().all()
        assert keys == ["SC-02/b"]


async def test_a_held_candidate_another_worker_dropped_is_never_written(
    db_url: str, tmp_path: Path
) -> None:
    # The attacker's case: worker 2's expiry dropped the candidate (its row deleted)
    # while worker 1 still holds it; worker 1's chain then sees a corroborating read.
    # Surfacing writes only what it takes the row of: dropped stays dropped.
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await _hold_one(center, t)
        with center.service.db.begin() as conn:
            conn.execute(decision_held.delete())
        await center.post([read("r2", "12가3456", t + timedelta(seconds=20), camera="SC-05")])
        await center.reports(1)
        await center.settle()
        assert [h.read_id for h in _hits(center.service.db)] == ["r2"]
        assert len(center.police.of("LocationReport")) == 1


async def test_the_neighbour_memory_is_the_same_after_a_restart(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await center.snapshot([entry("E1", "12가3456")])
        # A real car one character away, read surely at two cameras: remembered.
        await center.post([read("n1", "12거3456", t, camera="SC-01", confidence=0.97)])
        await center.post(
            [read("n2", "12거3456", t + timedelta(seconds=30), camera="SC-02", confidence=0.96)]
        )
        # A quarter of an hour later: those reads left the journal's window, not the memory.
        clock.advance(seconds=900)
        await center.post([read("x", "12가3456", t + timedelta(seconds=900), camera="SC-03")])
        decisions = center.service.ctx.decisions
        assert decisions is not None
        await asyncio.to_thread(decisions.advance)
        with center.service.db.read() as conn:
            keys = conn.execute(sa.select(decision_journal.c.read_key)).scalars().all()
        assert keys == ["SC-03/x"]
        memory = decisions.chain.memory("E1")
        assert memory is not None
        before = memory.to_rows()
        assert [(plate, camera) for plate, camera, *_ in before] == [
            ("12거3456", "SC-01"),
            ("12거3456", "SC-02"),
        ]
    async with running_center(db_url, tmp_path, clock=clock) as center:
        decisions = center.service.ctx.decisions
        assert decisions is not None
        await asyncio.to_thread(decisions.advance)
        memory = decisions.chain.memory("E1")
        assert memory is not None
        assert memory.to_rows() == before


async def test_a_candidate_corroborated_within_its_own_batch_is_written_with_that_batch(
    db_url: str, tmp_path: Path
) -> None:
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await center.snapshot([entry("E1", "12가3456")])
        lane, lane_db = _lane(db_url, clock)
        try:
            batch = [
                _item("r1", "12거3456", t, "SC-01", confidence=0.7),
                _item("r2", "12가3456", t + timedelta(seconds=20), "SC-05"),
            ]
            await asyncio.to_thread(lane.run, batch)
            # No later batch comes: the corroborated candidate is written all the same.
            by_read = {h.read_id: h for h in _hits(center.service.db)}
            assert set(by_read) == {"r1", "r2"}
            assert by_read["r1"].decision_rule == "corroborated"
            assert _held_rows(center.service.db) == []
        finally:
            lane_db.dispose()


async def test_the_look_alike_traffic_is_the_same_after_a_restart(
    db_url: str, tmp_path: Path
) -> None:
    """The crowd of look-alike passes spans an hour, beyond the journal's window: a center
    that restarts must weigh the next read against the same crowd, not an empty one."""
    clock = Clock()
    t = clock()
    async with running_center(db_url, tmp_path, clock=clock) as center:
        await center.snapshot([entry("E1", "12가3456")])
        # Two real cars one character away, read surely: the entry's look-alike traffic.
        await center.post([read("n1", "12가3457", t, camera="SC-01", confidence=0.97)])
        await center.post(
            [read("n2", "12가3457", t + timedelta(seconds=30), camera="SC-02", confidence=0.99)]
        )
        await center.post(
            [read("n3", "12가3458", t + timedelta(seconds=40), camera="SC-03", confidence=0.98)]
        )
        # Twenty minutes later: out of the journal's window, inside the traffic's hour.
        clock.advance(seconds=1200)
        await center.post([read("x", "12가3456", t + timedelta(seconds=1200), camera="SC-04")])
        decisions = center.service.ctx.decisions
        assert decisions is not None
        await asyncio.to_thread(decisions.advance)
        with center.service.db.read() as conn:
            keys = conn.execute(sa.select(decision_journal.c.read_key)).scalars().all()
        assert keys == ["SC-04/x"]
        traffic = decisions.chain.traffic("E1")
        assert traffic is not None
        before = traffic.to_rows()
        crowd = traffic.crowd(t.timestamp() + 1200)
        assert crowd == 3
        assert [(plate, frame.camera_id) for plate, _f, _l, _s, frame, _o in before] == [
            ("12가3457", "SC-01"),
            ("12가3457", "SC-02"),
            ("12가3458", "SC-03"),
        ]
    async with running_center(db_url, tmp_path, clock=clock) as center:
        decisions = center.service.ctx.decisions
        assert decisions is not None
        await asyncio.to_thread(decisions.advance)
        traffic = decisions.chain.traffic("E1")
        assert traffic is not None
        assert traffic.to_rows() == before
        assert traffic.crowd(t.timestamp() + 1200) == crowd


async def test_a_look_alike_pass_two_writers_saw_is_kept_once_at_its_latest(
    db_url: str,
) -> None:
    """Two queue workers of a site that both noted a pass write it without a conflict."""
    from safenet.center.decision_store import DecisionStore, decision_traffic
    from safenet.matching.decision import Observation
    from safenet.store.migrate import migrate

    db = open_database(db_url)
    migrate(db, "center")
    try:
        first = Observation("SC-01/n1", "SC-01", 100.0, "12가3457", 0.95)
        surer = Observation("SC-01/n2", "SC-01", 101.0, "12가3457", 0.99)
        one, two = DecisionStore(db, writer="w1"), DecisionStore(db, writer="w2")
        with db.begin() as conn:
            two.write(conn, [], [], {}, (), [("E1", ("12가3457", 100.0, 101.0, 4.0, surer, 1))])
        with db.begin() as conn:  # the older state, written late: it loses
            one.write(conn, [], [], {}, (), [("E1", ("12가3457", 100.0, 100.0, 2.0, first, 0))])
        with db.read() as conn:
            (row,) = conn.execute(sa.select(decision_traffic)).all()
        assert (row.last_ts, row.sureness, row.frame["read_id"]) == (101.0, 4.0, "SC-01/n2")
        (kept,) = one.traffic()["E1"]
        assert kept == ("12가3457", 100.0, 101.0, 4.0, surer, 1)
        # an entry no longer listed loses its traffic
        one.prune(0.0, 0.0, set(), traffic_before=0.0)
        assert one.traffic() == {}
    finally:
        db.dispose()
