"""The benchmark's corpus: valid plates, and misreads that are what they say."""

from __future__ import annotations

import random

import pytest

from safenet.bench.match_corpus import Misread, build_corpus, misread, random_plate
from safenet.matching import POLICIES, HotlistEntry, Level, compare, compile_entry
from safenet.matching.compiled import CompiledEntry
from safenet.plates import check

_EXPECTED = {
    Misread.EXACT: Level.EXACT,
    Misread.VOWEL: Level.EQUIVALENT,
    Misread.CONSONANT: Level.EQUIVALENT,
    Misread.DIGIT: Level.EQUIVALENT,
    Misread.DROPPED: Level.EQUIVALENT,
    Misread.REGION: Level.EQUIVALENT,
    Misread.TWO: Level.FUZZY,
    Misread.EDIT: Level.FUZZY,
}


def test_random_plates_are_valid() -> None:
    rng = random.Random(1)
    for _ in range(2000):
        plate = random_plate(rng)
        assert check(plate).valid, plate


@pytest.mark.parametrize("kind", list(Misread))
def test_misreads_are_of_their_kind(kind: Misread) -> None:
    rng = random.Random(2)
    made = 0
    for _ in range(500):
        plate = random_plate(rng)
        text = misread(plate, kind, rng)
        if text is None:
            continue
        made += 1
        entry = compile_entry(HotlistEntry("e", plate), POLICIES)
        assert isinstance(entry, CompiledEntry)
        result = compare(text, entry)
        assert result is not None, (plate, text)
        if kind is Misread.TWO and len(result.steps) == 1:
            continue  # two swaps of the same pair can cancel into one look-alike
        assert result.level is _EXPECTED[kind], (plate, text, result)
    assert made > 20


def test_corpus_shape() -> None:
    corpus = build_corpus(50, 5, 100, seed=3, patterns=3)
    assert len(corpus.entries) == 53
    wanted = [p for p in corpus.passes if p.wanted_id is not None]
    assert len(wanted) == 5 * len(Misread)
    assert len(corpus.passes) == len(wanted) + 100
    assert len(corpus.jsonl()) == len(corpus.passes)
