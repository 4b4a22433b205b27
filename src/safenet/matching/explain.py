"""Why a read matched: a structure the consoles word, and the English sentence made from it.

The structure (:class:`Explanation`) is what the center's API and the link carry: its
``kind`` (``exact``, ``exact_alternative``, ``pattern``, ``misread``), the read and
registered texts, which of the camera's texts matched (``rank`` 0 is the top read,
with that text's ``confidence``), and one :class:`Difference` per misread step:
its ``factor`` code (``lookalike``, ``substitution``, ``inserted``, ``deleted``,
``dropped_digit``, ``no_region``), the ``position`` in the read text, the plate
``part`` and ``digit`` there, and the ``read_char`` / ``registered_char``. The
consoles word it from their catalogue in the operator's language.

The English sentence (:meth:`Explanation.sentence`, for logs and ``safenet match``)
is generated from the structure:
``3rd character (usage syllable) read as 거, registered 가 (look-alike)``,
``class digit 1 missing (older readers drop it)``, ``region 서울 missing``,
``matches witness pattern 12가34??``, ``one character differs: 5th character read
as 7, registered 1 (edit)``. A match found through one of the OCR's alternatives
says so first, with that alternative's confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from safenet.matching.compare import Comparison, Step, StepKind, steps_between
from safenet.matching.compiled import CompiledEntry, compile_entry
from safenet.matching.policy import LENIENT
from safenet.matching.types import HotlistEntry, Level
from safenet.plates import describe_position, position_part

KINDS: Final[tuple[str, ...]] = ("exact", "exact_alternative", "pattern", "misread")
"""What an explanation can say about a match as a whole."""

DIFFERENCES: Final[tuple[str, ...]] = (
    "lookalike",
    "substitution",
    "inserted",
    "deleted",
    "dropped_digit",
    "no_region",
)
"""The code of every kind of misread step (one per :class:`StepKind`)."""

_CODE = {kind: kind.value.replace("-", "_") for kind in StepKind}


@dataclass(frozen=True, slots=True)
class Difference:
    """One way the read text differs from the registered plate.

    ``position`` indexes the read text (for a deleted character: where it is
    missing, up to ``len(text)``); None for a dropped class digit or a lost region,
    which have no place in the read. ``part`` and ``digit`` name the plate part at
    that position (:func:`safenet.plates.position_part`); ``read_char`` and
    ``registered_char`` are the characters involved ('' when absent).
    """

    factor: str
    position: int | None
    part: str | None
    digit: int | None
    read_char: str
    registered_char: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON object the API and the link carry."""
        return {
            "factor": self.factor,
            "position": self.position,
            "part": self.part,
            "digit": self.digit,
            "read_char": self.read_char,
            "registered_char": self.registered_char,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the read ``text`` (listed at ``rank``) matched ``registered``.

    ``level`` is the comparison's level; ``reported`` the level the match is
    reported at (an exact alternative is reported as a candidate).
    """

    kind: str
    level: Level
    reported: Level
    text: str
    registered: str
    rank: int
    confidence: float | None
    differences: tuple[Difference, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON object the API and the link carry."""
        return {
            "kind": self.kind,
            "level": self.level.value,
            "reported_level": self.reported.value,
            "text": self.text,
            "registered": self.registered,
            "rank": self.rank,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "differences": [d.as_dict() for d in self.differences],
        }

    def sentence(self) -> str:
        """The English sentence, for logs and ``safenet match``."""
        if self.kind == "exact":
            return "read exactly as registered"
        sure = "" if self.confidence is None else f" (confidence {self.confidence:.2f})"
        if self.kind == "exact_alternative":
            return (
                f"not the camera's top read: its alternative {self.rank} {self.text}"
                f"{sure} is the registered plate, a candidate"
            )
        if self.kind == "pattern":
            body = f"matches witness pattern {self.registered}"
        else:
            body = "; ".join(_words(d, self.text) for d in self.differences)
            if self.level is Level.FUZZY and len(self.differences) > 1:
                body = f"two misreads: {body}"
        if self.rank == 0:
            return body
        return f"OCR alternative {self.rank} {self.text}{sure}: {body}"


def structure(
    comparison: Comparison,
    text: str,
    registered: str,
    rank: int,
    confidence: float,
    level: Level | None = None,
) -> Explanation:
    """The structure of a match of read ``text`` (listed at ``rank``) to ``registered``."""
    reported = level or comparison.level
    if comparison.level is Level.EXACT:
        kind = "exact" if reported is Level.EXACT or rank == 0 else "exact_alternative"
        return Explanation(kind, comparison.level, reported, text, registered, rank, confidence)
    if comparison.level is Level.PARTIAL:
        return Explanation(
            "pattern", comparison.level, reported, text, registered, rank, confidence
        )
    differences = tuple(difference(step, text) for step in comparison.steps)
    return Explanation(
        "misread", comparison.level, reported, text, registered, rank, confidence, differences
    )


def explain(
    comparison: Comparison,
    text: str,
    registered: str,
    rank: int,
    confidence: float,
    level: Level | None = None,
) -> str:
    """The sentence for a match of read ``text`` (listed at ``rank``) to ``registered``.

    ``level`` is the level the match is reported at when it differs from the
    comparison's (an exact alternative reported as a candidate).
    """
    return structure(comparison, text, registered, rank, confidence, level).sentence()


def difference(step: Step, text: str) -> Difference:
    """One step of a comparison as a :class:`Difference` of the read ``text``."""
    code = _CODE[step.kind]
    if step.kind in (StepKind.DROPPED_DIGIT, StepKind.NO_REGION):
        return Difference(code, None, None, None, step.read, step.registered)
    part, digit = position_part(step.position, text)
    return Difference(code, step.position, part, digit, step.read, step.registered)


def derive(
    text: str,
    registered: str,
    level: Level,
    rank: int = 0,
    confidence: float | None = None,
    reported: Level | None = None,
) -> Explanation:
    """The structure of a match that was stored without it (a hit row, a report).

    Compares ``text`` with ``registered`` again, allowing every misread the matcher
    knows; the steps are the cheapest, as the matcher found them. A pair that no
    longer compares (a pattern, or a plate the grammar now refuses) has no
    differences.
    """
    reported = reported or level
    if level is Level.EXACT or text == registered:
        kind = "exact" if reported is Level.EXACT or rank == 0 else "exact_alternative"
        return Explanation(kind, Level.EXACT, reported, text, registered, rank, confidence)
    if level is Level.PARTIAL:
        return Explanation("pattern", level, reported, text, registered, rank, confidence)
    entry = HotlistEntry(id="derive", plate=registered, policy=LENIENT.name)
    compiled = compile_entry(entry, {LENIENT.name: LENIENT})
    steps: tuple[Step, ...] = ()
    if isinstance(compiled, CompiledEntry):
        steps = steps_between(text, compiled)
    differences = tuple(difference(step, text) for step in steps)
    return Explanation("misread", level, reported, text, registered, rank, confidence, differences)


def _words(d: Difference, text: str) -> str:
    if d.factor == "dropped_digit":
        return f"class digit {d.registered_char} missing (older readers drop it)"
    if d.factor == "no_region":
        return f"region {d.registered_char} missing"
    assert d.position is not None
    where = describe_position(d.position, text)
    if d.factor == "lookalike":
        return f"{where} read as {d.read_char}, registered {d.registered_char} (look-alike)"
    if d.factor == "substitution":
        return (
            f"one character differs: {where} read as {d.read_char}, "
            f"registered {d.registered_char} (edit)"
        )
    if d.factor == "inserted":
        return f"one character too many: {where} {d.read_char} is not registered (edit)"
    return f"one character missing: registered {d.registered_char} not read, {where} (edit)"
