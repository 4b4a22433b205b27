"""Plate-grammar errors carry a stable code per reason and the params to word them."""

from __future__ import annotations

import pytest

from safenet.plates import PlateError, parse

CASES = [
    # text, code, params
    ("12가345", "plate.serial_length", {"expected": 4, "got": 3, "serial": "345"}),
    ("12가", "plate.serial_missing", {"expected": 4}),
    ("12", "plate.usage_missing", {"class_number": "12"}),
    ("12가34567", "plate.serial_length", {"expected": 4, "got": 5, "serial": "34567"}),
]


@pytest.mark.parametrize(("text", "code", "params"), CASES)
def test_plate_error_has_code_and_params(text: str, code: str, params: dict[str, object]) -> None:
    with pytest.raises(PlateError) as caught:
        parse(text)
    assert caught.value.code == code
    assert caught.value.params == params


def test_every_plate_error_has_a_code() -> None:
    with pytest.raises(PlateError) as caught:
        parse("12차3456")
    assert caught.value.code.startswith("plate.")
    assert caught.value.code != "plate.invalid"
