"""The domain types of a Korean plate number: its kind, vehicle type and parts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PlateKind(StrEnum):
    """What the plate says about how the vehicle is used or which format it carries."""

    PRIVATE = "private"  # 비사업용(자가용)
    RENTAL = "rental"  # 대여사업용(렌터카)
    COMMERCIAL = "commercial"  # 사업용
    DELIVERY = "delivery"  # 택배용
    DIPLOMATIC = "diplomatic"  # 외교용
    CONSTRUCTION = "construction"  # 건설기계
    EMERGENCY = "emergency"  # 긴급자동차
    OLD_REGIONAL = "old-regional"  # 지역명이 있는 구 번호판 (비사업용)


class VehicleType(StrEnum):
    """The vehicle type a plate's class number stands for (차종)."""

    PASSENGER = "passenger"  # 승용
    VAN = "van"  # 승합
    TRUCK = "truck"  # 화물
    SPECIAL = "special"  # 특수
    EMERGENCY = "emergency"  # 긴급
    CONSTRUCTION = "construction"  # 건설기계
    DIPLOMATIC = "diplomatic"  # 외교


@dataclass(frozen=True, slots=True)
class Plate:
    """A plate number that follows the MOLIT plate notice, split into its parts.

    ``text`` is the canonical normalized form (no separators), which is also what
    :func:`safenet.plates.normalize` returns for any spelling of the same plate.
    ``class_number`` is kept as written (``"12"``, ``"123"``, ``"1"``, ``"012"``)
    because its length is part of the plate's identity. For a diplomatic plate
    ``usage`` is the prefix (``"외교"``), ``class_number`` the first three digits
    and ``serial`` the last three.
    """

    text: str
    region: str | None
    class_number: str
    usage: str
    serial: str
    kind: PlateKind
    vehicle_type: VehicleType

    @property
    def display(self) -> str:
        """The plate as people write it: ``12가 3456``, ``서울12바 3456``, ``외교123-456``."""
        if self.kind is PlateKind.DIPLOMATIC:
            return f"{self.usage}{self.class_number}-{self.serial}"
        return f"{self.region or ''}{self.class_number}{self.usage} {self.serial}"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class PlateCheck:
    """The verdict on one text: either a plate or the reason it is not one.

    ``normalized`` and ``plate`` are set only when ``valid``; ``error`` only when not.
    """

    valid: bool
    normalized: str | None
    error: str | None
    plate: Plate | None
