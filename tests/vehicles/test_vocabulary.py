"""The vehicle vocabularies, vendors' words and the camera confusion model."""

from __future__ import annotations

import math

import pytest

from safenet.vehicles import (
    BODY_CONFUSION,
    COLOUR_CONFUSION,
    BodyType,
    Colour,
    Description,
    body_of,
    body_ratio,
    colour_of,
    colour_ratio,
    describe,
    is_unknown_word,
    make_of,
    make_ratio,
)
from safenet.vehicles.vendor import body_words, colour_words


@pytest.mark.parametrize(
    ("word", "colour"),
    [
        ("흰색", Colour.WHITE),
        ("백색", Colour.WHITE),
        ("White", Colour.WHITE),
        ("WHT", Colour.WHITE),
        ("은색", Colour.SILVER),
        ("silver-gray", Colour.SILVER),
        ("쥐색", Colour.GREY),
        ("gray", Colour.GREY),
        ("deepGray", Colour.GREY),
        ("검정", Colour.BLACK),
        ("검정색", Colour.BLACK),
        ("darkBlue", Colour.NAVY),
        ("남색", Colour.NAVY),
        ("청색", Colour.BLUE),
        ("gold-beige", Colour.BEIGE),
        ("빨간색", Colour.RED),
        ("녹색", Colour.GREEN),
    ],
)
def test_vendor_colour_words_map_onto_the_vocabulary(word: str, colour: Colour) -> None:
    assert colour_of(word) is colour


@pytest.mark.parametrize(
    ("word", "body"),
    [
        ("승용", BodyType.CAR),
        ("sedan-compact", BodyType.CAR),
        ("SUVMPV", BodyType.SUV),
        ("승합차", BodyType.VAN),
        ("van-mini", BodyType.VAN),
        ("pickupTruck", BodyType.PICKUP),
        ("화물", BodyType.TRUCK),
        ("largeBus", BodyType.BUS),
        ("오토바이", BodyType.MOTORCYCLE),
    ],
)
def test_vendor_type_words_map_onto_the_vocabulary(word: str, body: BodyType) -> None:
    assert body_of(word) is body


def test_unknown_words_are_no_evidence_and_strange_words_are_named() -> None:
    for word in (None, "", "unknown", "기타", "미상", "N/A"):
        assert is_unknown_word(word)
        assert colour_of(word) is None
    description, problems = describe("unknown", "기타")
    assert description == Description()
    assert problems == []
    description, problems = describe("분홍빛", "hovercraft", "현대", "싼타페")
    assert description == Description(None, None, "hyundai", "싼타페")
    assert problems == [
        "colour: '분홍빛' is not a colour in the vocabulary",
        "type: 'hovercraft' is not a vehicle type in the vocabulary",
    ]


def test_every_vocabulary_code_has_labels_and_words() -> None:
    for colour in Colour:
        assert colour.ko
        assert colour.en
        assert colour_words()[colour]
        assert colour_of(colour.value) is colour
        assert colour_of(colour.ko) is colour
    for body in BodyType:
        assert body.ko
        assert body.en
        assert body_words()[body]
        assert body_of(body.value) is body


def test_makes_fold_spellings_together() -> None:
    assert make_of("현대") == make_of("Hyundai") == "hyundai"
    assert make_of("쌍용") == make_of("KG Mobility") == "kgm"
    assert make_of("Some Make") == make_of("some-make") == "somemake"
    assert make_of("미상") is None
    assert Description(Colour.WHITE, BodyType.SUV, "hyundai", "싼타페").label() == (
        "흰색 SUV 현대 싼타페"
    )
    assert Description(Colour.WHITE, None, "hyundai").label("en") == "white Hyundai"


def test_confusion_rows_are_distributions() -> None:
    for table in (COLOUR_CONFUSION, BODY_CONFUSION):
        for row in table.values():
            assert math.isclose(sum(row.values()), 1.0)
            assert min(row.values()) > 0


def test_agreeing_reports_raise_contradicting_ones_lower_close_ones_say_little() -> None:
    for colour in Colour:
        assert colour_ratio(colour, colour) > 1
    for body in BodyType:
        assert body_ratio(body, body) > 1
    # the pairs cameras confuse: a report of the other is no contradiction
    for reported, registered in [
        (Colour.SILVER, Colour.WHITE),
        (Colour.GREY, Colour.SILVER),
        (Colour.BLACK, Colour.NAVY),
    ]:
        assert 0.25 < colour_ratio(reported, registered) < 2.0
    # the chain's contradiction line is 0.25; an unrelated report caps how far below it goes
    for reported, registered in [(Colour.BLACK, Colour.WHITE), (Colour.RED, Colour.BLACK)]:
        assert 0.08 < colour_ratio(reported, registered) < 0.25
    assert 0.08 < body_ratio(BodyType.TRUCK, BodyType.CAR) < 0.25
    assert 0.25 < body_ratio(BodyType.VAN, BodyType.SUV) < 2.0
    assert make_ratio("hyundai", "hyundai") > 1 > make_ratio("kia", "hyundai")
    assert make_ratio("bmw", "bmw") > make_ratio("hyundai", "hyundai")
