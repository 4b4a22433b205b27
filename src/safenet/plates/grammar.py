"""The Korean plate grammar: which normalized texts are plates, and what they say.

Formats (MOLIT plate notice), written without separators:

- national: class (2 or 3 digits) + usage syllable + 4-digit serial
  (``12가3456``, ``123가4567``); ``998``/``999`` are emergency vehicles and
  ``0NN`` is construction machinery (``012가3456``);
- regional: region + class (1 or 2 digits) + usage syllable + serial
  (commercial ``서울12바3456``, old regional ``서울12가3456``, ``강원1가1234``);
- diplomatic: prefix + 3 digits + 3 digits (``외교123456``, typed ``외교123-456``).

Errors are reported in reading order, structure first, so the reason names the
first part of the plate that is wrong.
"""

from __future__ import annotations

import re

from safenet.plates.alphabet import DIPLOMATIC_PREFIXES, REGIONS, USAGE_SYLLABLES
from safenet.plates.classes import vehicle_type_of
from safenet.plates.errors import PlateError
from safenet.plates.normalize import fold_keeping_syllables, normalize
from safenet.plates.types import Plate, PlateCheck, PlateKind, VehicleType

SERIAL_LENGTH = 4
DIPLOMATIC_DIGITS = 6

_RUNS = re.compile(r"[0-9]+|[^0-9]+")
_REGIONS = frozenset(REGIONS)
_DIPLOMATIC = frozenset(DIPLOMATIC_PREFIXES)
# A region or old regional plate keeps the region; the kind says which format it is.
_REGIONAL_KIND = {
    PlateKind.COMMERCIAL: PlateKind.COMMERCIAL,
    PlateKind.DELIVERY: PlateKind.DELIVERY,
}


def parse(text: str) -> Plate:
    """The plate a text spells, split into its parts; raises :class:`PlateError`."""
    try:
        normalized = normalize(text)
    except PlateError as exc:
        if exc.field == "character":
            raise _diagnose(text) or exc from None
        raise
    return parse_normalized(normalized)


def check(text: str) -> PlateCheck:
    """The verdict on a text as a plate; never raises."""
    try:
        plate = parse(text)
    except PlateError as exc:
        return PlateCheck(valid=False, normalized=None, error=exc.reason, plate=None)
    return PlateCheck(valid=True, normalized=plate.text, error=None, plate=plate)


def parse_normalized(text: str) -> Plate:
    """The plate an already normalized text spells; raises :class:`PlateError`."""
    runs: list[str] = _RUNS.findall(text)
    if not runs:
        raise PlateError("plate is empty", code="plate.empty")
    region: str | None = None
    rest = runs
    if not runs[0][0].isdigit():
        prefix = runs[0]
        if prefix in _DIPLOMATIC:
            return _parse_diplomatic(text, prefix, runs[1:])
        if prefix not in _REGIONS:
            raise _bad_start(prefix)
        region = prefix
        rest = runs[1:]
    return _parse_vehicle(text, region, rest)


def _diagnose(text: str) -> PlateError | None:
    """The grammar's reason for a text refused over a Hangul syllable no plate carries.

    ``12차3456`` is better reported as ``unknown usage syllable '차'`` than as a bad
    character: it names the part of the plate that is wrong.
    """
    try:
        parse_normalized(fold_keeping_syllables(text))
    except PlateError as exc:
        return exc
    return None  # pragma: no cover - a syllable outside PLATE_CHARS never parses


