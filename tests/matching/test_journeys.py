"""The journey corpora and the benchmark's figures, on small cities."""

from __future__ import annotations

from pathlib import Path

import pytest

from safenet.bench.match_decide import Line, figures, prepare, run_chain
from safenet.bench.match_journey import JourneyCorpus, Role, Vehicle
from safenet.bench.match_journey_grid import grid_corpus
from safenet.bench.match_journey_roads import roads_corpus
from safenet.bench.match_journeys import _holds
from safenet.matching.decision import State

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def grid():
    return grid_corpus(60, 4_000, seed=5)


def test_grid_corpus_is_in_time_order_with_its_truth(grid) -> None:
    times = [float(r.ts) for r in grid.reads]
    assert times == sorted(times)
    assert len(grid.vehicle_of) == len(grid.reads)
    roles = {grid.vehicles[v].role for v in grid.vehicle_of}
    assert roles >= {Role.WANTED, Role.BACKGROUND}
    assert len(grid.entries) == 60
    assert all(grid.reads[i].camera_id in grid.cameras for i in range(len(grid.reads)))
    wanted_plates = {e.plate for e in grid.entries}
    for v in grid.vehicles:
        if v.role is Role.BACKGROUND:
            assert v.plate not in wanted_plates


def test_the_same_seed_makes_the_same_corpus() -> None:
    a, b = grid_corpus(20, 1_000, seed=9), grid_corpus(20, 1_000, seed=9)
    assert [r.plate for r in a.reads] == [r.plate for r in b.reads]


def test_roads_corpus_without_road_data_uses_a_flagged_stand_in() -> None:
    corpus = roads_corpus(20, 1_500, seed=2, data_dir=None)
    assert "synthetic" in corpus.how
    assert corpus.reads
    assert [float(r.ts) for r in corpus.reads] == sorted(float(r.ts) for r in corpus.reads)


@pytest.mark.skipif(not (DATA / "roads").is_dir(), reason="shared road data not present")
def test_roads_corpus_drives_the_real_central_seoul_graph() -> None:
    corpus = roads_corpus(20, 1_500, seed=2, data_dir=DATA)
    assert "OpenStreetMap" in corpus.how
    assert len(corpus.cameras) > 100


def test_figures_count_what_each_line_was(grid) -> None:
    prepared = prepare(grid)
    base = figures(grid, prepared.baseline)
    assert base["wanted read"] > 0
    assert base["wanted surfaced"] > 0.9
    lines, decisions, _ = run_chain(prepared, None)
    chain = figures(grid, lines)
    assert chain["false per M"] <= base["false per M"]
    assert decisions
    # a false alert on a background read is counted as one
    background = next(
        i for i, v in enumerate(grid.vehicle_of) if grid.vehicles[v].role is Role.BACKGROUND
    )
    fake = [Line(background, grid.entries[0].id, State.ALERT, float(grid.reads[background].ts))]
    counted = figures(grid, fake)
    assert counted["false alerts"] == 1
    assert counted["background per M"] == pytest.approx(1e6 / len(grid.reads))


def test_targets_say_which_hold() -> None:
    row = {"wanted surfaced": 0.995, "false per M": 12.0, "false alerts": 0, "delay p90 s": 30.0}
    assert _holds(row) == {
        ">= 99% surfaced": "holds",
        "<= 10 false/M": "MISSED",
        "0 false alerts": "holds",
        "p90 <= 60 s": "holds",
    }


def test_rings_corpus_is_in_time_order_with_valid_plates_and_neighbours() -> None:
    from collections import Counter

    from safenet.bench.match_journey import Role
    from safenet.bench.match_journey_rings import rings_corpus
    from safenet.plates import check

    corpus = rings_corpus(200, 6_000, seed=3)
    times = [float(r.ts) for r in corpus.reads]
    assert times == sorted(times)
    assert len(corpus.reads) == len(corpus.vehicle_of) >= 6_000
    roles = Counter(v.role for v in corpus.vehicles)
    assert roles[Role.WANTED] == 200
    assert roles[Role.NEIGHBOUR] > 0
    assert all(check(v.plate).valid for v in corpus.vehicles)
    assert {r.camera_id for r in corpus.reads} <= set(corpus.cameras)
    again = rings_corpus(200, 6_000, seed=3)
    assert [r.plate for r in again.reads[:200]] == [r.plate for r in corpus.reads[:200]]


def test_journey_corpora_are_one_list_and_an_unknown_name_is_refused() -> None:
    """A new corpus is one line in CORPORA; a name outside it is a clear error."""
    import pytest

    from safenet.bench import match_journeys

    assert tuple(match_journeys.CORPORA) == match_journeys.GENERATORS
    assert set(match_journeys.CORPORA) >= {"A", "B", "C"}
    with pytest.raises(ValueError, match="generator: unknown corpus 'Z'"):
        match_journeys.make_corpus("Z", 100, None)


def _tiny_corpus(vehicles: list[tuple[str, Role, str | None]]) -> JourneyCorpus:
    from safenet.matching import HotlistEntry, Read

    corpus = JourneyCorpus(
        "tiny",
        "three wanted fleet cars",
        [
            HotlistEntry("e1", "서울31사1234"),
            HotlistEntry("e2", "서울31사1236"),
            HotlistEntry("e3", "12가3456"),
        ],
        {},
        [Vehicle(p, role, e) for p, role, e in vehicles],
    )
    for i, (plate, _, _) in enumerate(vehicles):
        corpus.reads.append(Read(f"r{i}", "cam", float(i), plate, 0.99))
        corpus.vehicle_of.append(i)
    return corpus


def test_near_entries_are_every_entry_one_step_away() -> None:
    corpus = _tiny_corpus([])
    assert corpus.near_entries("서울31사1235") == {"e1", "e2"}  # between two fleet-mates
    assert corpus.near_entries("서울31사1234") == {"e2"}  # its own entry is not near itself
    assert corpus.near_entries("12거3456") == {"e3"}  # substitution
    assert corpus.near_entries("112가3456") == {"e3"}  # insertion
    assert corpus.near_entries("2가3456") == {"e3"}  # deletion
    assert corpus.near_entries("12가3546") == {"e3"}  # one character moved
    assert corpus.near_entries("12거3457") == frozenset()  # two steps
    assert corpus.near_entries("34나5678") == frozenset()


def test_a_false_line_on_a_car_near_two_entries_is_a_neighbour_line_for_both() -> None:
    corpus = _tiny_corpus(
        [
            ("서울31사1235", Role.NEIGHBOUR, "e1"),  # the corpus names the first entry only
            ("서울31사1234", Role.WANTED, "e1"),  # a wanted fleet-mate of e2
            ("34나5678", Role.BACKGROUND, None),
        ]
    )
    lines = [
        Line(0, "e2", State.CANDIDATE, 0.0),
        Line(1, "e2", State.CANDIDATE, 1.0),
        Line(2, "e3", State.CANDIDATE, 2.0),
    ]
    counted = figures(corpus, lines)
    assert counted["neighbour per M"] == pytest.approx(2e6 / 3)
    assert counted["background per M"] == pytest.approx(1e6 / 3)
