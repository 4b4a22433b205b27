"""Property tests: the grammar round-trips, normalize is idempotent, nothing crashes."""

from __future__ import annotations

import contextlib

from hypothesis import example, given
from hypothesis import strategies as st

from safenet.plates import (
    MAX_PLATE_LENGTH,
    PLATE_CHARS,
    PlateError,
    check,
    normalize,
    parse,
)
from tests.plates.strategies import SEPARATORS, Expected, plates, spellings

# Characters near the grammar, so that random texts often get past normalization.
_NEAR = sorted(PLATE_CHARS) + SEPARATORS + ["０", "９", "차", "A", "\t", "\u1100", "\u1161"]
near_plate_text = st.text(st.sampled_from(_NEAR), max_size=24)


def _assert_parts(expected: Expected, text: str) -> None:
    plate = parse(text)
    assert plate.text == expected.text
    assert plate.region == expected.region
    assert plate.class_number == expected.class_number
    assert plate.usage == expected.usage
    assert plate.serial == expected.serial
    assert plate.kind.value == expected.kind
    assert plate.vehicle_type.value == expected.vehicle_type


@given(plates)
def test_every_generated_plate_parses_back_to_its_parts(expected: Expected) -> None:
    _assert_parts(expected, expected.text)


@given(st.data())
def test_every_spelling_of_a_plate_parses_to_the_same_parts(data: st.DataObject) -> None:
    expected = data.draw(plates)
    _assert_parts(expected, data.draw(spellings(expected)))


@given(st.one_of(st.text(), near_plate_text))
@example("12가3456")
@example("１２가３４５６")
def test_normalize_is_idempotent_and_yields_only_plate_chars(text: str) -> None:
    try:
        once = normalize(text)
    except PlateError:
        return
    assert 0 < len(once) <= MAX_PLATE_LENGTH
    assert set(once) <= PLATE_CHARS
    assert normalize(once) == once


@given(st.one_of(st.text(), near_plate_text, st.text(max_size=400)))
@example("\ud800")
@example("\x00" * 300)
def test_any_text_yields_a_verdict_never_an_exception(text: str) -> None:
    result = check(text)
    if result.valid:
        assert result.plate is not None
        assert result.error is None
        assert result.normalized == result.plate.text == normalize(text)
        assert parse(result.normalized) == result.plate
    else:
        assert result.plate is None
        assert result.normalized is None
        assert result.error
        assert result.error.isprintable()


@given(near_plate_text)
def test_parse_raises_only_plate_errors(text: str) -> None:
    with contextlib.suppress(PlateError):
        parse(text)
