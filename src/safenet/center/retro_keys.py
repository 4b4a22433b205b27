"""Match keys for the indexed retrospective look-up (issue 16): six per read text.

A text is split into four parts by position from its end, which for every vehicle
plate is the split at its Hangul syllable: ``A`` the prefix (class digits, with the
region name if any), ``B`` the syllable, ``C`` the first two serial digits, ``D`` the
last two (``서울12가3456`` → ``서울12 | 가 | 34 | 56``; a diplomatic plate, or a misread
whose syllable became a digit, splits at the same places). A text's keys are the six
position-tagged pairs of parts, ``(A,B) (A,C) (A,D) (B,C) (B,D) (C,D)``, each hashed to
63 bits so it fits a BIGINT (the parts' blake2b hashes combined, :func:`pair_key`).
Splitting by position rather than by looking for a syllable means a misread syllable
(``12743456``) or a stray Hangul elsewhere cannot move the split.

Why that finds everything the matcher can match (:mod:`safenet.matching.compare`,
at most :data:`~safenet.matching.compare.MAX_STEPS` = 2 steps):

- two substitutions (look-alikes or plain) between texts of the same length touch at
  most two of the four parts, so at least two parts, one pair, are intact;
- a dropped class digit or a lost region name plus at most one substitution: the read
  has the length of that equivalent form, which the entry is looked up by too;
- one inserted or deleted character changes the length, which shifts the parts in
  front of it. The entry side enumerates those reads instead (bounded: one per
  position): a read with one of the plate's characters deleted is fully known, so its
  six keys are added; a read with a character inserted at ``i`` has three of its four
  parts known whatever the character is, so their three pairs are added.

Reads store few keys (six per listed text, usually six in all); entries bring the
extra ones (a few dozen), which is cheap because there is one entry per look-up.

What cannot be keyed: a witness pattern (``12가34??``) has no keys, and is looked up
by scanning the retained reads (:mod:`safenet.center.retro`). A read text that does
not normalize, or is longer than the matcher compares (:data:`~safenet.matching.keys.WIDTH`)
or shorter than :data:`MIN_KEYED_LENGTH` (no plate is within two steps of it), gets
no keys: the matcher would never match it to a plate, and pattern look-ups scan.
Keys only find candidates; the real matcher decides on the returned reads, so a hash
collision costs time, never a wrong hit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from safenet.matching.compiled import CompiledEntry
from safenet.matching.keys import WIDTH
from safenet.plates import PlateError, normalize

PAIRS: tuple[tuple[int, int], ...] = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))
"""The six pairs of the four parts (A, B, C, D) a key is made of."""

MIN_KEYED_LENGTH = 6
"""Shortest text keyed: the shortest plate (7 characters) with one character deleted."""

_UNKNOWN = "\x00"  # stands for the unknown inserted character; never in a plate text
_MASK63 = (1 << 63) - 1

Parts = tuple[str, str, str, str]


def split(text: str) -> Parts:
    """The four parts of ``text``: prefix, syllable, first and last two serial digits."""
    return text[:-5], text[-5], text[-4:-2], text[-2:]


def part_hash(position: int, part: str) -> int:
    """The 64-bit blake2b hash of one part at its position (0–3), cached.

    Parts repeat a lot (a hundred serial halves, a few dozen syllables, the prefixes
    of the plates around): the cache makes a read's keys a few dictionary look-ups.
    """
    cache = _BY_POSITION[position]
    cached = cache.get(part)
    if cached is None:
        if len(cache) >= _PART_CACHE_LIMIT:
            cache.clear()
        digest = hashlib.blake2b(
            f"{position}\x1f{part}".encode(), digest_size=8, person=b"safenet-retro"
        ).digest()
        cached = int.from_bytes(digest, "big")
        cache[part] = cached
    return cached


_BY_POSITION: tuple[dict[str, int], ...] = ({}, {}, {}, {})
"""Each position's part hashes (one dictionary a position: a look-up needs no tuple)."""
_PART_CACHE_LIMIT = 1 << 18


def pair_key(pair: int, first: str, second: str) -> int:
    """The 63-bit key of two parts, tagged by which pair (index into :data:`PAIRS`) they are.

    The two part hashes are position-tagged (independent random values for each
    position and text), so the pair is implied by them: they are combined with XOR
    and shifted to 63 bits (a BIGINT).
    """
    a, b = PAIRS[pair]
    return (part_hash(a, first) ^ part_hash(b, second)) >> 1


def text_keys(text: str) -> set[int]:
    """The six keys of a normalized text (none if it is too short to key)."""
    if len(text) < MIN_KEYED_LENGTH:
        return set()
    a, b, c, d = text[:-5], text[-5], text[-4:-2], text[-2:]
    ha = _BY_POSITION[0].get(a) or part_hash(0, a)
    hb = _BY_POSITION[1].get(b) or part_hash(1, b)
    hc = _BY_POSITION[2].get(c) or part_hash(2, c)
    hd = _BY_POSITION[3].get(d) or part_hash(3, d)
    # The order of PAIRS, written out: this runs for every stored read.
    return {
        (ha ^ hb) >> 1,
        (ha ^ hc) >> 1,
        (ha ^ hd) >> 1,
        (hb ^ hc) >> 1,
        (hb ^ hd) >> 1,
        (hc ^ hd) >> 1,
    }


def normalized_read_keys(texts: Iterable[str]) -> set[int]:
    """:func:`read_keys` of texts already normalized (the pipeline's): no normalizing again.

    ``normalize`` is idempotent (a property test holds it to that), so this is
    :func:`read_keys` without its cost.
    """
    keys: set[int] = set()
    for text in texts:
        if MIN_KEYED_LENGTH <= len(text) <= WIDTH:
            keys |= text_keys(text)
    return keys


def _part_keys(parts: Parts) -> set[int]:
    """The keys of the pairs of ``parts`` that do not contain the unknown character."""
    h = [None if _UNKNOWN in p else part_hash(i, p) for i, p in enumerate(parts)]
    return {
        (ha ^ hb) >> 1
        for ha, hb in ((h[a], h[b]) for a, b in PAIRS)
        if ha is not None and hb is not None
    }


def keyable(raw: str) -> str | None:
    """``raw`` as the matcher compares it (normalized), or None if it would never match."""
    try:
        text = normalize(raw)
    except PlateError:
        return None
    if not MIN_KEYED_LENGTH <= len(text) <= WIDTH:
        return None
    return text


def read_keys(texts: Iterable[str]) -> set[int]:
    """The keys stored for a read whose plate and OCR alternatives are ``texts`` (raw)."""
    keys: set[int] = set()
    for raw in texts:
        text = keyable(raw)
        if text is not None:
            keys |= text_keys(text)
    return keys


def entry_keys(entry: CompiledEntry) -> set[int] | None:
    """The keys to look ``entry`` up by, or None for a witness pattern (which needs the scan)."""
    if entry.pattern is not None:
        return None
    keys = text_keys(entry.text)
    for form in (entry.dropped, entry.unregioned):
        if form is not None:
            keys |= text_keys(form)
    if entry.policy.fuzzy:
        keys |= indel_keys(entry.text)
    return keys


def indel_keys(plate: str) -> set[int]:
    """The keys of every read one inserted or deleted character away from ``plate``."""
    keys: set[int] = set()
    for i in range(len(plate)):
        keys |= text_keys(plate[:i] + plate[i + 1 :])
    for i in range(len(plate) + 1):
        inserted = plate[:i] + _UNKNOWN + plate[i:]
        keys |= _part_keys(split(inserted))
    return keys
