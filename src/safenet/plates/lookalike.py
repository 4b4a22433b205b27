"""The OCR look-alike model: which plate characters readers confuse, and how often.

Each pair carries a cost in (0, 1): the price the matcher pays for explaining a
difference by that confusion instead of by a plain substitution (1.0). Lower
means more often confused. The values and the reasoning behind them are in
docs/plates.md; the matcher turns costs into scores, this module only states them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from safenet.plates.alphabet import DIGITS, USAGE_SYLLABLES
from safenet.plates.types import Plate, PlateKind


class LookalikeKind(StrEnum):
    """Why two plate characters are confused."""

    VOWEL = "vowel"  # the vowel stroke flips or loses a tick: 가/거, 고/구, 배/바
    CONSONANT = "consonant"  # the initial consonant blurs: 마/바, 사/자, 아/하
    DIGIT = "digit"  # digit shapes close or lose a stroke: 0/8, 1/7


INDEL_COST = 1.0
"""Cost of a character inserted or deleted in fuzzy matching."""

SUBSTITUTION_COST = 1.0
"""Cost of replacing a character by one it is not known to be confused with."""

VOWEL_FLIP_COST = 0.3
"""ㅏ/ㅓ and ㅗ/ㅜ differ by the side or end of one short tick: the commonest misread."""

VOWEL_STROKE_COST = 0.4
"""ㅐ/ㅏ (배/바) differ by a whole vertical stroke, which blur and dirt still hide."""

CONSONANT_COST = 0.4
"""Initial consonants that blur into each other (ㅁ/ㅂ, ㅅ/ㅈ, ㅇ/ㅎ, ㄴ/ㄷ, ㄷ/ㄹ)."""

DROPPED_CLASS_DIGIT_COST = 0.3
"""Cost of reading ``123가4567`` as ``23가4567``: readers built for 2-digit classes."""

MISSING_REGION_COST = 0.2
"""Cost of reading ``서울12바3456`` as ``12바3456``: the small region name is often lost."""


@dataclass(frozen=True, slots=True)
class Lookalike:
    """Two plate characters a reader confuses, why, and how cheaply the matcher may swap them."""

    a: str
    b: str
    kind: LookalikeKind
    cost: float

    def __post_init__(self) -> None:
        if len(self.a) != 1 or len(self.b) != 1 or self.a == self.b:
            raise ValueError(
                f"look-alike needs two different characters, got {self.a!r}/{self.b!r}"
            )
        if not 0.0 < self.cost < 1.0:
            raise ValueError(
                f"look-alike {self.a}/{self.b}: cost must be in (0, 1), got {self.cost}"
            )

    def other(self, ch: str) -> str:
        """The character ``ch`` is confused with in this pair; raises ValueError if not in it."""
        if ch == self.a:
            return self.b
        if ch == self.b:
            return self.a
        raise ValueError(f"character {ch!r} is not in the look-alike pair {self.a}/{self.b}")

    def __str__(self) -> str:
        return f"{self.a}/{self.b}"


def _pairs(spec: str, kind: LookalikeKind, cost: float) -> tuple[Lookalike, ...]:
    return tuple(Lookalike(p[0], p[1], kind, cost) for p in spec.split())


_VOWEL_FLIPS = _pairs(
    "가거 나너 다더 라러 마머 바버 사서 아어 자저 하허 "
    "고구 노누 도두 로루 모무 보부 소수 오우 조주",
    LookalikeKind.VOWEL,
    VOWEL_FLIP_COST,
)
_VOWEL_STROKES = _pairs("배바", LookalikeKind.VOWEL, VOWEL_STROKE_COST)
_CONSONANTS = _pairs(
    "마바 머버 모보 무부 사자 서저 소조 수주 아하 어허 오호 나다 노도 다라",
    LookalikeKind.CONSONANT,
    CONSONANT_COST,
)
# Digit costs follow how little of the glyph must be lost for the swap.
_DIGITS = (
    Lookalike("0", "8", LookalikeKind.DIGIT, 0.35),  # 8's waist closes or vanishes in blur
    Lookalike("6", "8", LookalikeKind.DIGIT, 0.35),  # 6's open top closes
    Lookalike("8", "9", LookalikeKind.DIGIT, 0.35),  # 9's open bottom closes
    Lookalike("3", "8", LookalikeKind.DIGIT, 0.4),  # 3's left openings close
    Lookalike("5", "6", LookalikeKind.DIGIT, 0.4),  # 5's lower left gap closes
    Lookalike("1", "7", LookalikeKind.DIGIT, 0.45),  # 7's top bar lost or 1's serif read as bar
    Lookalike("2", "7", LookalikeKind.DIGIT, 0.5),  # 2's base bar lost, diagonal kept
    Lookalike("0", "6", LookalikeKind.DIGIT, 0.45),  # extra: 6's top stroke joins the loop
    Lookalike("0", "9", LookalikeKind.DIGIT, 0.45),  # extra: 9's tail joins the loop
    Lookalike("1", "4", LookalikeKind.DIGIT, 0.5),  # extra: 4's crossbar lost at a distance
)

LOOKALIKES: tuple[Lookalike, ...] = _VOWEL_FLIPS + _VOWEL_STROKES + _CONSONANTS + _DIGITS
"""Every look-alike pair, once."""


def _index() -> tuple[
    MappingProxyType[tuple[str, str], Lookalike], MappingProxyType[str, tuple[Lookalike, ...]]
]:
    by_pair: dict[tuple[str, str], Lookalike] = {}
    by_char: dict[str, list[Lookalike]] = {}
    for pair in LOOKALIKES:
        if (pair.a, pair.b) in by_pair:
            raise ValueError(f"look-alike pair {pair} is listed twice")
        for ch in (pair.a, pair.b):
            if ch not in USAGE_SYLLABLES and ch not in DIGITS:
                raise ValueError(f"look-alike pair {pair}: {ch!r} is no usage syllable or digit")
        by_pair[pair.a, pair.b] = by_pair[pair.b, pair.a] = pair
        by_char.setdefault(pair.a, []).append(pair)
        by_char.setdefault(pair.b, []).append(pair)
    of_char = {
        ch: tuple(sorted(pairs, key=lambda p: (p.cost, p.other(ch))))
        for ch, pairs in by_char.items()
    }
    return MappingProxyType(by_pair), MappingProxyType(of_char)


_BY_PAIR, _BY_CHAR = _index()


def lookalike(a: str, b: str) -> Lookalike | None:
    """The look-alike pair of two characters, in either order, or None."""
    return _BY_PAIR.get((a, b))


def lookalikes_of(ch: str) -> tuple[Lookalike, ...]:
    """Every look-alike pair involving ``ch``, cheapest first."""
    return _BY_CHAR.get(ch, ())


def substitution_cost(a: str, b: str) -> float:
    """Cost of reading character ``a`` where ``b`` is: 0 if equal, the look-alike cost, else 1."""
    if a == b:
        return 0.0
    pair = _BY_PAIR.get((a, b))
    return SUBSTITUTION_COST if pair is None else pair.cost


def dropped_class_digit(plate: Plate) -> str | None:
    """How a reader built for 2-digit classes reads a 3-digit-class plate (``23가4567``), or None.

    The matcher charges :data:`DROPPED_CLASS_DIGIT_COST` for explaining a read this way.
    """
    if (
        plate.region is None
        and len(plate.class_number) == 3
        and plate.kind is not PlateKind.DIPLOMATIC
    ):
        return plate.text[1:]
    return None


def without_region(plate: Plate) -> str | None:
    """A regional plate read without its region name (``12바3456``), or None.

    The matcher charges :data:`MISSING_REGION_COST` for explaining a read this way.
    """
    if plate.region is None:
        return None
    return plate.text[len(plate.region) :]
