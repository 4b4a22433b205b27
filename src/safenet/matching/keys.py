"""Plate texts as numbers: the fixed-width codes and 64-bit keys the hotlist index looks up.

Every text (a read or a wanted plate) becomes a row of small character codes, and
from that row a polynomial hash ``h = sum(code[j] * P**j) mod 2**64``. Because the
hash is a sum over positions, the keys of every one-character change can be derived
from ``h`` with a few vector operations instead of building strings:

- a look-alike variant at ``j``: ``h + (b - a) * P**j``;
- a wildcard at ``j`` (substitution neighbourhood): ``h + (WILD - a) * P**j``;
- a deletion at ``j`` (insertion/deletion neighbourhood): prefix + suffix / P;
- the text without its first ``k`` characters (dropped digit, lost region).

Each key family is mixed with its own tag so that, say, a deletion key never meets an
exact key by accident. Keys only find candidates: every candidate is verified on the
real strings, so a hash collision costs time, never a wrong match.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from safenet.plates import PLATE_CHARS, PlateError, lookalikes_of, normalize

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
Codes = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]

WIDTH = 10
"""Widest text the index compares: the longest plate (9 characters) plus one insertion."""

ALPHABET: tuple[str, ...] = tuple(sorted(PLATE_CHARS))
CODE: dict[str, int] = {ch: i + 1 for i, ch in enumerate(ALPHABET)}
WILD = len(ALPHABET) + 1
"""Code of the wildcard that stands for 'any character here' in substitution keys."""

_LIMIT = max(ord(ch) for ch in ALPHABET) + 1
_TABLE = np.zeros(_LIMIT + 1, dtype=np.uint8)
for _ch, _code in CODE.items():
    _TABLE[ord(_ch)] = _code

MAX_LOOKALIKES = max(len(lookalikes_of(ch)) for ch in ALPHABET)
_LOOKALIKE = np.zeros((WILD + 1, MAX_LOOKALIKES), dtype=np.int64)
for _ch, _code in CODE.items():
    for _k, _pair in enumerate(lookalikes_of(_ch)):
        _LOOKALIKE[_code, _k] = CODE[_pair.other(_ch)]

_MASK64 = (1 << 64) - 1
_P = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_P_INV = pow(_P, -1, 1 << 64)
POW = np.array([pow(_P, j, 1 << 64) for j in range(WIDTH + 1)], dtype=np.uint64)
POW_INV = np.array([pow(_P_INV, j, 1 << 64) for j in range(WIDTH + 1)], dtype=np.uint64)

TAG_TARGET = np.uint64(0x243F6A8885A308D3)  # a read's text vs an entry's plate and its variants
TAG_WILD = np.uint64(0x13198A2E03707344)  # one position wildcarded, on both sides
TAG_DELETED = np.uint64(0xA4093822299F31D0)  # an entry with one character deleted vs a read
TAG_INSERTED = np.uint64(0x082EFA98EC4E6C89)  # an entry vs a read with one character deleted
TAG_PATTERN = np.uint64(0x452821E638D01377)  # the fixed characters of a witness pattern

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)


def mix(h: U64, tag: np.uint64) -> U64:
    """The final key of hashes ``h`` in the family ``tag`` (a splitmix64 finalizer)."""
    x = h ^ tag
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    result: U64 = x ^ (x >> _S31)
    return result


class Encoded:
    """A batch of texts as code rows, with the prefix hashes every key family needs.

    ``codes[i, j]`` is the code of character ``j`` of text ``i`` (0 past its end);
    ``lengths[i]`` its length; ``pre[i, j]`` the hash of its first ``j`` characters;
    ``h`` the hash of the whole text.
    """

    __slots__ = ("codes", "h", "lengths", "n", "pre")

    def __init__(self, codes: Codes, lengths: I64) -> None:
        self.codes = codes
        self.lengths = lengths
        self.n = len(lengths)
        weighted = codes.astype(np.uint64) * POW[:WIDTH]
        pre = np.zeros((self.n, WIDTH + 1), dtype=np.uint64)
        np.cumsum(weighted, axis=1, out=pre[:, 1:])
        self.pre = pre
        self.h: U64 = pre[:, WIDTH].copy()

    def subset(self, wanted: Bools) -> Encoded:
        """The texts where ``wanted`` is True, without hashing them again."""
        sub = Encoded.__new__(Encoded)
        sub.codes = self.codes[wanted]
        sub.lengths = self.lengths[wanted]
        sub.n = len(sub.lengths)
        sub.pre = self.pre[wanted]
        sub.h = self.h[wanted]
        return sub

    def positions(self) -> Bools:
        """``[i, j]`` is True where text ``i`` has a character at position ``j``."""
        mask: Bools = np.arange(WIDTH)[None, :] < self.lengths[:, None]
        return mask

    def target_keys(self) -> U64:
        """One key per text, to meet an entry's plate or one of its misread variants."""
        return mix(self.h, TAG_TARGET)

    def dropped_keys(self, k: int) -> U64:
        """Per text, the target key of the text without its first ``k`` characters."""
        shifted = (self.h - self.pre[:, k]) * POW_INV[k]
        return mix(shifted, TAG_TARGET)

    def lookalike_keys(self) -> tuple[U64, I64, I64]:
        """Target keys of every one-look-alike variant: (keys, text index, position)."""
        codes = self.codes.astype(np.int64)
        other = _LOOKALIKE[codes]  # (n, WIDTH, MAX_LOOKALIKES)
        valid = other > 0
        delta = (other - codes[:, :, None]).astype(np.uint64)
        variant = self.h[:, None, None] + delta * POW[None, :WIDTH, None]
        rows, cols, _ = np.nonzero(valid)
        return mix(variant[valid], TAG_TARGET), rows.astype(np.int64), cols.astype(np.int64)

    def wildcard_keys(self) -> tuple[U64, I64]:
        """Keys with one position wildcarded, per existing position: (keys, text index)."""
        delta = (WILD - self.codes.astype(np.int64)).astype(np.uint64)
        keys = self.h[:, None] + delta * POW[None, :WIDTH]
        mask = self.positions()
        rows = np.nonzero(mask)[0].astype(np.int64)
        return mix(keys[mask], TAG_WILD), rows

    def deletion_hashes(self) -> tuple[U64, I64]:
        """Hashes of the text with one character deleted, per position: (hashes, text index)."""
        tail = (self.h[:, None] - self.pre[:, 1:]) * POW_INV[1]
        hashes = self.pre[:, :WIDTH] + tail
        mask = self.positions()
        rows = np.nonzero(mask)[0].astype(np.int64)
        return hashes[mask], rows


