"""What every stage receives: the reads of one batch still in the stream, and their history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from safenet.center.hits import HitHistory
from safenet.center.types import HitDraft, ReadItem


@dataclass
class Batch:
    """The live reads of one batch, and what the hit checks know of earlier hits."""

    items: list[ReadItem]
    history: HitHistory

    def with_hits(self) -> list[ReadItem]:
        """The reads that matched, oldest first (the hit checks go in time order)."""
        return sorted((i for i in self.items if i.hits), key=lambda i: i.incoming.ts)

    def drafts(self) -> Iterator[tuple[ReadItem, HitDraft]]:
        for item in self.with_hits():
            for draft in item.hits:
                yield item, draft
