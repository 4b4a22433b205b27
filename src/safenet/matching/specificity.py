"""How many plates a witness pattern can match, counted from the plate grammar.

A registrar typing ``*4321`` for a missing person's car should see what that means
before it becomes a search: "this pattern matches about 1 in 10,000 plates". The
count is exact over the grammar of :mod:`safenet.plates` — every class number that
is issued (``01``–``99``, ``001``–``999``, ``1``–``9`` after a region), every usage
syllable, region and diplomatic prefix, every serial — plate format by plate format:

=================  ============  ====================================
format             example       plates in the grammar
=================  ============  ====================================
national, 2-digit  ``12가3456``   99 × 40 × 10,000 = 39,600,000
national, 3-digit  ``123가4567``  999 × 40 × 10,000 = 399,600,000
regional, 1-digit  ``서울1가1234`` 17 × 9 × 40 × 10,000 = 61,200,000
regional, 2-digit  ``서울12바3456`` 17 × 99 × 40 × 10,000 = 673,200,000
diplomatic         ``외교123456``  7 × 1,000,000 = 7,000,000
=================  ============  ====================================

Two figures come out. ``one_in`` is taken in the format the pattern fits most loosely
— the conservative reading, because the grammar's formats are not equally common on
the road (the national formats carry almost every car; regional plates are a few
commercial vehicles): ``12가*`` is 1 in 3,960 of the 2-digit national plates, whatever
share of the whole grammar that is. ``share`` is the pattern's share of the whole
plate space, for the record. The policy (:mod:`safenet.matching.privacy`) uses
``one_in``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from safenet.matching.patterns import UNKNOWN, Anchor, PatternError, split_pattern
from safenet.plates import DIPLOMATIC_PREFIXES, REGIONS, USAGE_SYLLABLES

REGISTERED_VEHICLES = 26_290_000
"""Vehicles registered in Korea at the end of 2024 (MOLIT 자동차 등록현황: 2,629만 대),
to say what 1 in N plates means on the road."""

_DIGITS = "0123456789"


def _numbers(width: int, low: int, high: int) -> tuple[str, ...]:
    return tuple(str(n).zfill(width) for n in range(low, high + 1))


# Each slot: the values it may hold (None for free digits, counted per position).
_Slot = tuple[int, tuple[str, ...] | None]
_CLASS1: _Slot = (1, _numbers(1, 1, 9))
_CLASS2: _Slot = (2, _numbers(2, 1, 99))
_CLASS3: _Slot = (3, _numbers(3, 1, 999))  # 001-099 construction machinery, 998-999 emergency
_USAGE: _Slot = (1, tuple(USAGE_SYLLABLES))
_REGION: _Slot = (2, tuple(REGIONS))
_PREFIX: _Slot = (2, tuple(DIPLOMATIC_PREFIXES))
_SERIAL: _Slot = (4, None)
_SIX: _Slot = (6, None)

FORMATS: tuple[tuple[str, tuple[_Slot, ...]], ...] = (
    ("national 2-digit class (12가3456)", (_CLASS2, _USAGE, _SERIAL)),
    ("national 3-digit class (123가4567)", (_CLASS3, _USAGE, _SERIAL)),
    ("regional 1-digit class (서울1가1234)", (_REGION, _CLASS1, _USAGE, _SERIAL)),
    ("regional 2-digit class (서울12바3456)", (_REGION, _CLASS2, _USAGE, _SERIAL)),
    ("diplomatic (외교123456)", (_PREFIX, _SIX)),
)
"""The plate formats of the grammar, each as its slots in reading order."""


def _slot_count(slot: _Slot, part: str) -> int:
    _, values = slot
    if values is None:
        count = 1
        for ch in part:
            if ch == UNKNOWN:
                count *= 10
            elif ch not in _DIGITS:
                return 0
        return count
    return sum(1 for v in values if all(p in (UNKNOWN, c) for p, c in zip(part, v, strict=True)))


def _size(slots: tuple[_Slot, ...]) -> int:
    return math.prod(_slot_count(slot, UNKNOWN * slot[0]) for slot in slots)


def _format_count(slots: tuple[_Slot, ...], anchor: Anchor, body: str) -> int:
    length = sum(width for width, _ in slots)
    n = len(body)
    if anchor is Anchor.WHOLE:
        if n != length:
            return 0
        full = body
    elif n > length:
        return 0
    elif anchor is Anchor.END:
        full = UNKNOWN * (length - n) + body
    else:
        full = body + UNKNOWN * (length - n)
    count, at = 1, 0
    for slot in slots:
        count *= _slot_count(slot, full[at : at + slot[0]])
        if count == 0:
            return 0
        at += slot[0]
    return count


PLATE_SPACE = sum(_size(slots) for _, slots in FORMATS)
"""Every plate the grammar allows (1,180,600,000)."""


@dataclass(frozen=True, slots=True)
class Specificity:
    """How many plates a witness pattern (or a full plate) can match.

    ``matching`` plates of the grammar's ``space`` fit it (``share``); in the format it
    fits most loosely (``loosest_format``) it matches 1 in ``one_in`` plates, which is
    about ``vehicles`` registered vehicles nationwide.
    """

    pattern: str
    matching: int
    space: int
    one_in: int
    loosest_format: str

    @property
    def share(self) -> float:
        return self.matching / self.space

    @property
    def bits(self) -> float:
        """Information the pattern carries, in bits (log2 of ``one_in``)."""
        return math.log2(self.one_in)

    @property
    def vehicles(self) -> int:
        """About how many of the registered vehicles it matches."""
        return max(1, round(REGISTERED_VEHICLES / self.one_in))

    def describe(self) -> str:
        """The registrar's line: "this pattern matches about 1 in N plates …"."""
        share = f"{self.share:.2%}" if self.share >= 1e-4 else f"{self.share:.1e}"
        return (
            f"pattern {self.pattern} matches about 1 in {_round(self.one_in):,} plates "
            f"(about {_round(self.vehicles):,} of the {REGISTERED_VEHICLES:,} registered "
            f"vehicles; share of the plate space {share})"
        )


def _round(n: int) -> int:
    """Two significant figures: "about" means about."""
    if n < 100:
        return n
    magnitude = int("1" + "0" * (len(str(n)) - 2))
    return round(n / magnitude) * magnitude


@functools.lru_cache(maxsize=4096)
def specificity(text: str) -> Specificity:
    """How many plates ``text`` (a witness pattern or a full plate) can match.

    Raises :class:`PatternError` for a text that is not a pattern at all or fits no plate.
    """
    folded, anchor, body = split_pattern(text)
    matching = 0
    loosest: tuple[float, int, str] | None = None
    for name, slots in FORMATS:
        count = _format_count(slots, anchor, body)
        if count == 0:
            continue
        matching += count
        size = _size(slots)
        fraction = count / size
        if loosest is None or fraction > loosest[0]:
            loosest = (fraction, max(1, round(size / count)), name)
    if loosest is None:
        raise PatternError(
            f"pattern {folded} fits no Korean plate shape",
            code="pattern.shape",
            params={"pattern": folded},
        )
    return Specificity(folded, matching, PLATE_SPACE, loosest[1], loosest[2])
