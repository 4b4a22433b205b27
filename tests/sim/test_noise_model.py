"""The OCR noise model: misread rates, what each misread looks like, confidences, alternatives."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from safenet.plates import (
    LookalikeKind,
    check,
    dropped_class_digit,
    lookalike,
    parse,
    without_region,
)
from safenet.sim.noise import MISREAD_KINDS, NoiseKind, NoiseModel, NoiseRates, misread_variants
from safenet.sim.plates_gen import PlateMix, random_plate

N = 20_000

# Higher than the defaults so every kind is seen often enough to measure its rate.
RATES = NoiseRates(
    vowel=0.10,
    consonant=0.06,
    digit=0.10,
    dropped_class_digit=0.15,
    missing_region=0.30,
    random=0.03,
    truth_in_alternatives=0.7,
    alternatives_rate=0.6,
)


def _within(observed: int, n: int, rate: float, sigmas: float = 4.0) -> bool:
    sd = math.sqrt(rate * (1 - rate) / n)
    return abs(observed / n - rate) <= sigmas * sd + 1e-9


def _plates(n: int, seed: int = 7) -> list:
    rng = random.Random(seed)
    # Plenty of regional plates so missing_region is measured on thousands of reads.
    mix = PlateMix(private=0.6, rental=0.1, commercial=0.2, delivery=0.1)
    return [random_plate(rng, mix) for _ in range(n)]


@pytest.fixture(scope="module")
def draws() -> list:
    model = NoiseModel(RATES, random.Random(2026))
    return [(plate, model.read(plate)) for plate in _plates(N)]


def test_each_misread_kind_happens_at_its_configured_rate(draws: list) -> None:
    for kind in MISREAD_KINDS:
        eligible = [(p, r) for p, r in draws if misread_variants(p, kind)]
        hits = sum(1 for _, r in eligible if r.noise is kind)
        assert len(eligible) > 2000, kind
        assert _within(hits, len(eligible), RATES.rate(kind)), (
            kind,
            hits / len(eligible),
            RATES.rate(kind),
        )


def test_default_rates_are_met_too() -> None:
    rates = NoiseRates()
    model = NoiseModel(rates, random.Random(5))
    plates = _plates(N, seed=11)
    reads = [(p, model.read(p)) for p in plates]
    for kind in MISREAD_KINDS:
        eligible = [r for p, r in reads if misread_variants(p, kind)]
        hits = sum(1 for r in eligible if r.noise is kind)
        assert _within(hits, len(eligible), rates.rate(kind)), (kind, hits, len(eligible))


def test_every_read_is_a_valid_plate_and_looks_like_its_noise_kind(draws: list) -> None:
    seen: Counter[NoiseKind] = Counter()
    for plate, read in draws:
        seen[read.noise] += 1
        assert read.true_plate == plate.text
        assert check(read.plate).valid, read
        truth, got = plate.text, read.plate
        if read.noise is NoiseKind.NONE:
            assert got == truth
        elif read.noise is NoiseKind.DROPPED_CLASS_DIGIT:
            assert got == dropped_class_digit(plate) == truth[1:]
        elif read.noise is NoiseKind.MISSING_REGION:
            assert got == without_region(plate)
        else:
            assert len(got) == len(truth)
            diffs = [(a, b) for a, b in zip(truth, got, strict=True) if a != b]
            assert len(diffs) == 1, (truth, got)
            pair = lookalike(*diffs[0])
            expected = {
                NoiseKind.VOWEL: LookalikeKind.VOWEL,
                NoiseKind.CONSONANT: LookalikeKind.CONSONANT,
                NoiseKind.DIGIT: LookalikeKind.DIGIT,
            }.get(read.noise)
            if read.noise is NoiseKind.RANDOM:
                assert pair is None, (truth, got)
            else:
                assert pair is not None, (truth, got)
                assert pair.kind is expected, (truth, got, read.noise)
    assert set(seen) == set(NoiseKind)


def test_misreads_have_lower_confidence(draws: list) -> None:
    right = [r.confidence for _, r in draws if not r.misread]
    wrong = [r.confidence for _, r in draws if r.misread]
    mean_right = sum(right) / len(right)
    mean_wrong = sum(wrong) / len(wrong)
    assert mean_wrong < mean_right - 0.15
    assert abs(mean_right - RATES.correct_confidence_mean) < 0.01
    assert abs(mean_wrong - RATES.misread_confidence_mean) < 0.01
    assert all(0.0 <= r.confidence <= 1.0 for _, r in draws)


def test_alternatives_come_on_low_confidence_reads_and_often_hold_the_truth(draws: list) -> None:
    low = [r for _, r in draws if r.confidence < RATES.alternatives_below]
    with_alts = [r for r in low if r.alternatives]
    assert _within(len(with_alts), len(low), RATES.alternatives_rate)
    assert all(not r.alternatives for _, r in draws if r.confidence >= RATES.alternatives_below)
    misread = [r for r in with_alts if r.misread]
    holding_truth = sum(1 for r in misread if r.true_plate in {t for t, _ in r.alternatives})
    assert len(misread) > 1000
    assert _within(holding_truth, len(misread), RATES.truth_in_alternatives)
    for r in with_alts:
        texts = [t for t, _ in r.alternatives]
        scores = [s for _, s in r.alternatives]
        assert 1 <= len(texts) <= RATES.max_alternatives
        assert len(set(texts)) == len(texts)
        assert r.plate not in texts
        assert scores == sorted(scores, reverse=True)
        assert all(0 < s < r.confidence for s in scores)
        assert all(check(t).valid for t in texts)


def test_the_model_is_deterministic_for_a_seed() -> None:
    plates = _plates(500, seed=3)
    first = NoiseModel(RATES, random.Random(9))
    second = NoiseModel(RATES, random.Random(9))
    other = NoiseModel(RATES, random.Random(10))
    reads = [first.read(p) for p in plates]
    assert [second.read(p) for p in plates] == reads
    assert [other.read(p) for p in plates] != reads


def test_plates_that_do_not_allow_a_misread_are_never_given_it() -> None:
    rates = NoiseRates(
        vowel=0, consonant=0, digit=0, random=0, dropped_class_digit=0.5, missing_region=0.5
    )
    model = NoiseModel(rates, random.Random(1))
    two_digit = parse("12가3456")
    reads = [model.read(two_digit) for _ in range(2000)]
    assert not any(
        r.noise in (NoiseKind.DROPPED_CLASS_DIGIT, NoiseKind.MISSING_REGION) for r in reads
    )
    assert misread_variants(two_digit, NoiseKind.MISSING_REGION) == []
    assert misread_variants(parse("서울12바3456"), NoiseKind.MISSING_REGION) == ["12바3456"]
    # 100가1234 without its first digit would be class 00, which is never issued
    assert misread_variants(parse("100가1234"), NoiseKind.DROPPED_CLASS_DIGIT) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vowel": 1.5}, "vowel must be between 0 and 1"),
        ({"vowel": 0.6, "digit": 0.6}, "add up to 1.525"),
        ({"max_alternatives": 11}, "max_alternatives must be 1..10"),
        ({"correct_confidence_sd": 0.9}, "correct_confidence_sd must be between 0 and 0.5"),
    ],
)
def test_bad_rates_are_refused_with_the_field_named(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NoiseRates(**kwargs)
