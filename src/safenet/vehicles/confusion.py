"""How cameras get a vehicle's colour and body type wrong, and what a report is worth.

A camera that says "silver" about a car registered as white has not contradicted
the registry: white, silver and grey are told apart badly, all the more under
street lighting. A camera that says "black" about it has. This module holds a
confusion model -- ``P(reported | true)`` for every pair of colours and of body
types -- and turns a report into a likelihood ratio against the wanted entry's
description: how much more likely the report is if the vehicle is the wanted one
than if it is any car on the road (:func:`colour_ratio`, :func:`body_ratio`,
:func:`make_ratio`).

Where the numbers come from
---------------------------

- The one published confusion matrix we found for a camera vehicle-attribute
  classifier is the model card of OpenVINO's ``vehicle-attributes-recognition-
  barrier-0039`` (Open Model Zoo, Intel; seven colours, four types). Its rows,
  in per cent: white is read white 84.8, grey 10.9; grey is read grey 78.0,
  white 16.7; black 96.1 (grey 1.9); blue 79.5 (black 6.5, green 6.4, grey 4.3);
  red 92.3; yellow 54.0 (grey 13.9, green 11.2, white 10.7, red 10.2); green
  83.3 (black 6.1). Types: car 98.3; van 89.2 (truck 6.2, car 3.7); truck 94.3;
  bus 68.6 (truck 19.7, car 7.9).
- That model has no silver, navy, brown or beige and no SUV or pickup. Our finer
  rows spread its white/grey confusion over white, silver and grey (silver is
  the least reliable: it sits between the two), send the dark colours to black
  (navy is read black a quarter of the time, as "black/dark blue" confusion is
  the other well-known pair), and put SUV between car and van, pickup between
  SUV and truck. Those splits are our assumption, stated here, not measured.
- Every row keeps a floor of :data:`FLOOR` for any other colour or type: a
  reflection or a wrong crop can make any car look like anything.
- Population shares (:data:`COLOUR_SHARES`, :data:`BODY_SHARES`) are rough
  shares of Korean traffic: white, black, grey and silver are about four cars in
  five (the simulator's Seoul classifier shares, safenet/sim/traffic.py), and
  passenger cars and SUVs dominate registrations (승용 about 84 % of vehicles);
  they only set how much an agreeing colour is worth (agreeing on a rare colour
  is worth more than agreeing on white).

- A report is unrelated to the vehicle with probability :data:`UNRELATED`
  (the overview camera cropped the car behind, an infrared night frame, glare):
  the ratios mix each row with the population's shares by that much. A lab
  confusion matrix knows nothing of that; without it one wrong "black" would
  count as near-proof against a white car, where a street camera's report is
  not that reliable. This caps how much one report can contradict an entry
  (a ratio of about 0.1 at the most) and how much it can agree.

With real reads, re-estimate the rows and :data:`UNRELATED` from labelled
passes and keep this file's structure: the decision chain only asks for ratios.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

from safenet.vehicles.vocabulary import BodyType, Colour

FLOOR = 0.004
"""Least probability of reporting any given wrong colour or type."""

UNRELATED = 0.1
"""Chance a camera's colour or type report has nothing to do with the vehicle read."""

MAKE_ACCURACY = 0.85
"""Chance a make classifier names the vehicle's real make (an assumption)."""

_C = Colour
# P(reported | true): the named cells; the rest of each row is spread over the others.
_COLOUR_ROWS: dict[Colour, dict[Colour, float]] = {
    _C.WHITE: {_C.WHITE: 0.80, _C.SILVER: 0.07, _C.GREY: 0.07, _C.BEIGE: 0.01},
    _C.SILVER: {_C.SILVER: 0.60, _C.GREY: 0.18, _C.WHITE: 0.15, _C.BEIGE: 0.01},
    _C.GREY: {_C.GREY: 0.62, _C.SILVER: 0.13, _C.WHITE: 0.12, _C.BLACK: 0.05},
    _C.BLACK: {_C.BLACK: 0.90, _C.NAVY: 0.03, _C.GREY: 0.03},
    _C.NAVY: {_C.NAVY: 0.55, _C.BLACK: 0.25, _C.BLUE: 0.12},
    _C.BLUE: {_C.BLUE: 0.72, _C.NAVY: 0.10, _C.BLACK: 0.06, _C.GREY: 0.04, _C.GREEN: 0.04},
    _C.RED: {_C.RED: 0.88, _C.ORANGE: 0.03, _C.BROWN: 0.02, _C.PURPLE: 0.02},
    _C.BROWN: {_C.BROWN: 0.60, _C.BEIGE: 0.10, _C.BLACK: 0.10, _C.RED: 0.07, _C.GREY: 0.05},
    _C.BEIGE: {
        _C.BEIGE: 0.50, _C.SILVER: 0.12, _C.WHITE: 0.12, _C.BROWN: 0.10, _C.YELLOW: 0.06,
    },
    _C.YELLOW: {
        _C.YELLOW: 0.60, _C.ORANGE: 0.10, _C.WHITE: 0.08, _C.GREY: 0.08, _C.GREEN: 0.06,
    },
    _C.GREEN: {_C.GREEN: 0.78, _C.BLACK: 0.06, _C.BLUE: 0.04, _C.GREY: 0.04},
    _C.ORANGE: {_C.ORANGE: 0.70, _C.RED: 0.15, _C.YELLOW: 0.08},
    _C.PURPLE: {_C.PURPLE: 0.50, _C.NAVY: 0.14, _C.RED: 0.10, _C.BLACK: 0.10, _C.BLUE: 0.06},
}  # fmt: skip

