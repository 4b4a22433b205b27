"""The holder a center's pipeline matches through, so the hotlist can change under it.

Reads flow through :meth:`Matcher.match_many` on any thread while the hotlist is
replaced (:meth:`Matcher.swap`) or changed (:meth:`Matcher.apply`). Either way the
new index is complete before a single reference assignment makes it current, so a
batch is matched against exactly one hotlist version, and every match names it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from safenet.matching.index import HotlistIndex
from safenet.matching.types import Match, Read

T = TypeVar("T")


class Matcher:
    """The current hotlist index of a center, swapped atomically for readers."""

    __slots__ = ("_index", "_writer")

    def __init__(self, index: HotlistIndex | None = None) -> None:
        self._index = index if index is not None else HotlistIndex()
        self._writer = threading.Lock()  # serializes writers only; readers never wait

    @property
    def index(self) -> HotlistIndex:
        """The index reads are matched against right now."""
        return self._index

    @property
    def version(self) -> int:
        """The hotlist version reads are matched against right now."""
        return self._index.version

    def swap(self, index: HotlistIndex) -> HotlistIndex:
        """Make ``index`` current; returns the one it replaces."""
        with self._writer:
            old, self._index = self._index, index
        return old

    def apply(self, change: Callable[[HotlistIndex], T]) -> T:
        """Run ``change`` on a copy of the current index, then swap the copy in.

        ``change`` receives the copy (call ``add``/``remove``/``replace`` on it) and
        its result is returned, e.g. a rejection. Readers keep the old index until
        the swap, so they never see a half-applied change.
        """
        with self._writer:
            draft = self._index.copy()
            result = change(draft)
            self._index = draft
        return result

    def match(self, read: Read, min_score: float | None = None) -> list[Match]:
        """The matches of one read against the current index."""
        return self._index.match(read, min_score)

    def match_many(self, reads: Sequence[Read], min_score: float | None = None) -> list[Match]:
        """The matches of a batch of reads, all against the same index version."""
        index = self._index  # one reference read: the whole batch sees one version
        return index.match_many(reads, min_score)
