"""Generator E (Daejeon enforcement sites, written blind): deterministic, labelled, well formed.

The labels are checked against a brute-force edit test written here, not the
generator's own index; plates against the grammar; reads against the Read schema.
"""

from __future__ import annotations

import random
from pathlib import Path

import msgspec
import pytest

from safenet.bench.match_journey import JourneyCorpus, Role
from safenet.bench.match_journey_e import EntryIndex, e_corpus, load_sites, neighbour_of
from safenet.bench.match_journeys import CORPORA, make_corpus
from safenet.config import Settings
from safenet.matching import HotlistEntry, Read
from safenet.matching.types import MAX_ALTERNATIVES
from safenet.plates import PLATE_CHARS, check
from safenet.vehicles import body_of, colour_of

ROOT = Path(__file__).resolve().parents[2]
ENTRIES, READS, SEED = 40, 4_000, 31


@pytest.fixture(scope="module")
def data_dir() -> Path:
    configured = Settings().data_dir
    data = configured if configured.is_absolute() else ROOT / configured
    path = data / "cctv" / "daejeon_2026_cctv_standard.csv"
    if not path.is_file():
        pytest.fail(f"CCTV data missing: {path} (see /work/shared/data/README.md)")
    return data


@pytest.fixture(scope="module")
def corpus(data_dir: Path) -> JourneyCorpus:
    return e_corpus(ENTRIES, READS, SEED, data_dir)


