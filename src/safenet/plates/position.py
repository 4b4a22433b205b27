"""Words a dispatcher can use for a character position in a plate (``3rd character``)."""

from __future__ import annotations

from functools import lru_cache

from safenet.plates.errors import PlateError
from safenet.plates.grammar import parse_normalized
from safenet.plates.types import PlateKind


def ordinal(n: int) -> str:
    """An English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_position(index: int, text: str) -> str:
    """Dispatcher words for the character at ``index`` (0-based) of a normalized plate.

    ``"3rd character (usage syllable)"``, ``"6th character (2nd digit of the serial)"``;
    just ``"3rd character"`` when ``text`` is no valid plate, and ``"after the last
    character"`` for ``index == len(text)`` (where a matcher inserts). Raises
    IndexError for any other index.
    """
    if not 0 <= index <= len(text):
        raise IndexError(f"position {index} is outside the {len(text)}-character text {text!r}")
    if index == len(text):
        return "after the last character"
    where = f"{ordinal(index + 1)} character"
    parts = _parts(text)
    if parts is None:
        return where
    return f"{where} ({parts[index]})"


PART_CODES = (
    "region",
    "class_number",
    "usage",
    "serial",
    "diplomatic",
    "first_number",
    "second_number",
)
"""The codes :func:`position_part` names a plate's parts with (consoles word them)."""

_PART_CODE = {
    "region": "region",
    "class number": "class_number",
    "usage syllable": "usage",
    "serial": "serial",
    "diplomatic prefix": "diplomatic",
    "first number": "first_number",
    "second number": "second_number",
}


def position_part(index: int, text: str) -> tuple[str | None, int | None]:
    """The part of the plate ``text`` the character at ``index`` belongs to, as codes.

    ``("usage", None)`` for the usage syllable, ``("serial", 2)`` for the 2nd digit of
    the serial (a one-character part has no digit number), ``(None, None)`` when
    ``text`` is no valid plate or ``index == len(text)``. Raises IndexError for an
    index outside ``0..len(text)``, like :func:`describe_position`.
    """
    if not 0 <= index <= len(text):
        raise IndexError(f"position {index} is outside the {len(text)}-character text {text!r}")
    if index == len(text):
        return None, None
    parts = _codes(text)
    if parts is None:
        return None, None
    return parts[index]


@lru_cache(maxsize=1024)
def _codes(text: str) -> tuple[tuple[str, int | None], ...] | None:
    try:
        plate = parse_normalized(text)
    except PlateError:
        return None
    out: list[tuple[str, int | None]] = []

    def add(part: str, chars: str, numbered: bool = True) -> None:
        single = len(chars) == 1 or not numbered
        out.extend((_PART_CODE[part], None if single else i + 1) for i in range(len(chars)))

    if plate.kind is PlateKind.DIPLOMATIC:
        add("diplomatic prefix", plate.usage, numbered=False)
        add("first number", plate.class_number)
        add("second number", plate.serial)
        return tuple(out)
    if plate.region is not None:
        add("region", plate.region, numbered=False)
    add("class number", plate.class_number)
    add("usage syllable", plate.usage)
    add("serial", plate.serial)
    return tuple(out)


@lru_cache(maxsize=1024)
def _parts(text: str) -> tuple[str, ...] | None:
    """The part of the plate each character belongs to, or None if ``text`` is no plate."""
    try:
        plate = parse_normalized(text)
    except PlateError:
        return None
    labels: list[str] = []
    if plate.kind is PlateKind.DIPLOMATIC:
        labels += ["diplomatic prefix"] * len(plate.usage)
        labels += _digits("first number", plate.class_number)
        labels += _digits("second number", plate.serial)
        return tuple(labels)
    if plate.region is not None:
        labels += ["region"] * len(plate.region)
    labels += _digits("class number", plate.class_number)
    labels.append("usage syllable")
    labels += _digits("serial", plate.serial)
    return tuple(labels)


def _digits(part: str, digits: str) -> list[str]:
    if len(digits) == 1:
        return [part]
    return [f"{ordinal(i + 1)} digit of the {part}" for i in range(len(digits))]
