"""The words safenet uses for what a vehicle looks like: colour, body type, make.

These are controlled vocabularies: a wanted entry and a camera read describe a
vehicle with the same codes, so the two can be compared. Each code has a Korean
label (what consoles show first) and an English one. Cameras' own words are
mapped onto these codes in :mod:`safenet.vehicles.vendor`.

The colour list follows what overview cameras next to plate readers report and
what witnesses say (흰색, 검정, 은색, 회색 … cover nine cars in ten on Korean roads);
the body types are the shapes a camera can tell apart (a sedan from an SUV, a
van from a truck), not the registration classes of the plate (승용/승합/화물),
which say less about how a vehicle looks (an SUV is registered 승용).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Colour(StrEnum):
    """A vehicle's body colour as cameras and witnesses name it."""

    WHITE = "white"
    SILVER = "silver"
    GREY = "grey"
    BLACK = "black"
    NAVY = "navy"  # dark blue
    BLUE = "blue"
    RED = "red"
    BROWN = "brown"
    BEIGE = "beige"  # beige, gold, champagne
    YELLOW = "yellow"
    GREEN = "green"
    ORANGE = "orange"
    PURPLE = "purple"

    @property
    def ko(self) -> str:
        """The Korean label: what an operator reads."""
        return _COLOUR_KO[self]

    @property
    def en(self) -> str:
        """The English label."""
        return _COLOUR_EN[self]


_COLOUR_KO = {
    Colour.WHITE: "흰색",
    Colour.SILVER: "은색",
    Colour.GREY: "회색",
    Colour.BLACK: "검정",
    Colour.NAVY: "남색",
    Colour.BLUE: "파랑",
    Colour.RED: "빨강",
    Colour.BROWN: "갈색",
    Colour.BEIGE: "베이지",
    Colour.YELLOW: "노랑",
    Colour.GREEN: "초록",
    Colour.ORANGE: "주황",
    Colour.PURPLE: "보라",
}
_COLOUR_EN = {
    Colour.WHITE: "white",
    Colour.SILVER: "silver",
    Colour.GREY: "grey",
    Colour.BLACK: "black",
    Colour.NAVY: "navy (dark blue)",
    Colour.BLUE: "blue",
    Colour.RED: "red",
    Colour.BROWN: "brown",
    Colour.BEIGE: "beige (gold)",
    Colour.YELLOW: "yellow",
    Colour.GREEN: "green",
    Colour.ORANGE: "orange",
    Colour.PURPLE: "purple",
}


class BodyType(StrEnum):
    """A vehicle's shape as a camera can see it."""

    CAR = "car"  # sedan, hatchback, coupé, wagon
    SUV = "suv"  # SUV, crossover, RV
    VAN = "van"  # minivan, passenger or cargo van (Carnival, Staria)
    PICKUP = "pickup"
    TRUCK = "truck"  # light and heavy trucks (Porter, Bongo, lorries)
    BUS = "bus"
    MOTORCYCLE = "motorcycle"

    @property
    def ko(self) -> str:
        """The Korean label: what an operator reads."""
        return _BODY_KO[self]

    @property
    def en(self) -> str:
        """The English label."""
        return _BODY_EN[self]


_BODY_KO = {
    BodyType.CAR: "승용(세단)",
    BodyType.SUV: "SUV",
    BodyType.VAN: "승합(밴)",
    BodyType.PICKUP: "픽업",
    BodyType.TRUCK: "화물(트럭)",
    BodyType.BUS: "버스",
    BodyType.MOTORCYCLE: "이륜차",
}
_BODY_EN = {
    BodyType.CAR: "car",
    BodyType.SUV: "SUV",
    BodyType.VAN: "van",
    BodyType.PICKUP: "pickup",
    BodyType.TRUCK: "truck",
    BodyType.BUS: "bus",
    BodyType.MOTORCYCLE: "motorcycle",
}


@dataclass(frozen=True, slots=True)
class Description:
    """What a vehicle looks like, as far as it is known: each part may be unknown (None).

    ``make`` is a canonical make code from :data:`MAKES`
    when the make is one we know, else the text as given (lower-cased); ``model``
    is free text, shown to people but never compared.
    """

    colour: Colour | None = None
    body: BodyType | None = None
    make: str | None = None
    model: str | None = None

    @property
    def empty(self) -> bool:
        """Whether nothing comparable is known (colour, body type and make all unknown)."""
        return self.colour is None and self.body is None and self.make is None

    def codes(self) -> dict[str, str | None]:
        """The description as vocabulary codes (``colour``, ``type``, ``make``; ``model`` as given).

        What an API sends a console, which words each code from its catalogue.
        """
        return {
            "colour": None if self.colour is None else self.colour.value,
            "type": None if self.body is None else self.body.value,
            "make": self.make,
            "model": self.model,
        }

    def label(self, language: str = "ko") -> str:
        """The description in a few words, e.g. ``흰색 SUV 현대 싼타페`` (``-`` when unknown)."""
        parts: list[str] = []
        if self.colour is not None:
            parts.append(self.colour.ko if language == "ko" else self.colour.en)
        if self.body is not None:
            parts.append(self.body.ko if language == "ko" else self.body.en)
        if self.make is not None:
            parts.append(make_label(self.make, language))
        if self.model:
            parts.append(self.model)
        return " ".join(parts) if parts else "-"


MAKES: dict[str, tuple[str, str]] = {
    "hyundai": ("현대", "Hyundai"),
    "kia": ("기아", "Kia"),
    "genesis": ("제네시스", "Genesis"),
    "kgm": ("KG모빌리티(쌍용)", "KG Mobility (SsangYong)"),
    "renault": ("르노코리아", "Renault Korea"),
    "chevrolet": ("쉐보레", "Chevrolet"),
    "bmw": ("BMW", "BMW"),
    "mercedes": ("벤츠", "Mercedes-Benz"),
    "audi": ("아우디", "Audi"),
    "volkswagen": ("폭스바겐", "Volkswagen"),
    "volvo": ("볼보", "Volvo"),
    "tesla": ("테슬라", "Tesla"),
    "toyota": ("토요타", "Toyota"),
    "lexus": ("렉서스", "Lexus"),
    "honda": ("혼다", "Honda"),
    "ford": ("포드", "Ford"),
    "porsche": ("포르쉐", "Porsche"),
    "mini": ("미니", "MINI"),
    "landrover": ("랜드로버", "Land Rover"),
    "jeep": ("지프", "Jeep"),
}
"""Makes on Korean roads that cameras and registry forms name: code -> (Korean, English)."""


def make_label(make: str, language: str = "ko") -> str:
    """A make code in the operator's language (unknown makes as given)."""
    known = MAKES.get(make)
    if known is None:
        return make
    return known[0] if language == "ko" else known[1]