def one_edit(a: str, b: str) -> bool:
    """Brute force: b is a by one substitution, insertion, deletion or adjacent swap."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def fingerprint(c: JourneyCorpus) -> list[object]:
    return [
        [(e.id, e.plate, e.colour, e.vehicle_type) for e in c.entries],
        [(v.plate, v.role, v.entry_id) for v in c.vehicles],
        [msgspec.json.encode(r) for r in c.reads],
        c.vehicle_of,
        sorted(c.cameras),
    ]


def test_same_seed_same_corpus_other_seed_another(data_dir: Path, corpus: JourneyCorpus) -> None:
    again = e_corpus(ENTRIES, READS, SEED, data_dir)
    assert fingerprint(again) == fingerprint(corpus)
    other = e_corpus(ENTRIES, READS, SEED + 1, data_dir)
    assert fingerprint(other) != fingerprint(corpus)


def test_labels_follow_the_one_character_rule(corpus: JourneyCorpus) -> None:
    plates = [e.plate for e in corpus.entries]
    ids = [e.id for e in corpus.entries]
    seen = set()
    for v in corpus.vehicles:
        assert v.plate not in seen, f"two vehicles carry {v.plate}"
        seen.add(v.plate)
        if v.plate in plates:
            assert v.role is Role.WANTED
            assert v.entry_id == ids[plates.index(v.plate)]
            continue
        near = [ids[i] for i, p in enumerate(plates) if one_edit(p, v.plate)]
        if near:
            assert v.role is Role.NEIGHBOUR, v
            assert v.entry_id == near[0], v
        else:
            assert v.role is Role.BACKGROUND, v
            assert v.entry_id is None
    roles = {v.role for v in corpus.vehicles}
    assert roles == {Role.WANTED, Role.NEIGHBOUR, Role.BACKGROUND}  # wanted cars drive too


def test_the_entry_index_agrees_with_brute_force_on_crafted_plates() -> None:
    entries = [
        HotlistEntry(id="a", plate="12가3456"),
        HotlistEntry(id="b", plate="대전31바1234"),
        HotlistEntry(id="c", plate="123가4567"),
    ]
    index = EntryIndex(entries)
    rng = random.Random(5)
    crafted = ["12가3465", "112가3456", "2가3456", "12거3456", "대전31사1234", "31바1234",
               "대구31바1234", "대전31바12334", "123가4576", "23가4567", "12가3456"]  # fmt: skip
    for _ in range(300):
        base = rng.choice(crafted)
        i = rng.randrange(len(base))
        crafted.append(base[:i] + rng.choice("0123456789가거") + base[i + 1 :])
    for plate in crafted:
        expected = [n for n, e in enumerate(entries) if one_edit(e.plate, plate)]
        assert index.near(plate) == expected, plate


def test_made_neighbours_are_valid_and_one_character_away() -> None:
    rng = random.Random(3)
    made = 0
    for plate in ["12가3456", "123가4567", "대전31바1234", "345호7777", "대전12가1004", "88배5555"]:
        for _ in range(50):
            other = neighbour_of(rng, plate)
            if other is None:
                continue
            made += 1
            assert check(other).valid, other
            assert one_edit(plate, other), (plate, other)
    assert made > 150


def test_every_plate_is_valid_and_every_read_uses_plate_characters(
    corpus: JourneyCorpus,
) -> None:
    for e in corpus.entries:
        assert check(e.plate).valid, e.plate
        assert check(e.plate).normalized == e.plate
    for v in corpus.vehicles:
        assert check(v.plate).valid, v.plate
        assert check(v.plate).normalized == v.plate
    for r in corpus.reads:
        texts = [r.plate, *(a.plate for a in r.alternatives)]
        assert all(t and PLATE_CHARS.issuperset(t) and len(t) <= 16 for t in texts), r


def test_the_corpus_has_the_interface_shape(corpus: JourneyCorpus) -> None:
    assert corpus.name == "E"
    assert "run as written" in corpus.how
    assert len(corpus.entries) == ENTRIES
    assert len({e.id for e in corpus.entries}) == ENTRIES
    assert len(corpus.reads) >= READS
    assert len(corpus.vehicle_of) == len(corpus.reads)
    assert all(0 <= i < len(corpus.vehicles) for i in corpus.vehicle_of)
    assert len({r.id for r in corpus.reads}) == len(corpus.reads)
    times = [float(r.ts) for r in corpus.reads]
    assert times == sorted(times)
    decoded = msgspec.json.decode(
        msgspec.json.encode(corpus.reads), type=list[Read]
    )  # the schema's constraints hold (confidence 0..1, at most 16 alternatives)
    assert decoded == corpus.reads
    for r in corpus.reads:
        assert r.camera_id in corpus.cameras
        assert len(r.alternatives) <= MAX_ALTERNATIVES
        assert all(a.confidence <= r.confidence and a.plate != r.plate for a in r.alternatives)
        if r.vehicle_colour is not None:
            assert colour_of(r.vehicle_colour) is not None, r.vehicle_colour
        if r.vehicle_type is not None:
            assert body_of(r.vehicle_type) is not None, r.vehicle_type
    for e in corpus.entries:
        assert e.colour is None or colour_of(e.colour) is not None
        assert e.vehicle_type is None or body_of(e.vehicle_type) is not None
    for point in corpus.cameras.values():
        assert 36.18 <= point.lat <= 36.50
        assert 127.25 <= point.lon <= 127.56


def test_vehicles_are_read_several_times_with_noise(corpus: JourneyCorpus) -> None:
    per_vehicle: dict[int, list[Read]] = {}
    for r, v in zip(corpus.reads, corpus.vehicle_of, strict=True):
        per_vehicle.setdefault(v, []).append(r)
    wanted = [i for i, v in enumerate(corpus.vehicles) if v.role is Role.WANTED]
    assert wanted
    assert all(len(per_vehicle.get(i, [])) >= 2 for i in wanted)
    misread = sum(
        r.plate != corpus.vehicles[v].plate
        for r, v in zip(corpus.reads, corpus.vehicle_of, strict=True)
    )
    assert 0.02 < misread / len(corpus.reads) < 0.5
    assert len({r.camera_id for r in corpus.reads}) > 20


def test_sites_come_from_the_real_file_without_placeholders(data_dir: Path) -> None:
    sites = load_sites(data_dir)
    assert len(sites) > 100
    assert all(not (lat == 36.1 and lon == 127.1) for lat, lon, _, _ in sites)


def test_missing_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="data_dir"):
        e_corpus(5, 10, SEED, tmp_path)
    with pytest.raises(ValueError, match="entries"):
        e_corpus(0, 10, SEED, tmp_path)


def test_registered_as_e_in_the_benchmark(data_dir: Path) -> None:
    assert CORPORA["E"] == ("safenet.bench.match_journey_e", "e_corpus", 31)
    corpus = make_corpus("E", 1, data_dir)
    assert corpus.name == "E"
    assert len(corpus.entries) == 1_000
