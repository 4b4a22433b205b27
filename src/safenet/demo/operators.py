"""Who decides at each center of the demo: a person at its console, or the simulation.

By default (``mixed``) one center — 강남구, ``gangnam`` — is left to a person: its
candidates and evidence requests wait in its console, while the simulated operators
decide at the other centers. ``people`` leaves every center to people; ``simulated``
lets the simulation decide everywhere (the demo as a self-running check).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

MANUAL_CENTER = "gangnam"
"""The center the default (``mixed``) demo leaves to a person."""


class OperatorMode(StrEnum):
    """Where the demo's candidates and evidence requests are decided."""

    MIXED = "mixed"  # one center (MANUAL_CENTER) by a person, the others by simulation
    PEOPLE = "people"  # every center by a person at its console
    SIMULATED = "simulated"  # every center by the simulated operators


def operator_mode(value: str) -> OperatorMode:
    """The mode named ``value``; a clear error naming the choices otherwise."""
    try:
        return OperatorMode(value.strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in OperatorMode)
        raise ValueError(f"operators: {value!r} is not one of {choices}") from None


def manual_sites(
    mode: OperatorMode, sites: Iterable[str], manual_center: str = MANUAL_CENTER
) -> frozenset[str]:
    """The centers (site ids) whose decisions wait for a person in ``mode``.

    ``sites`` are the demo's centers; in ``mixed`` mode ``manual_center`` must be one
    of them.
    """
    known = tuple(sites)
    if mode is OperatorMode.PEOPLE:
        return frozenset(known)
    if mode is OperatorMode.SIMULATED:
        return frozenset()
    if manual_center not in known:
        raise ValueError(
            f"manual center: {manual_center!r} is not one of the demo's centers "
            f"({', '.join(known)})"
        )
    return frozenset({manual_center})
