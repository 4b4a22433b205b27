"""What a plate reader reports for a vehicle: the OCR noise model of the simulated cameras.

Given the true plate, a read is either right or wrong in one of the ways plate
readers are wrong in practice (docs/plates.md, the look-alike model):

=====================  =========================================================
kind                   what the reader reports
=====================  =========================================================
``vowel``              the usage syllable with its vowel flipped (가→거, 고→구, 배→바)
``consonant``          the usage syllable with a look-alike consonant (마→바, 아→하)
``digit``              one digit swapped for a look-alike (0↔8, 1↔7, 5↔6 …)
``dropped_class_digit``  a 3-digit class without its first digit (123가4567→23가4567)
``missing_region``     a regional plate without its region name (서울12바3456→12바3456)
``random``             one character swapped for one that is not a look-alike (rare)
=====================  =========================================================

Each rate is the chance of that misread *when the plate allows it* (only 3-digit
classes lose a digit, only regional plates lose a region); at most one misread
per read, and every misread is still a well-formed plate. Misreads get lower
confidence, and reads below a confidence threshold may carry top-k alternatives,
which on a misread often include the true plate. Deterministic for a given
``random.Random``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from safenet.plates import (
    USAGE_SYLLABLES,
    LookalikeKind,
    Plate,
    PlateKind,
    check,
    dropped_class_digit,
    lookalike,
    lookalikes_of,
    without_region,
)
from safenet.plates.alphabet import DIGITS


class NoiseKind(StrEnum):
    """How a read differs from the plate the vehicle carries (``none``: it does not)."""

    NONE = "none"
    VOWEL = "vowel"
    CONSONANT = "consonant"
    DIGIT = "digit"
    DROPPED_CLASS_DIGIT = "dropped_class_digit"
    MISSING_REGION = "missing_region"
    RANDOM = "random"


MISREAD_KINDS: tuple[NoiseKind, ...] = tuple(k for k in NoiseKind if k is not NoiseKind.NONE)


@dataclass(frozen=True, slots=True)
class NoiseRates:
    """The noise model's parameters: misread rates, confidences and alternatives."""

    vowel: float = 0.04
    consonant: float = 0.02
    digit: float = 0.05
    dropped_class_digit: float = 0.05
    missing_region: float = 0.25
    random: float = 0.005
    correct_confidence_mean: float = 0.93
    correct_confidence_sd: float = 0.04
    misread_confidence_mean: float = 0.70
    misread_confidence_sd: float = 0.10
    alternatives_below: float = 0.85
    alternatives_rate: float = 0.6
    truth_in_alternatives: float = 0.7
    max_alternatives: int = 4

    def __post_init__(self) -> None:
        for kind in MISREAD_KINDS:
            _unit(kind.value, self.rate(kind))
        total = sum(self.rate(k) for k in MISREAD_KINDS)
        if total > 1.0:
            raise ValueError(f"the misread rates add up to {total:.3f}; they must not exceed 1")
        for name in (
            "correct_confidence_mean",
            "misread_confidence_mean",
            "alternatives_below",
            "alternatives_rate",
            "truth_in_alternatives",
        ):
            _unit(name, getattr(self, name))
        for name in ("correct_confidence_sd", "misread_confidence_sd"):
            if not 0.0 <= getattr(self, name) <= 0.5:
                raise ValueError(f"{name} must be between 0 and 0.5, got {getattr(self, name)}")
        if not 1 <= self.max_alternatives <= 10:
            raise ValueError(f"max_alternatives must be 1..10, got {self.max_alternatives}")

    def rate(self, kind: NoiseKind) -> float:
        """The configured rate of one misread kind."""
        return float(getattr(self, kind.value))


def _unit(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


@dataclass(frozen=True, slots=True)
class NoisyRead:
    """What one camera reported for one vehicle, with the truth kept for scoring."""

    true_plate: str
    plate: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]
    noise: NoiseKind

    @property
    def misread(self) -> bool:
        """Whether the reported plate differs from the true one."""
        return self.noise is not NoiseKind.NONE


def _valid(text: str) -> bool:
    return check(text).valid


def _replace(text: str, index: int, ch: str) -> str:
    return text[:index] + ch + text[index + 1 :]


def _usage_index(plate: Plate) -> int:
    return len(plate.region or "") + len(plate.class_number)


def _swap(plate: Plate, index: int, ch: str) -> str | None:
    """The plate with one character swapped, if the result is still a plate.

    Serial digits and the usage syllable can take any digit or syllable; only a
    changed class number can stop being issued (``00``), so only that is checked.
    """
    text = _replace(plate.text, index, ch)
    start = len(plate.region or "")
    if start <= index < _usage_index(plate):
        return text if _valid(text) else None
    return text


def _positions(plate: Plate) -> list[int]:
    return [i for i, ch in enumerate(plate.text) if ch in DIGITS]