_B = BodyType
_BODY_ROWS: dict[BodyType, dict[BodyType, float]] = {
    _B.CAR: {_B.CAR: 0.90, _B.SUV: 0.06, _B.VAN: 0.015},
    _B.SUV: {_B.SUV: 0.80, _B.CAR: 0.10, _B.VAN: 0.06, _B.PICKUP: 0.02},
    _B.VAN: {_B.VAN: 0.82, _B.SUV: 0.06, _B.TRUCK: 0.06, _B.CAR: 0.03},
    _B.PICKUP: {_B.PICKUP: 0.65, _B.TRUCK: 0.15, _B.SUV: 0.15},
    _B.TRUCK: {_B.TRUCK: 0.88, _B.PICKUP: 0.04, _B.VAN: 0.04, _B.BUS: 0.02},
    _B.BUS: {_B.BUS: 0.68, _B.TRUCK: 0.18, _B.VAN: 0.06, _B.CAR: 0.06},
    _B.MOTORCYCLE: {_B.MOTORCYCLE: 0.96},
}

COLOUR_SHARES: dict[Colour, float] = {
    _C.WHITE: 0.34, _C.BLACK: 0.19, _C.GREY: 0.17, _C.SILVER: 0.11, _C.BLUE: 0.04,
    _C.NAVY: 0.03, _C.RED: 0.04, _C.BROWN: 0.02, _C.BEIGE: 0.02, _C.YELLOW: 0.01,
    _C.GREEN: 0.01, _C.ORANGE: 0.01, _C.PURPLE: 0.01,
}  # fmt: skip
"""Rough shares of each colour among vehicles on Korean roads."""

BODY_SHARES: dict[BodyType, float] = {
    _B.CAR: 0.55, _B.SUV: 0.27, _B.VAN: 0.04, _B.PICKUP: 0.01, _B.TRUCK: 0.11, _B.BUS: 0.01,
    _B.MOTORCYCLE: 0.01,
}  # fmt: skip
"""Rough shares of each body type among vehicles that plate readers see."""

MAKE_SHARES: dict[str, float] = {
    "hyundai": 0.38, "kia": 0.30, "genesis": 0.05, "kgm": 0.04, "renault": 0.03,
    "chevrolet": 0.03, "bmw": 0.04, "mercedes": 0.04,
}  # fmt: skip
"""Rough shares of the commonest makes on Korean roads; any other make counts as rare."""
RARE_MAKE_SHARE = 0.01

K = TypeVar("K")


def _complete(rows: Mapping[K, Mapping[K, float]], codes: list[K]) -> dict[K, dict[K, float]]:
    """Full rows: the named cells, the floor elsewhere, scaled so each row sums to 1."""
    full: dict[K, dict[K, float]] = {}
    for true in codes:
        named = rows[true]
        others = [c for c in codes if c not in named]
        rest = 1.0 - sum(named.values())
        spread = max(FLOOR, rest / len(others)) if others else 0.0
        row = {c: named.get(c, spread) for c in codes}
        total = sum(row.values())
        full[true] = {c: p / total for c, p in row.items()}
    return full


COLOUR_CONFUSION: dict[Colour, dict[Colour, float]] = _complete(_COLOUR_ROWS, list(Colour))
"""``COLOUR_CONFUSION[true][reported]``: the chance a camera reports ``reported``."""
BODY_CONFUSION: dict[BodyType, dict[BodyType, float]] = _complete(_BODY_ROWS, list(BodyType))
"""``BODY_CONFUSION[true][reported]``: the chance a camera reports ``reported``."""


def _marginal(
    confusion: Mapping[K, Mapping[K, float]], shares: Mapping[K, float]
) -> dict[K, float]:
    total = sum(shares.values())
    return {
        reported: sum(shares[t] / total * confusion[t][reported] for t in confusion)
        for reported in confusion
    }


_COLOUR_MARGINAL = _marginal(COLOUR_CONFUSION, COLOUR_SHARES)
_BODY_MARGINAL = _marginal(BODY_CONFUSION, BODY_SHARES)


def _ratio(related: float, marginal: float) -> float:
    # P(report | wanted) mixes the confusion row with an unrelated report, which is
    # as likely as the report is among all vehicles: the marginal itself.
    return ((1.0 - UNRELATED) * related + UNRELATED * marginal) / marginal


def colour_ratio(reported: Colour, registered: Colour) -> float:
    """How much likelier the camera's colour is for the wanted vehicle than for any vehicle.

    Above 1 the report agrees with the registered colour (white for white), below 1
    it contradicts it (black for white); near 1 it says little (silver for white).
    """
    return _ratio(COLOUR_CONFUSION[registered][reported], _COLOUR_MARGINAL[reported])


def body_ratio(reported: BodyType, registered: BodyType) -> float:
    """How much likelier the camera's body type is for the wanted vehicle than for any vehicle."""
    return _ratio(BODY_CONFUSION[registered][reported], _BODY_MARGINAL[reported])


def make_ratio(reported: str, registered: str) -> float:
    """How much likelier the camera's make is for the wanted vehicle than for any vehicle.

    A classifier names the right make :data:`MAKE_ACCURACY` of the time; agreeing
    on a common make (현대) is worth less than agreeing on a rare one.
    """
    share = MAKE_SHARES.get(reported, RARE_MAKE_SHARE)
    wrong = (1.0 - MAKE_ACCURACY) * 0.1  # a wrong make is spread over about ten others
    marginal = share * MAKE_ACCURACY + (1.0 - share) * wrong
    return (MAKE_ACCURACY if reported == registered else wrong) / marginal


def log_ratio(ratio: float) -> float:
    """The natural log of a likelihood ratio: the unit factors add up in."""
    return math.log(ratio)
