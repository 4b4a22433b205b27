"""A sorted table of 64-bit keys pointing at hotlist slots, with a bit filter in front.

Each row packs the top :data:`KEY_BITS` bits of a key and a slot number into one
64-bit word, so a table of a million plates' keys is one array sorted in place.
Keys only find candidates (every candidate is verified on the real strings), so
the dropped low bits of the key cost an extra comparison once in ~10**11, never a
wrong match.

Nearly every key a read asks about is in no table at all, so a bit array indexed
by the top bits of the key turns most questions away with one memory access; only
the few that pass are searched in the sorted array. Tables are immutable: the
index adds entries by building a small new table and merging tables now and then.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from safenet.matching.keys import U64

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

SLOT_BITS = 26
"""Bits for the slot number: an index holds at most 2**26 (67 million) slots."""
KEY_BITS = 64 - SLOT_BITS
MAX_SLOTS = 1 << SLOT_BITS

_SLOT_MASK = np.uint64(MAX_SLOTS - 1)
_KEY_MASK = np.uint64(((1 << 64) - 1) ^ (MAX_SLOTS - 1))
_BITS_PER_KEY = 16  # about 1 false pass in 16 for keys that are absent
_MIN_BITS = 12
_MAX_BITS = 32
_SEVEN = np.uint64(7)
_THREE = np.uint64(3)


_CHUNK = 1 << 20


def pack(keys: U64, slots: I32) -> U64:
    """Rows of a table: the top bits of each key with its slot; ``keys`` is consumed."""
    if len(slots) and int(slots.max()) >= MAX_SLOTS:
        raise ValueError(f"slot numbers must stay below {MAX_SLOTS}")
    keys &= _KEY_MASK
    keys |= slots.astype(np.uint64)
    return keys


def _sorted(rows: U64) -> U64:
    rows.sort()
    return rows


def _empty() -> tuple[I64, I32]:
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)


class KeyTable:
    """Keys and the hotlist slot each one belongs to, sorted by key."""

    __slots__ = ("_bitmap", "_shift", "rows")

    def __init__(self, keys: U64, slots: I32) -> None:
        """A table of ``keys[i]`` -> ``slots[i]``; ``keys`` is consumed."""
        self._set(_sorted(pack(keys, slots)))

    def _set(self, rows: U64) -> None:
        self.rows: U64 = rows
        n = len(rows)
        bits = int(np.clip(np.ceil(np.log2(max(n, 1) * _BITS_PER_KEY)), _MIN_BITS, _MAX_BITS))
        self._shift = np.uint64(64 - bits)
        bitmap = np.zeros(1 << (bits - 3), dtype=np.uint8)
        for i in range(0, n, _CHUNK):  # chunks bound the temporaries for big tables
            position = rows[i : i + _CHUNK] >> self._shift  # sorted, because the rows are
            byte = (position >> _THREE).astype(np.int64)
            bit = (np.uint64(1) << (position & _SEVEN)).astype(np.uint8)
            starts = np.flatnonzero(np.r_[True, byte[1:] != byte[:-1]])
            bitmap[byte[starts]] |= np.bitwise_or.reduceat(bit, starts)
        self._bitmap = bitmap

    @classmethod
    def from_rows(cls, rows: U64, *, presorted: bool = False) -> KeyTable:
        """A table of packed rows (see :func:`pack`); ``rows`` is consumed."""
        table = cls.__new__(cls)
        table._set(rows if presorted else _sorted(rows))
        return table

    @classmethod
    def empty(cls) -> KeyTable:
        """A table with no keys."""
        return cls.from_rows(np.zeros(0, dtype=np.uint64), presorted=True)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def nbytes(self) -> int:
        """Memory held by the table's arrays."""
        return int(self.rows.nbytes + self._bitmap.nbytes)

    def lookup(self, queries: U64) -> tuple[I64, I32]:
        """Every (query index, slot) pair whose keys agree in their top bits."""
        if len(self.rows) == 0 or len(queries) == 0:
            return _empty()
        position = queries >> self._shift
        byte = self._bitmap[(position >> _THREE).astype(np.int64)]
        passed = np.flatnonzero((byte >> (position & _SEVEN).astype(np.uint8)) & 1)
        if len(passed) == 0:
            return _empty()
        low = queries[passed] & _KEY_MASK
        lo = np.searchsorted(self.rows, low, side="left")
        hi = np.searchsorted(self.rows, low | _SLOT_MASK, side="right")
        counts = hi - lo
        found = counts > 0
        if not bool(found.any()):
            return _empty()
        counts = counts[found]
        lo = lo[found]
        query_index = np.repeat(passed[found], counts)
        # consecutive ranges lo..hi of the sorted array, one per matched query
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        offsets = np.arange(int(counts.sum()), dtype=np.int64)
        slots = (self.rows[starts + offsets] & _SLOT_MASK).astype(np.int32)
        return query_index.astype(np.int64), slots

    def merged(self, other: KeyTable, keep: npt.NDArray[np.bool_]) -> KeyTable:
        """One table with this table's and ``other``'s keys, of slots where ``keep`` is True.

        Both tables are sorted already, so this is a linear merge, not a new sort.
        """
        where = np.searchsorted(self.rows, other.rows, side="right")
        rows = np.insert(self.rows, where, other.rows)
        alive = keep[(rows & _SLOT_MASK).astype(np.int64)]
        if not bool(alive.all()):
            rows = rows[alive]
        return KeyTable.from_rows(rows, presorted=True)