def _lookalike_variants(plate: Plate, kind: LookalikeKind) -> list[str]:
    if plate.kind is PlateKind.DIPLOMATIC:
        return []
    positions = _positions(plate) if kind is LookalikeKind.DIGIT else [_usage_index(plate)]
    out: list[str] = []
    for i in positions:
        ch = plate.text[i]
        for pair in lookalikes_of(ch):
            if pair.kind is kind:
                swapped = _swap(plate, i, pair.other(ch))
                if swapped is not None:
                    out.append(swapped)
    return out


_SYLLABLES = "".join(USAGE_SYLLABLES)


def _random_variants(plate: Plate) -> list[str]:
    if plate.kind is PlateKind.DIPLOMATIC:
        return []
    out: list[str] = []
    usage_at = _usage_index(plate)
    for i in [*_positions(plate), usage_at]:
        ch = plate.text[i]
        for other in _SYLLABLES if i == usage_at else DIGITS:
            if other != ch and lookalike(ch, other) is None:
                swapped = _swap(plate, i, other)
                if swapped is not None:
                    out.append(swapped)
    return out


def _single(result: str | None) -> list[str]:
    return [result] if result is not None and _valid(result) else []


_VARIANTS: dict[NoiseKind, Callable[[Plate], list[str]]] = {
    NoiseKind.VOWEL: lambda p: _lookalike_variants(p, LookalikeKind.VOWEL),
    NoiseKind.CONSONANT: lambda p: _lookalike_variants(p, LookalikeKind.CONSONANT),
    NoiseKind.DIGIT: lambda p: _lookalike_variants(p, LookalikeKind.DIGIT),
    NoiseKind.DROPPED_CLASS_DIGIT: lambda p: _single(dropped_class_digit(p)),
    NoiseKind.MISSING_REGION: lambda p: _single(without_region(p)),
    NoiseKind.RANDOM: _random_variants,
}


def misread_variants(plate: Plate, kind: NoiseKind) -> list[str]:
    """Every well-formed plate a reader could report for ``plate`` by one misread of ``kind``.

    Empty when the plate does not allow that misread (no region to lose …).
    """
    if kind is NoiseKind.NONE:
        return [plate.text]
    return _VARIANTS[kind](plate)


def _lookalike_neighbours(text: str) -> list[str]:
    out: list[str] = []
    for i, ch in enumerate(text):
        for pair in lookalikes_of(ch):
            candidate = _replace(text, i, pair.other(ch))
            if _valid(candidate):
                out.append(candidate)
    return out


class NoiseModel:
    """Turns true plates into camera reads, drawing from one seeded random stream."""

    def __init__(self, rates: NoiseRates, rng: random.Random) -> None:
        self.rates = rates
        self._rng = rng

    def read(self, plate: Plate) -> NoisyRead:
        """What a camera reports for a vehicle carrying ``plate``."""
        rng, rates = self._rng, self.rates
        kind = NoiseKind.NONE
        text = plate.text
        # One draw, fixed intervals per kind: P(kind | plate allows it) is exactly its rate.
        u = rng.random()
        edge = 0.0
        for candidate in MISREAD_KINDS:
            edge += rates.rate(candidate)
            if u < edge:
                options = misread_variants(plate, candidate)
                if options:
                    kind, text = candidate, rng.choice(options)
                break
        if kind is NoiseKind.NONE:
            mean, sd = rates.correct_confidence_mean, rates.correct_confidence_sd
            confidence = min(0.999, max(0.5, rng.gauss(mean, sd)))
        else:
            mean, sd = rates.misread_confidence_mean, rates.misread_confidence_sd
            confidence = min(0.98, max(0.3, rng.gauss(mean, sd)))
        confidence = round(confidence, 3)
        alternatives: tuple[tuple[str, float], ...] = ()
        if confidence < rates.alternatives_below and rng.random() < rates.alternatives_rate:
            alternatives = self._alternatives(plate.text, text, confidence, kind)
        return NoisyRead(plate.text, text, confidence, alternatives, kind)

    def _alternatives(
        self, truth: str, read: str, confidence: float, kind: NoiseKind
    ) -> tuple[tuple[str, float], ...]:
        rng, rates = self._rng, self.rates
        count = rng.randint(1, rates.max_alternatives)
        texts: list[str] = []
        if kind is not NoiseKind.NONE and rng.random() < rates.truth_in_alternatives:
            texts.append(truth)
        # Other guesses are look-alikes of what was read; never the truth unless drawn above.
        pool = [t for t in dict.fromkeys(_lookalike_neighbours(read)) if t not in (read, truth)]
        rng.shuffle(pool)
        texts.extend(pool[: max(0, count - len(texts))])
        rng.shuffle(texts)
        scores = sorted(
            (round(confidence * rng.uniform(0.5, 0.98), 3) for _ in texts), reverse=True
        )
        return tuple(zip(texts, scores, strict=True))
