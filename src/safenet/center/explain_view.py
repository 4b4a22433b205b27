"""Why a hit matched, as data: for the center's queue and hits API and for the report.

The matcher's explanation is a structure (:class:`safenet.matching.explain.Explanation`):
the consoles word it from their catalogue in the operator's language. A hit row
keeps the texts, the match level and the rank, so the structure is derived again at
read time (no column holds it); a LocationReport carries it as ``match``
(:class:`safenet.link.messages.ReportMatch`). The English ``explanation`` stays for
logs and for police services that do not read ``match``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from safenet.link.messages import ReportDifference, ReportMatch
from safenet.matching.explain import Explanation, derive
from safenet.matching.patterns import is_pattern
from safenet.matching.types import Level
from safenet.plates import PlateError, normalize


def text_confidence(
    text: str, rank: int, confidence: float, alternatives: Iterable[Sequence[Any]] | None
) -> float | None:
    """How sure the camera was of the text that matched: the read's, or its alternative's.

    ``alternatives`` are the read's (plate, confidence) pairs, best first. None when
    the alternative is not known (a read stored without them).
    """
    if rank == 0:
        return confidence
    listed = [(str(a[0]), float(a[1])) for a in alternatives or () if len(a) >= 2]
    for plate, sure in listed:
        if _normal(plate) == text:
            return sure
    if 0 < rank <= len(listed):
        return listed[rank - 1][1]
    return None


def registered_text(plate: str | None) -> str:
    """An entry's plate or pattern as the matcher compares it (normalized when a plate)."""
    if not plate:
        return ""
    if is_pattern(plate):
        return plate
    return _normal(plate)


def hit_explanation(
    *,
    text: str,
    registered: str | None,
    match_level: str,
    reported_level: str,
    rank: int,
    confidence: float,
    alternatives: Iterable[Sequence[Any]] | None = None,
) -> Explanation | None:
    """The structure of a stored hit's match (None when the entry's plate is not known)."""
    plate = registered_text(registered)
    if not plate:
        return None
    try:
        level = Level(match_level)
        reported = Level(reported_level)
    except ValueError:
        return None
    sure = text_confidence(text, rank, confidence, alternatives)
    return derive(text, plate, level, rank, sure, reported)


def report_match(why: Explanation | None) -> ReportMatch | None:
    """The structure as a LocationReport carries it."""
    if why is None:
        return None
    return ReportMatch(
        kind=why.kind,
        level=why.level.value,
        reported_level=why.reported.value,
        text=why.text[:16],
        registered=why.registered[:40],
        rank=min(16, why.rank),
        confidence=None if why.confidence is None else min(1.0, max(0.0, why.confidence)),
        differences=[
            ReportDifference(
                factor=d.factor,
                position=d.position,
                part=d.part,
                digit=d.digit,
                read_char=d.read_char[:4],
                registered_char=d.registered_char[:4],
            )
            for d in why.differences[:4]
        ],
    )


def _normal(plate: str) -> str:
    try:
        return normalize(plate)
    except PlateError:
        return plate
