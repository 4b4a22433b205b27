"""Normalization folds only what cannot change the plate, and refuses everything else."""

from __future__ import annotations

import unicodedata

import pytest

from safenet.plates import PLATE_CHARS, PlateError, normalize


@pytest.mark.parametrize(
    "separator",
    [" ", "\u00a0", "\u3000", "-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2212", "\uff0d",
     ".", "\uff0e", "\u00b7", "\u2027", "\u2219", "\u30fb", "\uff65", "\u318d"],
)  # fmt: skip
def test_each_separator_is_removed(separator: str) -> None:
    assert normalize(f"12{separator}가{separator}3456") == "12가3456"


@pytest.mark.parametrize("digit", range(10))
def test_full_width_digits_fold_to_ascii(digit: int) -> None:
    assert normalize(f"1{chr(0xFF10 + digit)}가3456") == f"1{digit}가3456"


def test_decomposed_hangul_is_recomposed() -> None:
    decomposed = unicodedata.normalize("NFD", "경북12바3456")
    assert decomposed != "경북12바3456"
    assert normalize(decomposed) == "경북12바3456"


@pytest.mark.parametrize(
    "text", ["12\t가3456", "12\n가3456", "12\r가3456", "12\u2003가3456", "12_가3456", "12/가3456"]
)
def test_other_whitespace_and_punctuation_are_refused_not_fixed(text: str) -> None:
    with pytest.raises(PlateError, match="cannot appear in a plate"):
        normalize(text)


def test_normalize_does_not_check_the_grammar() -> None:
    assert normalize("가가가") == "가가가"
    assert normalize("0000") == "0000"


def test_length_bound_is_sixteen_after_folding() -> None:
    assert normalize("1" * 16) == "1" * 16
    assert normalize(" ".join("1" * 16)) == "1" * 16
    with pytest.raises(PlateError, match="too long: 17 characters after removing separators"):
        normalize("1" * 17)


def test_plate_chars_cover_digits_syllables_regions_and_prefixes() -> None:
    assert set("0123456789") <= PLATE_CHARS
    assert set("가배하허호바사아자") <= PLATE_CHARS
    assert set("서울제주충북") <= PLATE_CHARS
    assert set("외교영사준협정대표국기") <= PLATE_CHARS
    assert not {"차", "A", " ", "-"} & PLATE_CHARS


def test_canonical_text_is_returned_unchanged() -> None:
    text = "서울12바3456"
    assert normalize(text) is text
