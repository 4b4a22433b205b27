"""Witness patterns: every form, and the refusals at load time."""

from __future__ import annotations

import pytest

from safenet.matching import PatternError, parse_pattern
from safenet.matching.patterns import Anchor, is_pattern


@pytest.mark.parametrize(
    ("pattern", "anchor", "matches", "misses"),
    [
        ("12가34??", Anchor.WHOLE, ["12가3400", "12가3499"], ["12가3500", "12가340", "123가3400"]),
        ("??가3456", Anchor.WHOLE, ["12가3456", "99가3456"], ["123가3456", "12나3456"]),
        ("*3456", Anchor.END, ["12가3456", "123가3456", "서울12바3456"], ["12가3457", "3450"]),
        ("12가*", Anchor.START, ["12가3456", "12가0000"], ["123가3456", "13가3456"]),
        ("1?3가45?7", Anchor.WHOLE, ["103가4507", "193가4597"], ["103가4508"]),
        ("*가3?56", Anchor.END, ["12가3456", "12가3956"], ["12가4456", "12나3456"]),
    ],
)
def test_pattern_forms(pattern: str, anchor: Anchor, matches: list[str], misses: list[str]) -> None:
    parsed = parse_pattern(pattern)
    assert parsed.anchor is anchor
    for text in matches:
        assert parsed.matches(text), text
    for text in misses:
        assert not parsed.matches(text), text


def test_pattern_spelling_is_folded() -> None:
    assert parse_pattern("12가 34-??").text == "12가34??"
    assert parse_pattern("１２가３４？？").text == "12가34??"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("*56", "too vague"),
        ("*456", "too vague"),
        ("??가????", "too vague"),
        ("*34*56", "one '*' only"),
        ("12*3456", "start or the end"),
        ("12X34??", "cannot appear"),
        ("가가가가???", "fits no Korean plate shape"),
        ("12가3456789??", "fits no Korean plate shape"),
        ("", "empty"),
    ],
)
def test_bad_patterns_are_refused_with_a_reason(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError) as caught:
        parse_pattern(pattern)
    assert reason in caught.value.reason


def test_specificity_grows_with_what_the_witness_saw() -> None:
    loose = parse_pattern("*3456").specificity
    tight = parse_pattern("12가34??").specificity
    assert 0 < loose < tight <= 1


def test_is_pattern() -> None:
    assert is_pattern("12가34??")
    assert is_pattern("*3456")
    assert not is_pattern("12가3456")
