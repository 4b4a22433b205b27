"""The reconciliation of ``safenet bench e2e``: each way a hit or read can go missing counts.

Pure bookkeeping (no services): what the driver saw (:class:`Load`) against what the
databases hold (:class:`Reconciled`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from safenet.bench.e2e_drive import Load
from safenet.bench.e2e_faults import Reconciled


def _load() -> Load:
    load = Load()
    load.accept("c1", ["r1", "r2", "r3"])
    load.wanted_accepted = {"hit-a", "hit-b"}
    load.alerts = {"hit-a": [1.0]}
    load.reread = {"hit-b"}
    return load


def test_everything_through_is_nothing_lost_nor_doubled() -> None:
    state = Reconciled(
        committed={"hit-a", "hit-b"},
        stored={"hit-a", "hit-b"},
        persisted_reads={"c1": {"r1", "r2", "r3"}},
    )
    assert sum(state.lost_parts(_load()).values()) == 0
    assert state.duplicates(_load()) == 0


def test_each_stage_that_drops_a_hit_or_a_read_is_counted() -> None:
    load = _load()
    load.reread = set()  # hit-b never reached the officer
    state = Reconciled(
        committed={"hit-b", "hit-c"},  # hit-a accepted, never committed; hit-c not stored
        stored={"hit-b"},
        persisted_reads={"c1": {"r1"}},  # r2 and r3 accepted (PUBACK), never stored
    )
    assert state.lost_parts(load) == {
        "not_committed": 1,
        "not_at_police": 1,
        "not_delivered": 1,
        "reads_not_persisted": 2,
    }
    assert state.missing_reads(load) == ["c1/r2", "c1/r3"]


def test_a_hit_alerted_twice_or_delivered_twice_is_doubled() -> None:
    load = _load()
    load.alerts["hit-a"].append(2.0)
    state = Reconciled(committed={"hit-a"}, stored={"hit-a"}, alerted_twice=1)
    assert state.duplicates(load) == 2


def test_find_max_steps_up_by_half_then_narrows_the_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    from safenet.bench import e2e_run

    monkeypatch.setattr(e2e_run, "held", lambda step: step["ok"])

    def runs(*pairs: tuple[float, bool]) -> list[dict[str, Any]]:
        return [{"rate": r, "ok": ok} for r, ok in pairs]

    assert e2e_run._next_rate(runs((2000, True))) == 3000
    assert e2e_run._next_rate(runs((2000, True), (3000, False))) == 2500
    assert e2e_run._next_rate(runs((2000, True), (3000, False), (2500, True))) == 2750
    # within 10 %: done; nothing held: done
    assert (
        e2e_run._next_rate(runs((2000, True), (3000, False), (2500, True), (2750, False))) is None
    )
    assert e2e_run._next_rate(runs((2000, False))) is None


def test_reconcile_counts_only_the_hits_of_its_own_run(tmp_path: Path) -> None:
    """A --find-max search runs step after step on the same databases: the hits of an
    earlier step are not this step's (else every step "lost" the previous ones)."""
    import sqlalchemy as sa

    from safenet.bench.e2e_faults import reconcile

    urls = {site: f"sqlite:///{tmp_path / site}.db" for site in ("police", "c1")}
    center = sa.create_engine(urls["c1"])
    police = sa.create_engine(urls["police"])
    with center.begin() as conn:
        conn.execute(sa.text("CREATE TABLE hits (hit_id text)"))
        conn.execute(sa.text("CREATE TABLE reads (read_id text)"))
        conn.execute(sa.text("INSERT INTO hits VALUES ('hit-old'), ('hit-new')"))
    with police.begin() as conn:
        conn.execute(sa.text("CREATE TABLE police_hits (id int, hit_id text, alerted bool)"))
        conn.execute(sa.text("CREATE TABLE police_alerts (hit_row int, kind text)"))
        conn.execute(sa.text("INSERT INTO police_hits VALUES (1, 'hit-old', 1), (2, 'hit-new', 1)"))
        conn.execute(sa.text("INSERT INTO police_alerts VALUES (1, 'hit'), (1, 'hit'), (2, 'hit')"))
    center.dispose()
    police.dispose()

    class Topology:
        centers: ClassVar[list[str]] = ["c1"]

        def database_url(self, site: str) -> str:
            return urls[site]

    state = reconcile(Topology(), scope={"hit-new"})  # type: ignore[arg-type]
    assert state.committed == state.stored == {"hit-new"}
    assert state.alerted_twice == 0  # hit-old's double belongs to its own run
    assert reconcile(Topology()).alerted_twice == 1  # type: ignore[arg-type]
