"""Random background plates: always valid, in the configured mix, unique per run."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safenet.plates import PlateKind, parse
from safenet.sim.plates_gen import PlateMix, PlateSource, random_plate


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    mix=st.sampled_from(
        [PlateMix(), PlateMix(private=0, rental=0, commercial=1, delivery=1, three_digit_class=1)]
    ),
)
def test_every_generated_plate_parses(seed: int, mix: PlateMix) -> None:
    rng = random.Random(seed)
    for _ in range(20):
        plate = random_plate(rng, mix)
        assert parse(plate.text) == plate
        assert plate.kind is not PlateKind.DIPLOMATIC


def test_the_default_mix_is_mostly_private_cars() -> None:
    rng = random.Random(1)
    kinds = Counter(random_plate(rng).kind for _ in range(10_000))
    share = {k: n / 10_000 for k, n in kinds.items()}
    assert 0.77 <= share[PlateKind.PRIVATE] <= 0.83
    assert 0.05 <= share[PlateKind.RENTAL] <= 0.09
    assert 0.06 <= share[PlateKind.COMMERCIAL] <= 0.10
    assert 0.03 <= share[PlateKind.DELIVERY] <= 0.07


def test_three_digit_classes_follow_the_configured_share() -> None:
    rng = random.Random(2)
    mix = PlateMix(private=1, rental=0, commercial=0, delivery=0, three_digit_class=0.65)
    plates = [random_plate(rng, mix) for _ in range(10_000)]
    three = sum(1 for p in plates if len(p.class_number) == 3) / len(plates)
    assert 0.62 <= three <= 0.68


def test_a_source_never_repeats_a_plate_nor_hands_out_a_wanted_one() -> None:
    rng = random.Random(3)
    wanted = {random_plate(random.Random(3)).text}  # the first plate the source would draw
    source = PlateSource(rng, exclude=wanted)
    plates = [source.next().text for _ in range(5000)]
    assert len(set(plates)) == len(plates)
    assert not wanted & set(plates)


def test_a_bad_mix_is_refused() -> None:
    with pytest.raises(ValueError, match="shares must be >= 0"):
        PlateMix(private=0, rental=0, commercial=0, delivery=0)
    with pytest.raises(ValueError, match="three_digit_class must be between 0 and 1"):
        PlateMix(three_digit_class=1.5)
