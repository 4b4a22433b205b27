"""Generator D (fleets, two camera vendors): deterministic, consistent, in time order, fast."""

from __future__ import annotations

import time

import pytest

from safenet.bench.match_journey import JourneyCorpus, Role
from safenet.bench.match_journey_fleets import _one_away_keys, fleets_corpus
from safenet.bench.match_journeys import CORPORA, make_corpus
from safenet.plates import parse


@pytest.fixture(scope="module")
def fleets() -> JourneyCorpus:
    return fleets_corpus(40, 8_000, seed=3)


def test_a_small_corpus_is_made_quickly() -> None:
    started = time.perf_counter()
    corpus = fleets_corpus(40, 8_000, seed=4)
    assert time.perf_counter() - started < 10.0
    assert 8_000 <= len(corpus.reads) < 9_000  # background stops once the size is reached


def test_the_same_seed_makes_the_same_corpus_and_another_seed_does_not() -> None:
    a, b = fleets_corpus(20, 2_000, seed=9), fleets_corpus(20, 2_000, seed=9)
    assert a.reads == b.reads
    assert a.entries == b.entries
    assert a.vehicles == b.vehicles
    assert a.vehicle_of == b.vehicle_of
    assert fleets_corpus(20, 2_000, seed=10).reads != a.reads


def test_reads_are_in_time_order_at_known_cameras(fleets: JourneyCorpus) -> None:
    times = [float(r.ts) for r in fleets.reads]
    assert times == sorted(times)
    assert len(fleets.vehicle_of) == len(fleets.reads)
    assert {r.camera_id for r in fleets.reads} <= set(fleets.cameras)
    assert len({r.id for r in fleets.reads}) == len(fleets.reads)


def test_roles_and_entries_agree(fleets: JourneyCorpus) -> None:
    assert len(fleets.entries) == 40
    entry = {e.id: e for e in fleets.entries}
    assert len({e.plate for e in fleets.entries}) == 40
    wanted = [v for v in fleets.vehicles if v.role is Role.WANTED]
    assert sorted(v.plate for v in wanted) == sorted(e.plate for e in fleets.entries)
    for v in wanted:
        assert v.entry_id is not None
        assert entry[v.entry_id].plate == v.plate
    plates = {e.plate for e in fleets.entries}
    keys = {e.id: _one_away_keys(e.plate) for e in fleets.entries}
    for v in fleets.vehicles:
        if v.role is Role.NEIGHBOUR:
            assert v.entry_id is not None
            assert v.plate not in plates
            assert keys[v.entry_id] & _one_away_keys(v.plate)
        elif v.role is Role.BACKGROUND:
            assert v.entry_id is None
            assert not any(k & _one_away_keys(v.plate) for k in keys.values())
    assert len({v.plate for v in fleets.vehicles}) == len(fleets.vehicles)
    # every kind of vehicle is read, and the wanted cars are read more than once
    read_roles = {fleets.vehicles[v].role for v in fleets.vehicle_of}
    assert read_roles == {Role.WANTED, Role.NEIGHBOUR, Role.BACKGROUND}


def test_fleet_cars_have_consecutive_serials_and_neighbours(fleets: JourneyCorpus) -> None:
    fleet_entries = [
        e for e in fleets.entries if parse(e.plate).kind.value in ("commercial", "rental")
    ]
    assert len(fleet_entries) >= 0.35 * len(fleets.entries)
    plates = {v.plate for v in fleets.vehicles}
    # a wanted fleet car's next serial is on the road too, read as a neighbour
    with_mates = 0
    for e in fleet_entries:
        serial = int(e.plate[-4:])
        mates = {e.plate[:-4] + str(serial + d) for d in (-1, 1)}
        if mates & plates:
            with_mates += 1
    assert with_mates >= 0.9 * len(fleet_entries)
    roles = [v.role for v in fleets.vehicles if v.role is Role.NEIGHBOUR]
    assert len(roles) >= len(fleet_entries)


def test_the_two_vendors_differ(fleets: JourneyCorpus) -> None:
    truth = [fleets.vehicles[v].plate for v in fleets.vehicle_of]
    with_alternatives = {r.camera_id for r in fleets.reads if r.alternatives}
    never = {r.camera_id for r in fleets.reads} - with_alternatives
    assert with_alternatives
    assert never
    sure_misreads = [
        r
        for r, t in zip(fleets.reads, truth, strict=True)
        if r.plate != t and r.camera_id in never and r.confidence >= 0.9
    ]
    assert sure_misreads  # the overconfident vendor
    korean = {r.vehicle_colour for r in fleets.reads if r.camera_id in never} - {None}
    assert korean
    assert all(not c.isascii() for c in korean if c is not None)


def test_misreads_include_inserted_class_digits_and_vowel_swaps(fleets: JourneyCorpus) -> None:
    truth = [fleets.vehicles[v].plate for v in fleets.vehicle_of]
    pairs = [(r.plate, t) for r, t in zip(fleets.reads, truth, strict=True) if r.plate != t]
    assert 0.03 < len(pairs) / len(truth) < 0.25
    assert any(len(seen) == len(t) + 1 and seen[1:] == t for seen, t in pairs if t[0].isdigit())
    swapped = [
        (seen, t)
        for seen, t in pairs
        if len(seen) == len(t)
        and sum(a != b for a, b in zip(seen, t, strict=True)) == 1
        and any(not a.isdigit() and a != b for a, b in zip(seen, t, strict=True))
    ]
    assert swapped


def test_the_benchmark_knows_generator_d() -> None:
    assert CORPORA["D"][:2] == ("safenet.bench.match_journey_fleets", "fleets_corpus")
    assert CORPORA["D"][2] not in {seed for name, (_, _, seed) in CORPORA.items() if name != "D"}


def test_make_corpus_builds_d(monkeypatch: pytest.MonkeyPatch) -> None:
    import safenet.bench.match_journeys as journeys

    monkeypatch.setattr(journeys, "ENTRIES", 10)
    corpus = make_corpus("D", 1_500, None)
    assert corpus.name.startswith("D")
    assert "fleet" in corpus.how


def test_the_chain_and_the_figures_run_on_d(fleets: JourneyCorpus) -> None:
    from safenet.bench.match_decide import figures, prepare, run_chain

    prepared = prepare(fleets)
    base = figures(fleets, prepared.baseline)
    assert base["wanted read"] == 40
    assert base["neighbour per M"] > 0  # fleet-mates one digit off are matched
    lines, decisions, _ = run_chain(prepared, None)
    assert decisions
    assert figures(fleets, lines)["wanted read"] == 40
