"""Corpus F (경부 corridor and 부산 port, written blind to the chain): its truth is right."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import msgspec
import pytest

from safenet.bench.match_journey import JourneyCorpus, Role
from safenet.bench.match_journey_f import BUSAN_FILE, f_corpus
from safenet.config import Settings
from safenet.plates import parse

SMALL = 20_000


@pytest.fixture(scope="module")
def data_dir() -> Path:
    data = Settings().data_dir
    if not (data / BUSAN_FILE).is_file():
        pytest.fail(f"{data / BUSAN_FILE} missing: point SAFENET_DATA_DIR at the shared data")
    return data


@pytest.fixture(scope="module")
def corpus(data_dir: Path) -> JourneyCorpus:
    return f_corpus(1_000, SMALL, 41, data_dir)


def test_wanted_reads_are_of_the_entry_plates_car(corpus: JourneyCorpus) -> None:
    plates = {e.id: e.plate for e in corpus.entries}
    wanted = [corpus.vehicles[v] for v in set(corpus.vehicle_of)]
    wanted = [v for v in wanted if v.role is Role.WANTED]
    assert wanted
    for v in wanted:
        assert v.entry_id is not None
        assert plates[v.entry_id] == v.plate


def test_a_neighbour_is_one_step_from_its_entry_and_never_an_entry(corpus: JourneyCorpus) -> None:
    plates = {e.plate for e in corpus.entries}
    neighbours = [v for v in corpus.vehicles if v.role is Role.NEIGHBOUR]
    assert len(neighbours) >= 10
    for v in neighbours:
        assert v.plate not in plates
        assert v.entry_id in corpus.near_entries(v.plate), v


def test_background_is_no_entry_and_not_one_step_from_one(corpus: JourneyCorpus) -> None:
    plates = {e.plate for e in corpus.entries}
    for v in corpus.vehicles:
        if v.role is Role.BACKGROUND:
            assert v.plate not in plates
            assert not corpus.near_entries(v.plate), v


def test_every_plate_follows_the_grammar_and_vehicles_are_distinct(corpus: JourneyCorpus) -> None:
    for e in corpus.entries:
        assert parse(e.plate).text == e.plate
    for v in corpus.vehicles:
        assert parse(v.plate).text == v.plate
    assert len({v.plate for v in corpus.vehicles}) == len(corpus.vehicles)
    kinds = Counter(parse(v.plate).kind.value for v in corpus.vehicles)
    assert kinds["commercial"] > kinds["rental"] > 0  # a port city's truck traffic
    assert kinds["diplomatic"] >= 0


def test_reads_are_in_time_order_on_known_cameras(corpus: JourneyCorpus) -> None:
    ts = [float(r.ts) for r in corpus.reads]
    assert ts == sorted(ts)
    assert len(corpus.reads) == len(corpus.vehicle_of)
    assert {r.camera_id for r in corpus.reads} <= set(corpus.cameras)
    assert len({r.id for r in corpus.reads}) == len(corpus.reads)
    port = [c for c in corpus.cameras if c.startswith("BS-")]
    assert len(port) == 80  # real 부산 sites
    assert all(35.0 < corpus.cameras[c].lat < 35.3 for c in port)


def test_reads_decode_as_a_center_would_receive_them(corpus: JourneyCorpus) -> None:
    from safenet.matching import Read

    encoded = msgspec.json.encode(corpus.reads[:2000])
    assert msgspec.json.decode(encoded, type=list[Read]) == corpus.reads[:2000]


def test_the_trailer_is_what_the_rear_reading_toll_plaza_sees(corpus: JourneyCorpus) -> None:
    at_toll = [i for i, r in enumerate(corpus.reads) if r.camera_id.startswith("EX-394")]
    assert at_toll
    specials = [parse(corpus.vehicles[corpus.vehicle_of[i]].plate) for i in at_toll]
    assert any(p.class_number in ("98", "99") for p in specials)


def test_the_same_seed_makes_the_same_corpus(data_dir: Path) -> None:
    first, again = (f_corpus(1_000, 5_000, 41, data_dir) for _ in range(2))
    assert again.reads == first.reads
    assert again.vehicles == first.vehicles
    assert again.entries == first.entries
    other = f_corpus(1_000, 5_000, 42, data_dir)
    assert other.reads != first.reads


def test_the_size_knob_sets_the_number_of_reads(data_dir: Path, corpus: JourneyCorpus) -> None:
    small = f_corpus(1_000, 5_000, 41, data_dir)
    assert 5_000 <= len(small.reads) < 5_100
    assert SMALL <= len(corpus.reads) < SMALL + 100
    assert len(small.entries) == len(corpus.entries) == 1_000
    wanted = {v for v in small.vehicles if v.role is Role.WANTED}
    assert 0 < len(wanted) < sum(v.role is Role.WANTED for v in corpus.vehicles)


def test_missing_port_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="data_dir"):
        f_corpus(10, 1_000, 41, tmp_path)
