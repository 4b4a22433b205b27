"""What a plate's class number (차종 기호, 분류번호) says about the vehicle.

Ranges from the MOLIT plate notice:

- 3 digits: 100–699 passenger, 700–799 van, 800–979 truck, 980–997 special,
  998–999 emergency vehicles; ``0NN`` is construction machinery.
- 2 digits: 01–69 passenger, 70–79 van, 80–97 truck, 98–99 special.
- 1 digit (old regional plates only): 1–4 passenger, 5–6 van, 7–8 truck, 9 special.

A class of all zeros is never issued.
"""

from __future__ import annotations

from safenet.plates.errors import PlateError
from safenet.plates.types import VehicleType

_RANGES: dict[int, tuple[tuple[int, int, VehicleType], ...]] = {
    1: (
        (1, 4, VehicleType.PASSENGER),
        (5, 6, VehicleType.VAN),
        (7, 8, VehicleType.TRUCK),
        (9, 9, VehicleType.SPECIAL),
    ),
    2: (
        (1, 69, VehicleType.PASSENGER),
        (70, 79, VehicleType.VAN),
        (80, 97, VehicleType.TRUCK),
        (98, 99, VehicleType.SPECIAL),
    ),
    3: (
        (1, 99, VehicleType.CONSTRUCTION),
        (100, 699, VehicleType.PASSENGER),
        (700, 799, VehicleType.VAN),
        (800, 979, VehicleType.TRUCK),
        (980, 997, VehicleType.SPECIAL),
        (998, 999, VehicleType.EMERGENCY),
    ),
}


def vehicle_type_of(class_number: str, *, regional: bool) -> VehicleType:
    """The vehicle type of a class number as written; raises :class:`PlateError`.

    ``regional`` says whether a region name precedes the class: those plates carry
    a 1- or 2-digit class, national plates a 2- or 3-digit one.
    """
    if not class_number:
        raise PlateError(
            "class number is missing",
            field="class",
            code="plate.class_missing",
            params={"region": ""},
        )
    if not (class_number.isascii() and class_number.isdigit()):
        raise PlateError(
            f"class number must be digits, got '{class_number}'",
            field="class",
            code="plate.class_digits",
            params={"class_number": class_number},
        )
    width = len(class_number)
    if regional and width > 2:
        raise PlateError(
            f"class number after a region name must be 1 or 2 digits, got {width}",
            field="class",
            code="plate.class_regional_width",
            params={"width": width},
        )
    if not regional and width == 1:
        raise PlateError(
            "a 1-digit class number is only issued after a region name (e.g. 서울1가1234)",
            field="class",
            code="plate.class_one_digit",
        )
    if width > 3:
        raise PlateError(
            f"class number must be 2 or 3 digits, got {width}",
            field="class",
            code="plate.class_width",
            params={"width": width},
        )
    value = int(class_number)
    for low, high, vehicle_type in _RANGES[width]:
        if low <= value <= high:
            return vehicle_type
    # Only an all-zero class falls through every range.
    raise PlateError(
        f"class number {class_number} is not issued",
        field="class",
        code="plate.class_not_issued",
        params={"class_number": class_number},
    )
