"""Match keys for an indexed retrospective look-up (issue 16; not wired in yet).

Two texts of the same length that differ in at most ``MAX_STEPS`` positions, or
that differ by one inserted or deleted character, share at least one key of their
deletion neighbourhoods (the text with up to ``MAX_STEPS`` characters removed).
A read stores the keys of its plate and its OCR alternatives; an entry is looked up
by the keys of its plate and of its equivalent forms (dropped class digit, no
region). Keys only find candidates: the matcher decides on the returned reads.
Witness patterns have no keys and still need the scan.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from safenet.matching.compare import MAX_STEPS
from safenet.matching.compiled import CompiledEntry


def deletion_keys(text: str, depth: int = MAX_STEPS) -> set[str]:
    """``text`` and every text made from it by deleting up to ``depth`` characters."""
    keys = {text}
    for k in range(1, min(depth, len(text) - 1) + 1):
        for drop in combinations(range(len(text)), k):
            keys.add("".join(ch for i, ch in enumerate(text) if i not in drop))
    return keys


def read_keys(texts: Iterable[str]) -> set[str]:
    """The keys stored for a read whose plate and alternatives are ``texts``."""
    keys: set[str] = set()
    for text in texts:
        keys |= deletion_keys(text)
    return keys


def entry_keys(entry: CompiledEntry) -> set[str] | None:
    """The keys to look ``entry`` up by, or None for a pattern (which needs the scan)."""
    if entry.pattern is not None:
        return None
    keys = deletion_keys(entry.text)
    for form in (entry.dropped, entry.unregioned):
        if form is not None:
            keys |= deletion_keys(form)
    return keys
