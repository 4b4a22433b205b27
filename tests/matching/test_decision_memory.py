"""Neighbour memory: real plates near an entry, read surely, remembered beyond the window."""

from __future__ import annotations

import math

import pytest

from safenet.matching import HotlistEntry, HotlistIndex, Read
from safenet.matching.decision import (
    Calibration,
    Decision,
    DecisionChain,
    DecisionPolicy,
    Rule,
    State,
)
from safenet.matching.decision.adapt import wanted_of
from safenet.matching.decision.evidence import sureness
from safenet.matching.decision.memory import NeighbourMemory
from safenet.matching.decision.stream import decide_batch
from safenet.tracking import GeoPoint, destination_point

PLAIN = Calibration(
    intercept=0.0,
    weights={
        "plate": 1.0,
        "exact": 2.0,
        "colour": 1.0,
        "type": 1.0,
        "make": 1.0,
        "support": 2.0,
        "against": 2.0,
    },
    surface_at=0.2,
)
ORIGIN = GeoPoint(37.50, 127.03)
CAMERAS = {"a": ORIGIN, "b": destination_point(ORIGIN, 800, 90)}
WANTED = HotlistEntry("w1", "123가4567")
NEIGHBOUR = "123거4567"  # a real car one character away
HOUR = 3600.0


def memory(**kw: float) -> NeighbourMemory:
    args: dict[str, float] = {
        "max_age_s": 10 * HOUR,
        "max_plates": 3,
        "max_passes": 4,
        "min_sureness": sureness(0.9),
        "pass_gap_s": 5.0,
    }
    args.update(kw)
    return NeighbourMemory(
        max_age_s=args["max_age_s"],
        max_plates=int(args["max_plates"]),
        max_passes=int(args["max_passes"]),
        min_sureness=args["min_sureness"],
        pass_gap_s=args["pass_gap_s"],
    )


def run(
    reads: list[Read], policy: DecisionPolicy | None = None
) -> tuple[DecisionChain, list[Decision]]:
    index, _ = HotlistIndex.build([WANTED])
    chain = DecisionChain([wanted_of(WANTED, index)[0]], policy, PLAIN)
    return chain, decide_batch(chain, index, reads, CAMERAS.get)


def first(decisions: list[Decision], read_id: str) -> Decision:
    return next(d for d in decisions if d.read_id == read_id)


# -- the memory alone ---------------------------------------------------------------------


def test_only_sure_reads_are_remembered() -> None:
    m = memory()
    assert not m.remember("A", "a", 0.0, sureness(0.85))
    assert m.remember("A", "a", 0.0, sureness(0.95))
    assert len(m) == 1


def test_a_camera_pass_counts_once_by_its_surest_frame() -> None:
    m = memory()
    for ts, conf in ((0.0, 0.92), (1.0, 0.99), (2.0, 0.95)):
        m.remember("A", "a", ts, sureness(conf))
    m.remember("A", "b", 3.0, sureness(0.95))  # another camera: another pass
    m.remember("A", "a", 100.0, sureness(0.93))  # the same camera later: another pass
    total, n = m.sureness("A", 10 * HOUR - 1, window_s=300.0)
    assert n == 3
    assert math.isclose(total, sureness(0.99) + sureness(0.95) + sureness(0.93))


def test_memory_is_bounded_in_plates_and_passes() -> None:
    m = memory(max_plates=3, max_passes=4)
    for i in range(10):
        m.remember(f"P{i}", "a", float(i), sureness(0.95))
    assert len(m) == 3
    assert m.sureness("P0", 1000.0, 0.0) == (0.0, 0)  # the least recently read went
    for i in range(10):
        m.remember("P9", "a", 100.0 * i, sureness(0.95))
    assert m.sureness("P9", 2000.0, 0.0)[1] == 4  # the newest four passes
    assert m.passes <= 3 * 4


def test_memory_forgets_what_is_older_than_its_age() -> None:
    m = memory(max_age_s=HOUR)
    m.remember("A", "a", 0.0, sureness(0.95))
    assert m.sureness("A", 0.5 * HOUR, 60.0)[1] == 1
    assert m.sureness("A", 1.5 * HOUR, 60.0)[1] == 0  # too old to count
    m.remember("B", "a", 2 * HOUR, sureness(0.95))  # remembering sweeps old plates away
    assert len(m) == 1


def test_memory_leaves_the_window_to_the_window() -> None:
    m = memory()
    m.remember("A", "a", 1000.0, sureness(0.95))
    assert m.sureness("A", 1200.0, window_s=300.0) == (0.0, 0)  # inside the window
    assert m.sureness("A", 1400.0, window_s=300.0)[1] == 1


