"""The OCR look-alike table: every pair the issue lists, with kinds and costs."""

from __future__ import annotations

import pytest

from safenet.plates import (
    DROPPED_CLASS_DIGIT_COST,
    INDEL_COST,
    LOOKALIKES,
    MISSING_REGION_COST,
    PLATE_CHARS,
    USAGE_SYLLABLES,
    Lookalike,
    LookalikeKind,
    check,
    dropped_class_digit,
    lookalike,
    lookalikes_of,
    parse,
    substitution_cost,
    without_region,
)

VOWEL_FLIPS = [
    "가거",
    "나너",
    "다더",
    "라러",
    "마머",
    "바버",
    "사서",
    "아어",
    "자저",
    "하허",
    "고구",
    "노누",
    "도두",
    "로루",
    "모무",
    "보부",
    "소수",
    "오우",
    "조주",
]
CONSONANTS = [
    "마바",
    "머버",
    "모보",
    "무부",
    "사자",
    "서저",
    "소조",
    "수주",
    "아하",
    "어허",
    "오호",
    "나다",
    "노도",
    "다라",
]
DIGITS = ["08", "38", "68", "56", "17", "89", "27"]
EXTRA_DIGITS = ["06", "09", "14"]  # added by us; see docs/plates.md


def test_every_pair_is_listed_once() -> None:
    unordered = [frozenset((p.a, p.b)) for p in LOOKALIKES]
    assert len(unordered) == len(set(unordered))
    expected = {frozenset(p) for p in VOWEL_FLIPS + CONSONANTS + DIGITS + EXTRA_DIGITS + ["배바"]}
    assert set(unordered) == expected


@pytest.mark.parametrize("pair", VOWEL_FLIPS)
def test_vowel_flips(pair: str) -> None:
    found = lookalike(pair[0], pair[1])
    assert found is not None
    assert found.kind is LookalikeKind.VOWEL
    assert found.cost == pytest.approx(0.3)


@pytest.mark.parametrize("pair", CONSONANTS)
def test_consonant_lookalikes(pair: str) -> None:
    found = lookalike(pair[0], pair[1])
    assert found is not None
    assert found.kind is LookalikeKind.CONSONANT
    assert found.cost == pytest.approx(0.4)


def test_bae_ba_is_a_vowel_stroke() -> None:
    # The issue lists 배/바 with the consonants; the consonant is ㅂ in both, the
    # vowel differs (ㅐ/ㅏ), so it is filed as a vowel look-alike at 0.4.
    found = lookalike("배", "바")
    assert found is not None
    assert (found.kind, found.cost) == (LookalikeKind.VOWEL, pytest.approx(0.4))


@pytest.mark.parametrize("pair", DIGITS + EXTRA_DIGITS)
def test_digit_lookalikes(pair: str) -> None:
    found = lookalike(pair[0], pair[1])
    assert found is not None
    assert found.kind is LookalikeKind.DIGIT
    assert 0.35 <= found.cost <= 0.5


@pytest.mark.parametrize("pair", LOOKALIKES, ids=str)
def test_every_pair_is_symmetric_and_well_formed(pair: Lookalike) -> None:
    assert lookalike(pair.a, pair.b) is lookalike(pair.b, pair.a) is pair
    assert 0.0 < pair.cost < 1.0
    assert substitution_cost(pair.a, pair.b) == substitution_cost(pair.b, pair.a) == pair.cost
    assert pair.other(pair.a) == pair.b
    assert pair.other(pair.b) == pair.a
    assert {pair.a, pair.b} <= PLATE_CHARS
    assert pair in lookalikes_of(pair.a)
    assert pair in lookalikes_of(pair.b)


@pytest.mark.parametrize(
    "pair", [p for p in LOOKALIKES if p.kind is not LookalikeKind.DIGIT], ids=str
)
def test_a_syllable_swap_turns_one_valid_plate_into_another(pair: Lookalike) -> None:
    # Both halves are usage syllables, so a misread still looks like a valid plate;
    # that is exactly why the matcher needs this table.
    assert pair.a in USAGE_SYLLABLES
    assert pair.b in USAGE_SYLLABLES
    assert check(f"12{pair.a}3456").valid
    assert check(f"12{pair.b}3456").valid


def test_substitution_cost_of_equal_and_unrelated_characters() -> None:
    assert substitution_cost("가", "가") == 0.0
    assert substitution_cost("7", "7") == 0.0
    assert substitution_cost("가", "호") == 1.0
    assert substitution_cost("1", "2") == 1.0
    assert lookalike("가", "호") is None


def test_lookalikes_of_is_cheapest_first() -> None:
    pairs = lookalikes_of("8")
    assert [p.other("8") for p in pairs] == ["0", "6", "9", "3"]
    costs = [p.cost for p in lookalikes_of("바")]
    assert costs == sorted(costs)
    assert lookalikes_of("차") == ()


def test_other_refuses_a_character_outside_the_pair() -> None:
    pair = lookalike("0", "8")
    assert pair is not None
    with pytest.raises(ValueError, match="not in the look-alike pair 0/8"):
        pair.other("3")


@pytest.mark.parametrize(
    ("a", "b", "cost"),
    [("가", "가", 0.3), ("가", "거", 0.0), ("가", "거", 1.0), ("가", "거한", 0.3)],
)
def test_lookalike_refuses_bad_data(a: str, b: str, cost: float) -> None:
    with pytest.raises(ValueError, match="look-alike"):
        Lookalike(a, b, LookalikeKind.VOWEL, cost)


def test_structural_costs() -> None:
    assert INDEL_COST == 1.0
    assert 0.0 < MISSING_REGION_COST < DROPPED_CLASS_DIGIT_COST < 1.0


def test_dropped_class_digit_reading() -> None:
    assert dropped_class_digit(parse("123가4567")) == "23가4567"
    assert dropped_class_digit(parse("998호1234")) == "98호1234"
    assert dropped_class_digit(parse("12가3456")) is None
    assert dropped_class_digit(parse("서울12바3456")) is None
    assert dropped_class_digit(parse("외교123456")) is None


def test_missing_region_reading() -> None:
    assert without_region(parse("서울12바3456")) == "12바3456"
    assert without_region(parse("강원1가1234")) == "1가1234"
    assert without_region(parse("12가3456")) is None
