"""What every stage receives: the reads of one batch still in the stream, and their history."""

from __future__ import annotations

from dataclasses import dataclass

from safenet.center.hits import HitHistory
from safenet.center.types import ReadItem


@dataclass
class Batch:
    """The live reads of one batch, and what the hit checks know of earlier hits."""

    items: list[ReadItem]
    history: HitHistory