# -- in the chain -------------------------------------------------------------------------


def test_a_neighbour_read_surely_hours_ago_lowers_its_later_candidate() -> None:
    trip = [Read("n1", "a", 0.0, NEIGHBOUR, 0.97), Read("n2", "b", 60.0, NEIGHBOUR, 0.96)]
    later = Read("later", "a", 5 * HOUR, NEIGHBOUR, 0.6)
    _, alone = run([later])
    chain, remembered = run([*trip, later])
    plain, lowered = first(alone, "later"), first(remembered, "later")
    assert lowered.features.memory_reads == 2
    assert lowered.features.against < plain.features.against
    assert lowered.score < plain.score
    against = next(f for f in lowered.factors if f.factor == "against")
    assert against.code == "other_plate"
    assert against.params["n"] == 2
    assert "earlier" in against.en
    assert lowered.group == ("w1", NEIGHBOUR)  # its own queue item, as a repeated plate
    held = chain.memory("w1")
    assert held is not None
    assert len(held) == 1


def test_memory_off_changes_nothing() -> None:
    off = DecisionPolicy(memory_plates=0)
    trip = [Read("n1", "a", 0.0, NEIGHBOUR, 0.97)]
    later = Read("later", "a", 5 * HOUR, NEIGHBOUR, 0.6)
    _, alone = run([later], off)
    _, with_trip = run([*trip, later], off)
    assert first(alone, "later").score == first(with_trip, "later").score


def test_unsure_reads_and_old_reads_are_not_remembered_against() -> None:
    unsure = [Read("n1", "a", 0.0, NEIGHBOUR, 0.8)]
    later = Read("later", "a", 5 * HOUR, NEIGHBOUR, 0.6)
    _, alone = run([later])
    _, after_unsure = run([*unsure, later])
    assert first(after_unsure, "later").score == first(alone, "later").score
    old = Read("old", "a", 0.0, NEIGHBOUR, 0.97)
    too_late = Read("later", "a", 30 * HOUR, NEIGHBOUR, 0.6)
    _, alone_late = run([too_late])
    _, after_old = run([old, too_late])  # 30 h later: past the 24 h memory
    assert first(after_old, "later").score == first(alone_late, "later").score


def test_memory_never_touches_an_exact_read() -> None:
    trips = [Read(f"n{i}", "a", i * HOUR, NEIGHBOUR, 0.99) for i in range(8)]
    exact = Read("exact", "b", 10 * HOUR, WANTED.plate, 0.95)
    _, alone = run([exact])
    _, after = run([*trips, exact])
    plain, mine = first(alone, "exact"), first(after, "exact")
    assert mine.state is State.ALERT
    assert mine.rule is Rule.EXACT
    assert mine.surfaced_ts == mine.decided_ts == exact.ts
    assert mine.features.memory_reads == 0
    assert mine.score == plain.score


def test_memory_survives_the_window_and_goes_with_the_entry() -> None:
    chain, _ = run(
        [Read("n1", "a", 0.0, NEIGHBOUR, 0.97), Read("x", "a", 2 * HOUR, "99허9999", 0.9)]
    )
    assert chain.memory("w1") is not None
    chain.remove_wanted("w1")
    assert chain.memory("w1") is None


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("memory_s", -1.0, "memory_s must be a number of seconds >= 0"),
        ("memory_confidence", 1.0, "memory_confidence must be above 0 and below 1"),
        ("memory_plates", -1, "memory_plates must be a whole number >= 0"),
        ("memory_passes", 2.5, "memory_passes must be a whole number >= 0"),
    ],
)
def test_bad_memory_settings_are_refused_by_name(field: str, value: float, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        DecisionPolicy(**{field: value})  # type: ignore[arg-type]


def test_the_memory_ablation_measures_both_ways_on_one_corpus() -> None:
    from safenet.bench.match_decide import prepare
    from safenet.bench.match_journey_grid import grid_corpus
    from safenet.bench.match_memory import run as ablate

    prepared = prepare(grid_corpus(60, 4_000, seed=5))
    off = ablate(prepared, PLAIN, 0.5, memory=False)
    on = ablate(prepared, PLAIN, 0.5, memory=True)
    # memory only ever lowers a non-exact score: it can only take lines away
    assert on["false per M"] <= off["false per M"]
    assert on["wanted surfaced"] <= off["wanted surfaced"]
    assert on["wanted read"] == off["wanted read"] > 0
