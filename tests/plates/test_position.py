"""Dispatcher words for character positions, used in the matcher's explanations."""

from __future__ import annotations

import pytest

from safenet.plates import describe_position
from safenet.plates.position import ordinal


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ordinals(n: int, word: str) -> None:
    assert ordinal(n) == word


@pytest.mark.parametrize(
    ("index", "text", "words"),
    [
        (0, "12가3456", "1st character (1st digit of the class number)"),
        (2, "12가3456", "3rd character (usage syllable)"),
        (4, "12가3456", "5th character (2nd digit of the serial)"),
        (7, "12가3456", "after the last character"),
        (3, "123가4567", "4th character (usage syllable)"),
        (1, "서울12바3456", "2nd character (region)"),
        (2, "강원1가1234", "3rd character (class number)"),
        (1, "외교123456", "2nd character (diplomatic prefix)"),
        (4, "외교123456", "5th character (3rd digit of the first number)"),
        (5, "외교123456", "6th character (1st digit of the second number)"),
        (2, "12차3456", "3rd character"),
        (0, "", "after the last character"),
    ],
)
def test_describe_position(index: int, text: str, words: str) -> None:
    assert describe_position(index, text) == words


@pytest.mark.parametrize("index", [-1, 8, 100])
def test_describe_position_outside_the_text(index: int) -> None:
    with pytest.raises(IndexError, match="outside the 7-character text"):
        describe_position(index, "12가3456")
