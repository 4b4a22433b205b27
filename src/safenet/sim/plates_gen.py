"""Random plates for the simulated background traffic, drawn from the plate grammar.

The mix follows what drives through a Seoul district: mostly private cars with
a 3- or 2-digit class, some rental cars (하/허/호), commercial vehicles with a
region name (taxis and buses: 서울12바3456) and delivery trucks (배). Every
plate is checked with :func:`safenet.plates.parse` before it is used, so a
generator bug shows up as an error rather than as an impossible plate.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass

from safenet.plates import REGIONS, USAGE_SYLLABLES, Plate, PlateKind, parse

_PRIVATE = "".join(s for s, k in USAGE_SYLLABLES.items() if k is PlateKind.PRIVATE)
_RENTAL = "".join(s for s, k in USAGE_SYLLABLES.items() if k is PlateKind.RENTAL)
_COMMERCIAL = "".join(s for s, k in USAGE_SYLLABLES.items() if k is PlateKind.COMMERCIAL)
_DELIVERY = "".join(s for s, k in USAGE_SYLLABLES.items() if k is PlateKind.DELIVERY)
# Seoul traffic: mostly Seoul and Gyeonggi commercial plates, a few from elsewhere.
_REGION_WEIGHTS = {"서울": 70.0, "경기": 20.0, **{r: 10.0 / 15 for r in REGIONS[1:] if r != "경기"}}


@dataclass(frozen=True, slots=True)
class PlateMix:
    """Shares of each kind of plate in the background traffic (need not sum to 1)."""

    private: float = 0.80
    rental: float = 0.07
    commercial: float = 0.08
    delivery: float = 0.05
    three_digit_class: float = 0.65

    def __post_init__(self) -> None:
        shares = (self.private, self.rental, self.commercial, self.delivery)
        if any(s < 0 for s in shares) or sum(shares) <= 0:
            raise ValueError("plate mix: shares must be >= 0 and not all 0")
        if not 0 <= self.three_digit_class <= 1:
            raise ValueError("plate mix: three_digit_class must be between 0 and 1")


def _national_class(rng: random.Random, three: float, *, truck: bool = False) -> str:
    if rng.random() < three:
        if truck:
            return str(rng.randint(800, 979))
        roll = rng.random()  # passenger cars dominate; a few vans and trucks
        value = (
            rng.randint(100, 699)
            if roll < 0.9
            else rng.randint(700, 799)
            if roll < 0.95
            else rng.randint(800, 979)
        )
        return str(value)
    if truck:
        return f"{rng.randint(80, 97):02d}"
    roll = rng.random()
    value = (
        rng.randint(1, 69)
        if roll < 0.9
        else rng.randint(70, 79)
        if roll < 0.95
        else rng.randint(80, 97)
    )
    return f"{value:02d}"


def _serial(rng: random.Random) -> str:
    return f"{rng.randint(1000, 9999)}"


def random_plate(rng: random.Random, mix: PlateMix = PlateMix()) -> Plate:
    """One random, grammatically valid plate."""
    kinds = ("private", "rental", "commercial", "delivery")
    weights = (mix.private, mix.rental, mix.commercial, mix.delivery)
    kind = rng.choices(kinds, weights)[0]
    if kind == "private":
        text = f"{_national_class(rng, mix.three_digit_class)}{rng.choice(_PRIVATE)}{_serial(rng)}"
    elif kind == "rental":
        text = f"{_national_class(rng, mix.three_digit_class)}{rng.choice(_RENTAL)}{_serial(rng)}"
    elif kind == "commercial":
        region = rng.choices(list(_REGION_WEIGHTS), list(_REGION_WEIGHTS.values()))[0]
        klass = rng.randint(10, 69) if rng.random() < 0.85 else rng.randint(70, 79)
        text = f"{region}{klass}{rng.choice(_COMMERCIAL)}{_serial(rng)}"
    elif rng.random() < 0.5:  # delivery: the national 배 plate, or the older one with a region
        text = f"{_national_class(rng, 0.5, truck=True)}{_DELIVERY}{_serial(rng)}"
    else:
        region = rng.choices(list(_REGION_WEIGHTS), list(_REGION_WEIGHTS.values()))[0]
        text = f"{region}{rng.randint(80, 97)}{_DELIVERY}{_serial(rng)}"
    return parse(text)


class PlateSource:
    """Unique random plates for one run, never one of the ``exclude`` plates (the wanted ones)."""

    def __init__(
        self, rng: random.Random, mix: PlateMix = PlateMix(), exclude: Collection[str] = ()
    ) -> None:
        self._rng = rng
        self._mix = mix
        self._used = set(exclude)

    def next(self) -> Plate:
        """A plate no other vehicle of this run carries."""
        while True:
            plate = random_plate(self._rng, self._mix)
            if plate.text not in self._used:
                self._used.add(plate.text)
                return plate
