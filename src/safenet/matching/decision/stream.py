"""A batch of reads through the matcher and the decision chain, as a file replay or a center does.

The matcher is asked down to :data:`~safenet.matching.decision.chain.EVIDENCE_FLOOR`
so the chain sees the weak matches it needs as evidence; the chain decides which
matches become lines (those at or above each entry's threshold).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from safenet.matching.decision.adapt import observation_of
from safenet.matching.decision.chain import EVIDENCE_FLOOR, DecisionChain
from safenet.matching.decision.types import Decision
from safenet.matching.index import HotlistIndex
from safenet.matching.types import Match, Read
from safenet.tracking import GeoPoint


def decide_batch(
    chain: DecisionChain,
    index: HotlistIndex,
    reads: Sequence[Read],
    times: Sequence[float],
    point_of: Callable[[str], GeoPoint | None] = lambda _camera: None,
    *,
    min_score: float | None = None,
) -> list[Decision]:
    """Match ``reads`` (in time order, ``times`` their stream times) and decide every match.

    ``min_score`` below the evidence floor lowers the floor with it, so that every
    match the caller asked for is decided.
    """
    if len(times) != len(reads):
        raise ValueError(f"{len(reads)} reads but {len(times)} times")
    floor = EVIDENCE_FLOOR if min_score is None else min(EVIDENCE_FLOOR, min_score)
    found = index.match_many(reads, floor)
    out: list[Decision] = []
    j = 0
    for read, ts in zip(reads, times, strict=True):
        mine: list[Match] = []
        while j < len(found) and found[j].read_id == read.id:
            mine.append(found[j])
            j += 1
        if mine:
            out.extend(chain.observe(observation_of(read, ts, point_of(read.camera_id)), mine))
        else:
            out.extend(chain.advance(ts))
    return out
