"""The reconciliation of ``safenet bench e2e``: each way a hit or read can go missing counts.

Pure bookkeeping (no services): what the driver saw (:class:`Load`) against what the
databases hold (:class:`Reconciled`).
"""

from __future__ import annotations

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