def _parse_vehicle(text: str, region: str | None, rest: list[str]) -> Plate:
    if not rest:
        raise PlateError(
            f"class number is missing after region '{region}'",
            field="class",
            code="plate.class_missing",
            params={"region": region or ""},
        )
    class_number = rest[0]
    if len(rest) == 1:
        raise PlateError(
            f"usage syllable is missing after class number {class_number}",
            field="usage",
            code="plate.usage_missing",
            params={"class_number": class_number},
        )
    vehicle_type = vehicle_type_of(class_number, regional=region is not None)
    usage = rest[1]
    if usage not in USAGE_SYLLABLES:
        if len(usage) > 1:
            raise PlateError(
                f"usage must be one syllable, got '{usage}'",
                field="usage",
                code="plate.usage_length",
                params={"usage": usage},
            )
        raise PlateError(
            f"unknown usage syllable '{usage}'",
            field="usage",
            code="plate.usage_unknown",
            params={"usage": usage},
        )
    if len(rest) == 2:
        raise PlateError(
            f"serial must be {SERIAL_LENGTH} digits, got none",
            field="serial",
            code="plate.serial_missing",
            params={"expected": SERIAL_LENGTH},
        )
    serial = rest[2]
    if len(serial) != SERIAL_LENGTH:
        raise PlateError(
            f"serial must be {SERIAL_LENGTH} digits, got {len(serial)} ('{serial}')",
            field="serial",
            code="plate.serial_length",
            params={"expected": SERIAL_LENGTH, "got": len(serial), "serial": serial},
        )
    if len(rest) > 3:
        raise PlateError(
            f"unexpected '{''.join(rest[3:])}' after the serial {serial}",
            code="plate.trailing",
            params={"rest": "".join(rest[3:]), "serial": serial},
        )
    return Plate(
        text=text,
        region=region,
        class_number=class_number,
        usage=usage,
        serial=serial,
        kind=_kind(region, usage, vehicle_type),
        vehicle_type=vehicle_type,
    )


def _kind(region: str | None, usage: str, vehicle_type: VehicleType) -> PlateKind:
    usage_kind = USAGE_SYLLABLES[usage]
    if region is not None:
        return _REGIONAL_KIND.get(usage_kind, PlateKind.OLD_REGIONAL)
    if vehicle_type is VehicleType.CONSTRUCTION:
        return PlateKind.CONSTRUCTION
    if vehicle_type is VehicleType.EMERGENCY:
        return PlateKind.EMERGENCY
    return usage_kind


def _parse_diplomatic(text: str, prefix: str, rest: list[str]) -> Plate:
    expected = f"'{prefix}' must be followed by {DIPLOMATIC_DIGITS} digits (3 + 3)"
    if not rest:
        raise PlateError(
            f"diplomatic plate: {expected}, got none",
            field="diplomatic",
            code="plate.diplomatic_digits",
            params={"prefix": prefix, "expected": DIPLOMATIC_DIGITS, "got": 0},
        )
    if len(rest) > 1:
        raise PlateError(
            f"diplomatic plate: unexpected '{rest[1]}' ({expected})",
            field="diplomatic",
            code="plate.diplomatic_trailing",
            params={"prefix": prefix, "rest": "".join(rest[1:])},
        )
    digits = rest[0]
    if len(digits) != DIPLOMATIC_DIGITS:
        raise PlateError(
            f"diplomatic plate: {expected}, got {len(digits)}",
            field="diplomatic",
            code="plate.diplomatic_digits",
            params={"prefix": prefix, "expected": DIPLOMATIC_DIGITS, "got": len(digits)},
        )
    return Plate(
        text=text,
        region=None,
        class_number=digits[:3],
        usage=prefix,
        serial=digits[3:],
        kind=PlateKind.DIPLOMATIC,
        vehicle_type=VehicleType.DIPLOMATIC,
    )


def _bad_start(prefix: str) -> PlateError:
    """The most useful reason for a plate that starts with letters that are no prefix."""
    head = prefix[:2]
    if head in _REGIONS:
        return PlateError(
            f"class number is missing after region '{head}'",
            field="class",
            code="plate.class_missing",
            params={"region": head},
        )
    if head in _DIPLOMATIC:
        return PlateError(
            f"diplomatic plate: unexpected '{prefix[2:]}' after '{head}'",
            field="diplomatic",
            code="plate.diplomatic_trailing",
            params={"prefix": head, "rest": prefix[2:]},
        )
    if len(prefix) == 1 and prefix in USAGE_SYLLABLES:
        return PlateError(
            f"class number is missing before usage syllable '{prefix}'",
            field="class",
            code="plate.class_missing_before_usage",
            params={"usage": prefix},
        )
    if len(prefix) == 2:
        return PlateError(
            f"unknown region '{prefix}'",
            field="region",
            code="plate.region_unknown",
            params={"region": prefix},
        )
    return PlateError(
        f"plate must start with a class number, a region or a diplomatic prefix, not '{prefix}'",
        field="region",
        code="plate.start",
        params={"prefix": prefix},
    )
