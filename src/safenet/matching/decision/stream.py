"""A batch of reads through the matcher and the decision chain, as a file replay or a center does.

The matcher is asked down to :data:`~safenet.matching.decision.chain.EVIDENCE_FLOOR`
so the chain sees the weak matches it needs as evidence; the chain decides which
matches become lines (those at or above each entry's threshold). Only reads with a
match cost the chain anything: the rest only move the stream clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from safenet.matching.decision.adapt import observation_of, stream_time
from safenet.matching.decision.chain import EVIDENCE_FLOOR, DecisionChain
from safenet.matching.decision.types import Decision
from safenet.matching.index import HotlistIndex
from safenet.matching.types import Match, Read
from safenet.tracking import GeoPoint


def _nowhere(_camera_id: str) -> GeoPoint | None:
    return None


def decide_batch(
    chain: DecisionChain,
    index: HotlistIndex,
    reads: Sequence[Read],
    point_of: Callable[[str], GeoPoint | None] = _nowhere,
    *,
    min_score: float | None = None,
    evidence: bool = True,
    on_bad_time: Callable[[Read], None] | None = None,
) -> list[Decision]:
    """Match ``reads`` (in time order) and decide every match; the decisions made meanwhile.

    ``min_score`` below the evidence floor lowers the floor with it, so that every
    match the caller asked for is decided. ``evidence=False`` asks the matcher only
    for reportable matches: right when nothing but the plate can be weighed (no
    camera positions, no descriptions), and as fast as the per-read matcher. A
    matched read whose ``ts`` is no time (:func:`stream_time`) cannot be decided:
    it goes to ``on_bad_time`` and is left out.
    """
    if not reads:
        return []
    if not evidence:
        floor = min_score
    else:
        floor = EVIDENCE_FLOOR if min_score is None else min(EVIDENCE_FLOOR, min_score)
    by_read: dict[str, list[Match]] = {}
    for match in index.match_many(reads, floor):
        by_read.setdefault(match.read_id, []).append(match)
    out: list[Decision] = []
    for read in reads:
        if not by_read:
            break
        mine = by_read.pop(read.id, None)  # popped: a repeated id is decided once
        if mine is None:
            continue
        ts = stream_time(read.ts)
        if ts is None:
            if on_bad_time is not None:
                on_bad_time(read)
            continue
        out.extend(chain.observe(observation_of(read, ts, point_of(read.camera_id)), mine))
    for read in reversed(reads):  # the clock moves to the batch's last readable time
        last = stream_time(read.ts)
        if last is not None:
            out.extend(chain.advance(last))
            break
    return out
