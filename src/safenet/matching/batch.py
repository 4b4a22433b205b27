"""A batch of reads as the index sees them: every listed text, encoded, with its odds.

Each read contributes its top text and its alternatives. For each text the batch
keeps the read it came from, its rank, its probability and the largest multiplier a
near (equivalent or fuzzy) match through it can reach; the index uses the latter to
skip neighbourhood lookups that could never reach the alert threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from safenet.matching.keys import (
    I64,
    TAG_DELETED,
    TAG_INSERTED,
    Bools,
    Encoded,
    encode_reads,
    mix,
)
from safenet.matching.pattern_index import PatternIndex
from safenet.matching.segment import Segment
from safenet.matching.table import I32
from safenet.matching.types import Read

F64 = npt.NDArray[np.float64]

_PLATE = attrgetter("plate")
_CONFIDENCE = attrgetter("confidence")
_ALTERNATIVES = attrgetter("alternatives")


class TextBatch:
    """The listed texts of a batch of reads, encoded."""

    __slots__ = ("enc", "near", "prob", "rank", "read_of", "texts", "usable")

    def __init__(self, reads: Sequence[Read]) -> None:
        n = len(reads)
        texts = list(map(_PLATE, reads))
        confidence = list(map(_CONFIDENCE, reads))
        listed = list(map(_ALTERNATIVES, reads))
        counts_all = np.fromiter(map(len, listed), dtype=np.int64, count=n)
        listing = np.flatnonzero(counts_all)
        counts = counts_all[listing]
        alternatives = list(chain.from_iterable(filter(None, listed)))
        texts += map(_PLATE, alternatives)
        confidence += map(_CONFIDENCE, alternatives)
        firsts = np.cumsum(counts) - counts
        self.read_of: I64 = np.concatenate(
            [np.arange(n, dtype=np.int64), np.repeat(listing.astype(np.int64), counts)]
        )
        self.rank: I64 = np.concatenate(
            [
                np.zeros(n, dtype=np.int64),
                np.arange(len(alternatives), dtype=np.int64) - np.repeat(firsts, counts) + 1,
            ]
        )
        self.prob, self.near = _odds(np.array(confidence, dtype=np.float64), self.read_of, n)
        self.enc, self.texts, self.usable = encode_reads(texts)


def _odds(confidence: F64, read_of: I64, n: int) -> tuple[F64, F64]:
    """Per text: its probability, and how much misread chance sits near it (:mod:`.score`)."""
    if len(confidence) == n:  # no alternatives anywhere: the common, cheap case
        return confidence, 1.0 - confidence
    total = np.bincount(read_of, weights=confidence, minlength=n)
    over = total > 1.0
    scale = np.where(over, 1.0 / np.where(over, total, 1.0), 1.0)
    prob: F64 = confidence * scale[read_of]
    listed = total * scale
    residual = np.maximum(0.0, 1.0 - listed)
    count = np.bincount(read_of, minlength=n).astype(np.float64)
    share = np.where(
        listed[read_of] > 0.0,
        prob / np.where(listed > 0.0, listed, 1.0)[read_of],
        1.0 / count[read_of],
    )
    near: F64 = residual[read_of] * share
    # The top text's misread chance is simply 1 - its probability: runner-ups listed
    # beside it do not make a misread of the top text less likely to sit near it.
    near[:n] = 1.0 - prob[:n]
    return prob, near


class _Found:
    """Collects (text index, slot) pairs from several lookups."""

    __slots__ = ("rows", "slots")

    def __init__(self) -> None:
        self.rows: list[I64] = []
        self.slots: list[I32] = []

    def add(self, found: tuple[I64, I32], owner: I64 | None = None) -> None:
        index, slot = found
        if len(index):
            self.rows.append(index if owner is None else owner[index])
            self.slots.append(slot)


def candidates(
    batch: TextBatch,
    segments: Sequence[Segment],
    patterns: PatternIndex,
    compound: Bools,
    plain: Bools,
) -> tuple[I64, I32]:
    """(text index, slot) pairs worth comparing; duplicates and dead slots not removed.

    ``compound`` marks the texts for which two-misread matches can still reach the
    threshold, ``plain`` those for which one plain edit can.
    """
    enc = batch.enc
    found = _Found()
    target = enc.target_keys()
    usable_rows = np.flatnonzero(batch.usable)
    everything = len(usable_rows) == enc.n
    queries = target if everything else target[usable_rows]
    for segment in segments:
        found.add(segment.target.lookup(queries), None if everything else usable_rows)
    compound = compound & batch.usable
    if compound.any():
        _compound(enc, compound, segments, found)
    plain = plain & batch.usable
    if plain.any():
        _plain(enc, plain, segments, found)
    if patterns.count:
        index, slot = patterns.lookup(enc)
        keep = batch.usable[index]
        found.add((index[keep], slot[keep]))
    if not found.rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    return np.concatenate(found.rows), np.concatenate(found.slots)


def _compound(enc: Encoded, wanted: Bools, segments: Sequence[Segment], found: _Found) -> None:
    """Look-alike variants of the read meet look-alike variants of the plate."""
    sub = enc.subset(wanted)
    owner = np.flatnonzero(wanted)
    keys, rows, _ = sub.lookalike_keys()
    for segment in segments:
        index, slot = segment.target.lookup(keys)
        found.add((rows[index], slot), owner)


def _plain(enc: Encoded, wanted: Bools, segments: Sequence[Segment], found: _Found) -> None:
    """One plain substitution, insertion or deletion."""
    sub = enc.subset(wanted)
    owner = np.flatnonzero(wanted)
    wild, wild_rows = sub.wildcard_keys()
    missing = mix(sub.h, TAG_DELETED)
    deletions, deletion_rows = sub.deletion_hashes()
    extra = mix(deletions, TAG_INSERTED)
    for segment in segments:
        index, slot = segment.wild.lookup(wild)
        found.add((wild_rows[index], slot), owner)
        found.add(segment.deleted.lookup(missing), owner)
        index, slot = segment.inserted.lookup(extra)
        found.add((deletion_rows[index], slot), owner)
