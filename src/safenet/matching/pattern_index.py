"""Witness patterns indexed by their known characters, so reads never scan the patterns.

Patterns with the same shape (anchor, length, unknown positions) share one key
computation: a read's key for a shape is the hash of its characters at the known
positions. Each shape costs a few vector operations over a batch of reads, however
many patterns have it, and all keys are looked up in one table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from safenet.matching.keys import (
    CODE,
    POW,
    POW_INV,
    TAG_PATTERN,
    U64,
    WIDTH,
    Bools,
    Encoded,
    mix,
)
from safenet.matching.patterns import UNKNOWN, Anchor, WitnessPattern
from safenet.matching.table import KeyTable

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

_MASK64 = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class _Shape:
    anchor: Anchor
    length: int
    unknown: tuple[int, ...]  # positions of '?' in the body
    tag: np.uint64


def _pattern_hash(pattern: WitnessPattern) -> int:
    h = 0
    for j in pattern.fixed:
        h = (h + CODE[pattern.body[j]] * int(POW[j])) & _MASK64
    return h


class PatternIndex:
    """The witness patterns of a hotlist, grouped by shape. Immutable.

    A read's key for a shape is the hash of its characters at the shape's known
    positions, derived from the read's prefix hashes by taking out the unknown
    positions; all shapes' keys meet the patterns in one key table.
    """

    __slots__ = ("_shapes", "_table", "count")

    def __init__(self, patterns: list[tuple[int, WitnessPattern]]) -> None:
        shapes: dict[tuple[Anchor, int, tuple[int, ...]], _Shape] = {}
        keys: list[int] = []
        slots: list[int] = []
        for slot, pattern in patterns:
            if len(pattern.body) > WIDTH:
                continue  # longer than any plate: can never match a read
            unknown = tuple(i for i, ch in enumerate(pattern.body) if ch == UNKNOWN)
            key = (pattern.anchor, len(pattern.body), unknown)
            if key not in shapes:
                tag = np.uint64((int(TAG_PATTERN) + len(shapes) * _SHAPE_STEP) & _MASK64)
                shapes[key] = _Shape(pattern.anchor, len(pattern.body), unknown, tag)
            keys.append(int(mix(np.array([_pattern_hash(pattern)], np.uint64), shapes[key].tag)[0]))
            slots.append(slot)
        self._shapes = tuple(shapes.values())
        self._table = KeyTable(np.array(keys, dtype=np.uint64), np.array(slots, dtype=np.int32))
        self.count = len(slots)

    def lookup(self, enc: Encoded) -> tuple[I64, I32]:
        """Every (text index, slot) pair where the text fits a pattern's known characters."""
        if not self.count:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        queries: list[U64] = []
        owners: list[I64] = []
        for shape in self._shapes:
            keys, valid = _shape_keys(shape, enc)
            rows = np.flatnonzero(valid)
            queries.append(mix(keys[rows], shape.tag))
            owners.append(rows)
        index, slots = self._table.lookup(np.concatenate(queries))
        return np.concatenate(owners)[index], slots


_SHAPE_STEP = 0x9E3779B97F4A7C15


def _shape_keys(shape: _Shape, enc: Encoded) -> tuple[U64, Bools]:
    """Per text, the hash of its characters at the shape's known positions, and validity."""
    length = shape.length
    if shape.anchor is Anchor.WHOLE:
        valid: Bools = enc.lengths == length
        keys = enc.h.copy()
        for j in shape.unknown:
            keys -= enc.codes[:, j].astype(np.uint64) * POW[j]
        return keys, valid
    valid = enc.lengths >= length
    if shape.anchor is Anchor.START:
        keys = enc.pre[:, length].copy()
        for j in shape.unknown:
            keys -= enc.codes[:, j].astype(np.uint64) * POW[j]
        return keys, valid
    offset = np.maximum(enc.lengths - length, 0)
    rows = np.arange(enc.n)
    keys = (enc.h - enc.pre[rows, offset]) * POW_INV[offset]
    for j in shape.unknown:
        keys -= enc.codes[rows, np.minimum(offset + j, WIDTH - 1)].astype(np.uint64) * POW[j]
    return keys, valid
