"""Witness patterns: the part of a plate a witness saw, checked when the hotlist loads.

``?`` stands for exactly one unknown character; one ``*`` at the start or the end
stands for any run of characters: ``12가34??``, ``??가3456``, ``*3456``, ``12가*``.
A pattern must pin down at least :data:`MIN_BITS` bits of a plate (``12가*`` and
``*3456`` do, ``*456`` does not) and fit at least one plate shape, so that a
typing mistake on the police side is refused with its reason at load time
instead of quietly matching thousands of innocent cars.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from safenet.plates import DIPLOMATIC_PREFIXES, PLATE_CHARS, REGIONS, USAGE_SYLLABLES
from safenet.plates.normalize import SEPARATORS

UNKNOWN = "?"
RUN = "*"
MIN_BITS = 11.0
"""Least information a pattern must carry: it may fit at most 1 plate in 2048.

``12가*`` carries 12 bits (two digits and a usage syllable), ``*3456`` 13;
``*456`` (10 bits) would flag one car in a thousand and is refused.
"""

_DIGITS = frozenset("0123456789")
_SYLLABLES = frozenset(USAGE_SYLLABLES)
_REGION_FIRST = frozenset(r[0] for r in REGIONS)
_REGION_SECOND = frozenset(r[1] for r in REGIONS)
_PREFIX_FIRST = frozenset(p[0] for p in DIPLOMATIC_PREFIXES)
_PREFIX_SECOND = frozenset(p[1] for p in DIPLOMATIC_PREFIXES)

# What each position of each plate shape may hold (D digit, S usage syllable,
# R/r first/second region character, P/p first/second diplomatic prefix character).
_SHAPES = ("DDSDDDD", "DDDSDDDD", "RrDSDDDD", "RrDDSDDDD", "PpDDDDDD")
_CLASSES: dict[str, frozenset[str]] = {
    "D": _DIGITS,
    "S": _SYLLABLES,
    "R": _REGION_FIRST,
    "r": _REGION_SECOND,
    "P": _PREFIX_FIRST,
    "p": _PREFIX_SECOND,
}
# Information a known character carries, in bits: how many choices it rules out.
_BITS = {
    "D": math.log2(10),
    "S": math.log2(len(_SYLLABLES)),
    "R": math.log2(len(REGIONS)),
    "r": 0.0,
    "P": math.log2(len(DIPLOMATIC_PREFIXES)),
    "p": 0.0,
}
PLATE_BITS = sum(_BITS[c] for c in "DDDSDDDD")
"""Information in a whole common plate (``123가4567``), the yardstick for patterns."""

_PATTERN_MARKS = frozenset("?*？＊")
_FOLD = {chr(0xFF10 + i): str(i) for i in range(10)} | {"？": UNKNOWN, "＊": RUN}


class Anchor(StrEnum):
    """Where a pattern's known part sits in the plate."""

    WHOLE = "whole"  # no '*': the pattern covers the whole plate
    END = "end"  # '*' first: the known part ends the plate
    START = "start"  # '*' last: the known part starts the plate


class PatternError(ValueError):
    """A witness pattern the hotlist refuses, with the reason.

    ``code`` is the stable key the console words the reason with (``pattern.shape``),
    ``params`` the values the wording fills in (docs/api.md).
    """

    def __init__(
        self, reason: str, *, code: str = "pattern.shape", params: dict[str, object] | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.params: dict[str, object] = dict(params or {})


@dataclass(frozen=True, slots=True)
class WitnessPattern:
    """A partial plate from a witness, normalized: ``body`` is the pattern without ``*``."""

    text: str
    anchor: Anchor
    body: str
    specificity: float

    @property
    def fixed(self) -> tuple[int, ...]:
        """Positions in ``body`` whose character is known."""
        return tuple(i for i, ch in enumerate(self.body) if ch != UNKNOWN)

    def matches(self, text: str) -> bool:
        """Whether a normalized read text fits this pattern."""
        body = self.body
        n = len(body)
        if self.anchor is Anchor.WHOLE:
            if len(text) != n:
                return False
            part = text
        elif len(text) < n:
            return False
        elif self.anchor is Anchor.END:
            part = text[len(text) - n :]
        else:
            part = text[:n]
        return all(p in (UNKNOWN, c) for p, c in zip(body, part, strict=True))


def is_pattern(text: str) -> bool:
    """Whether a hotlist plate field is a witness pattern rather than a full plate."""
    return not _PATTERN_MARKS.isdisjoint(text)


def split_pattern(text: str) -> tuple[str, Anchor, str]:
    """A pattern's folded spelling, its anchor and its body (without ``*``).

    Checks the characters and the place of ``*`` only, not how vague the pattern is;
    raises :class:`PatternError` with the reason.
    """
    folded = "".join(
        _FOLD.get(ch, ch) for ch in unicodedata.normalize("NFC", text) if ch not in SEPARATORS
    )
    if not folded:
        raise PatternError("pattern is empty", code="pattern.empty")
    for ch in folded:
        if ch not in PLATE_CHARS and ch not in (UNKNOWN, RUN):
            raise PatternError(
                f"character {ch!r} cannot appear in a plate pattern",
                code="pattern.character",
                params={"char": ch},
            )
    runs = folded.count(RUN)
    if runs > 1:
        raise PatternError(
            "pattern may hold one '*' only, at its start or its end", code="pattern.star_count"
        )
    if runs == 1 and folded[0] != RUN and folded[-1] != RUN:
        raise PatternError(
            "'*' may stand only at the start or the end of a pattern", code="pattern.star_place"
        )
    anchor = Anchor.WHOLE
    body = folded
    if folded.startswith(RUN):
        anchor, body = Anchor.END, folded[1:]
    elif folded.endswith(RUN):
        anchor, body = Anchor.START, folded[:-1]
    if not body:
        raise PatternError("pattern holds nothing but '*'", code="pattern.only_star")
    return folded, anchor, body


def parse_pattern(text: str) -> WitnessPattern:
    """The witness pattern ``text`` spells; raises :class:`PatternError` with the reason."""
    folded, anchor, body = split_pattern(text)
    bits = _best_fit(body, anchor)
    if bits is None:
        raise PatternError(
            f"pattern {folded} fits no Korean plate shape",
            code="pattern.shape",
            params={"pattern": folded},
        )
    if bits < MIN_BITS:
        raise PatternError(
            f"pattern {folded} is too vague: it fits about 1 plate in {round(2**bits):,}; "
            f"at most 1 in {round(2**MIN_BITS):,} is allowed",
            code="pattern.too_vague",
            params={"pattern": folded, "one_in": round(2**bits), "floor": round(2**MIN_BITS)},
        )
    return WitnessPattern(folded, anchor, body, min(1.0, bits / PLATE_BITS))


def _best_fit(body: str, anchor: Anchor) -> float | None:
    """Bits of the known characters in the plate shape the body fits best, or None."""
    best: float | None = None
    for shape in _SHAPES:
        if anchor is Anchor.WHOLE:
            if len(shape) != len(body):
                continue
            part = shape
        elif len(body) > len(shape):
            continue
        elif anchor is Anchor.END:
            part = shape[len(shape) - len(body) :]
        else:
            part = shape[: len(body)]
        if all(ch == UNKNOWN or ch in _CLASSES[k] for ch, k in zip(body, part, strict=True)):
            bits = sum(_BITS[k] for ch, k in zip(body, part, strict=True) if ch != UNKNOWN)
            best = bits if best is None else min(best, bits)
    return best
