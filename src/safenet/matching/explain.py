"""Why a read matched, in words a dispatcher understands.

``3rd character (usage syllable) read as 거, registered 가 (look-alike)``,
``class digit 1 missing (older readers drop it)``, ``region 서울 missing``,
``matches witness pattern 12가34??``, ``one character differs: 5th character read
as 7, registered 1 (edit)``. A match found through one of the OCR's alternatives
says so first, with that alternative's confidence.
"""

from __future__ import annotations

from safenet.matching.compare import Comparison, Step, StepKind
from safenet.matching.types import Level
from safenet.plates import describe_position


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
    if comparison.level is Level.EXACT and level in (None, Level.EXACT):
        return "read exactly as registered"
    if comparison.level is Level.EXACT:
        body = "read exactly as registered"
    elif comparison.level is Level.PARTIAL:
        body = f"matches witness pattern {registered}"
    else:
        words = [_step(step, text) for step in comparison.steps]
        body = "; ".join(words)
        if comparison.level is Level.FUZZY and len(comparison.steps) > 1:
            body = f"two misreads: {body}"
    if rank == 0:
        return body
    if comparison.level is Level.EXACT:
        return (
            f"not the camera's top read: its alternative {rank} {text} "
            f"(confidence {confidence:.2f}) is the registered plate, a candidate"
        )
    return f"OCR alternative {rank} {text} (confidence {confidence:.2f}): {body}"


def _step(step: Step, text: str) -> str:
    if step.kind is StepKind.LOOKALIKE:
        where = describe_position(step.position, text)
        return f"{where} read as {step.read}, registered {step.registered} (look-alike)"
    if step.kind is StepKind.SUBSTITUTION:
        where = describe_position(step.position, text)
        return (
            f"one character differs: {where} read as {step.read}, "
            f"registered {step.registered} (edit)"
        )
    if step.kind is StepKind.INSERTED:
        where = describe_position(step.position, text)
        return f"one character too many: {where} {step.read} is not registered (edit)"
    if step.kind is StepKind.DELETED:
        where = describe_position(step.position, text)
        return f"one character missing: registered {step.registered} not read, {where} (edit)"
    if step.kind is StepKind.DROPPED_DIGIT:
        return f"class digit {step.registered} missing (older readers drop it)"
    return f"region {step.registered} missing"