def encode_canonical(texts: list[str]) -> Encoded:
    """Code rows for texts already known to be normalized and at most :data:`WIDTH` long."""
    codes, lengths, ok = _codes(texts)
    if not bool(ok.all()):
        bad = texts[int(np.argmin(ok))]
        raise ValueError(f"text {bad!r} is not a normalized plate of at most {WIDTH} characters")
    return Encoded(codes, lengths)


def encode_reads(texts: list[str]) -> tuple[Encoded, list[str], Bools]:
    """Code rows for raw read texts, normalizing the few that need it.

    Returns the encoding, the normalized texts, and a mask of the texts that can be
    matched at all (normalizable and at most :data:`WIDTH` characters). Texts that
    are already canonical, nearly all of them, never go through Python code.
    """
    codes, lengths, ok = _codes(texts)
    usable = ok.copy()
    if not bool(ok.all()):
        texts = list(texts)
        for i in np.nonzero(~ok)[0].tolist():
            try:
                text = normalize(texts[i])
            except PlateError:
                lengths[i] = 0
                continue
            if len(text) > WIDTH:
                lengths[i] = 0
                continue
            texts[i] = text
            codes[i, :] = 0
            codes[i, : len(text)] = [CODE[ch] for ch in text]
            lengths[i] = len(text)
            usable[i] = True
        codes[~usable] = 0
    return Encoded(codes, lengths), texts, usable


def _codes(texts: list[str]) -> tuple[Codes, I64, Bools]:
    n = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    if n == 0:
        return np.zeros((0, WIDTH), dtype=np.uint8), lengths, np.ones(0, dtype=np.bool_)
    points = np.array(texts, dtype=f"<U{WIDTH}").view(np.uint32).reshape(n, WIDTH)
    codes: Codes = _TABLE[np.minimum(points, _LIMIT)]
    present = points != 0
    ok: Bools = (
        ~((codes == 0) & present).any(axis=1)
        & (present.sum(axis=1) == lengths)
        & (lengths > 0)
        & (lengths <= WIDTH)
    )
    return codes, lengths, ok


def text_hash(text: str) -> int:
    """The polynomial hash of one normalized text, as the vector code computes it."""
    h = 0
    p = 1
    for ch in text:
        h = (h + CODE[ch] * p) & _MASK64
        p = (p * _P) & _MASK64
    return h
