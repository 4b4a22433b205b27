"""The keys of a set of wanted plates, one table per key family.

- ``target``: the plate itself and every text one known misread makes of it (each
  look-alike swap, the dropped class digit, the lost region). A read's own text is
  looked up here, so exact and equivalent matches cost one lookup per read.
- ``wild``: the plate with one position wildcarded (one plain substitution).
- ``deleted``: the plate with one character deleted (the read missed a character).
- ``inserted``: the plate again, met by the read with one character deleted (the
  read has a character too many).

The last three exist only for entries whose policy allows fuzzy matching.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from safenet.matching.compiled import CompiledEntry
from safenet.matching.keys import (
    TAG_DELETED,
    TAG_INSERTED,
    U64,
    encode_canonical,
    mix,
)
from safenet.matching.table import I32, KeyTable, pack
from safenet.matching.types import Level

Bools = npt.NDArray[np.bool_]


class Segment:
    """Key tables for some hotlist slots. Immutable."""

    __slots__ = ("deleted", "inserted", "target", "wild")

    def __init__(
        self, target: KeyTable, wild: KeyTable, deleted: KeyTable, inserted: KeyTable
    ) -> None:
        self.target = target
        self.wild = wild
        self.deleted = deleted
        self.inserted = inserted

    @classmethod
    def empty(cls) -> Segment:
        e = KeyTable.empty()
        return cls(e, e, e, e)

    @classmethod
    def build(cls, slots: Sequence[int], entries: Sequence[CompiledEntry]) -> Segment:
        """The tables for plate entries (no patterns) stored at ``slots``."""
        if not entries:
            return cls.empty()
        owners = np.asarray(slots, dtype=np.int32)
        # Chunks bound the temporaries of key generation for a million entries.
        parts = [
            _keys(owners[i : i + _CHUNK], entries[i : i + _CHUNK])
            for i in range(0, len(entries), _CHUNK)
        ]
        tables: list[KeyTable] = []
        for family in range(4):
            rows = np.concatenate([p[family] for p in parts])
            for p in parts:
                p[family] = _NOTHING
            tables.append(KeyTable.from_rows(rows))
            del rows
        return cls(*tables)

    def merged(self, other: Segment, alive: Bools) -> Segment:
        """This segment and ``other`` as one, without the slots no longer alive."""
        return Segment(
            self.target.merged(other.target, alive),
            self.wild.merged(other.wild, alive),
            self.deleted.merged(other.deleted, alive),
            self.inserted.merged(other.inserted, alive),
        )

    def __len__(self) -> int:
        return len(self.target) + len(self.wild) + len(self.deleted) + len(self.inserted)

    @property
    def nbytes(self) -> int:
        """Memory held by the segment's tables."""
        return sum(t.nbytes for t in (self.target, self.wild, self.deleted, self.inserted))


_CHUNK = 1 << 16
_NOTHING: U64 = np.zeros(0, dtype=np.uint64)


def _keys(slots: I32, entries: Sequence[CompiledEntry]) -> list[U64]:
    """Packed table rows of each key family for a chunk of entries."""
    enc = encode_canonical([e.text for e in entries])
    n = len(entries)
    near = np.fromiter(
        (e.policy.allows(Level.EQUIVALENT) or e.policy.fuzzy for e in entries),
        dtype=np.bool_,
        count=n,
    )
    fuzzy = np.fromiter((e.policy.fuzzy for e in entries), dtype=np.bool_, count=n)
    dropped = np.fromiter((e.drops_digit for e in entries), dtype=np.bool_, count=n)
    region = np.fromiter((e.region_length for e in entries), dtype=np.int64, count=n)

    target_keys: list[U64] = [enc.target_keys()]
    target_slots: list[I32] = [slots]
    variants, rows, _ = enc.lookalike_keys()
    keep = near[rows]
    target_keys.append(variants[keep])
    target_slots.append(slots[rows[keep]])
    if bool(dropped.any()):
        target_keys.append(enc.dropped_keys(1)[dropped])
        target_slots.append(slots[dropped])
    for width in np.unique(region[region > 0]).tolist():
        rows_k = region == width
        target_keys.append(enc.dropped_keys(int(width))[rows_k])
        target_slots.append(slots[rows_k])

    wild_keys, wild_rows = enc.wildcard_keys()
    keep_w = fuzzy[wild_rows]
    deleted_hashes, deleted_rows = enc.deletion_hashes()
    keep_d = fuzzy[deleted_rows]
    return [
        pack(np.concatenate(target_keys), np.concatenate(target_slots)),
        pack(wild_keys[keep_w], slots[wild_rows[keep_w]]),
        pack(mix(deleted_hashes[keep_d], TAG_DELETED), slots[deleted_rows[keep_d]]),
        pack(mix(enc.h[fuzzy], TAG_INSERTED), slots[fuzzy]),
    ]
