"""Helpers shared by the matcher tests."""

from __future__ import annotations

from collections.abc import Sequence

from safenet.matching import Alternative, HotlistEntry, HotlistIndex, Read


def read(
    text: str,
    confidence: float = 0.6,
    alternatives: Sequence[tuple[str, float]] = (),
    read_id: str = "r1",
) -> Read:
    """A read from camera ``cam-1`` with the given text, confidence and alternatives."""
    return Read(
        read_id,
        "cam-1",
        "2024-05-01T12:00:00Z",
        text,
        confidence,
        [Alternative(t, c) for t, c in alternatives],
    )


def index_of(*plates: str, policy: str = "default", version: int = 1) -> HotlistIndex:
    """An index of entries ``e0``, ``e1`` ... for the given plates or patterns."""
    index, rejections = HotlistIndex.build(
        [HotlistEntry(f"e{i}", p, policy) for i, p in enumerate(plates)], version
    )
    assert not rejections, rejections
    return index
