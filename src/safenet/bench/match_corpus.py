"""The corpus ``safenet bench match`` measures on: a hotlist, wanted passes, other traffic.

Everything is generated from a seed, with a stated OCR noise model (docs/matching.md):

- plates: 55 % national 3-digit class, 30 % national 2-digit class, 10 % commercial
  with a region name, 5 % rental; all valid under :mod:`safenet.plates`;
- a read is right with probability ``1 - MISREAD_RATE``; a misread is one of the
  :class:`Misread` kinds;
- confidence: right reads ``Beta(18, 1.5)`` (mean 0.92), misreads ``Beta(5, 3)``
  (mean 0.63): OCR engines are less sure when they are wrong, but not always;
- a read below :data:`ALTERNATIVES_BELOW` confidence lists 1-3 alternatives; for a
  misread, the true plate is among them with probability :data:`TRUTH_LISTED`.

Wanted passes are hotlist plates read with each kind of misread; other traffic is
random plates that are not on the hotlist, misread at the same rate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum

import msgspec

from safenet.matching import HotlistEntry
from safenet.plates import REGIONS, LookalikeKind, lookalikes_of

MISREAD_RATE = 0.05
ALTERNATIVES_BELOW = 0.85
TRUTH_LISTED = 0.6
NON_CANONICAL_RATE = 0.02
"""Share of reads sent with separators (``123가 4567``), to include normalization cost."""

_PRIVATE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
_COMMERCIAL = "바사아자"
_RENTAL = "하허호"
_DIGITS = "0123456789"


class Misread(StrEnum):
    """How a wanted pass is read."""

    EXACT = "exact"
    VOWEL = "vowel flip"
    CONSONANT = "consonant look-alike"
    DIGIT = "digit look-alike"
    DROPPED = "dropped class digit"
    REGION = "missing region"
    TWO = "two look-alikes"
    EDIT = "plain edit"


def random_plate(rng: random.Random) -> str:
    """A valid plate drawn from the corpus's mix of formats."""
    serial = f"{rng.randrange(10000):04d}"
    roll = rng.random()
    if roll < 0.55:
        return f"{rng.randint(100, 699)}{rng.choice(_PRIVATE)}{serial}"
    if roll < 0.85:
        return f"{rng.randint(1, 69):02d}{rng.choice(_PRIVATE)}{serial}"
    if roll < 0.95:
        region = rng.choice(REGIONS)
        return f"{region}{rng.randint(1, 99):02d}{rng.choice(_COMMERCIAL)}{serial}"
    return f"{rng.randint(100, 699)}{rng.choice(_RENTAL)}{serial}"


def _usage_index(plate: str) -> int:
    """Where the usage syllable sits: the first letter after a digit."""
    return next(
        i for i in range(1, len(plate)) if plate[i - 1].isdigit() and not plate[i].isdigit()
    )


def misread(plate: str, kind: Misread, rng: random.Random) -> str | None:
    """``plate`` as a reader misreads it in the way ``kind`` says, or None if it cannot."""
    if kind is Misread.EXACT:
        return plate
    if kind in (Misread.VOWEL, Misread.CONSONANT):
        i = _usage_index(plate)
        wanted = LookalikeKind.VOWEL if kind is Misread.VOWEL else LookalikeKind.CONSONANT
        pairs = [p for p in lookalikes_of(plate[i]) if p.kind is wanted]
        if not pairs:
            return None
        return plate[:i] + rng.choice(pairs).other(plate[i]) + plate[i + 1 :]
    if kind is Misread.DIGIT:
        return _swap_digit(plate, rng)
    if kind is Misread.DROPPED:
        if not plate[0].isdigit() or _usage_index(plate) != 3:
            return None
        return plate[1:]
    if kind is Misread.REGION:
        if plate[0].isdigit():
            return None
        return plate[2:]
    if kind is Misread.TWO:
        return _swap_digit(plate, rng, 2)
    positions = [i for i, ch in enumerate(plate) if ch.isdigit()]
    i = rng.choice(positions)
    close = {p.other(plate[i]) for p in lookalikes_of(plate[i])}
    plain = [d for d in _DIGITS if d != plate[i] and d not in close]
    return plate[:i] + rng.choice(plain) + plate[i + 1 :]


def _swap_digit(plate: str, rng: random.Random, count: int = 1) -> str | None:
    """``plate`` with ``count`` digits (at different places) swapped for look-alikes."""
    positions = [i for i, ch in enumerate(plate) if ch.isdigit() and lookalikes_of(ch)]
    if len(positions) < count:
        return None
    chars = list(plate)
    for i in rng.sample(positions, count):
        chars[i] = rng.choice(lookalikes_of(plate[i])).other(plate[i])
    return "".join(chars)


@dataclass
class Pass:
    """One generated read: the JSON object, and the truth behind it."""

    read: dict[str, object]
    truth: str
    kind: Misread
    wanted_id: str | None


@dataclass
class Corpus:
    """A hotlist and the reads to match against it."""

    entries: list[HotlistEntry]
    passes: list[Pass] = field(default_factory=list)

    def jsonl(self) -> list[bytes]:
        """The reads as JSONL lines, as a camera gateway would send them."""
        encode = msgspec.json.encode
        return [encode(p.read) for p in self.passes]


_READ_KINDS = [k for k in Misread if k is not Misread.EXACT]


def _confidence(right: bool, rng: random.Random) -> float:
    return round(rng.betavariate(18, 1.5) if right else rng.betavariate(5, 3), 3)


def observe(truth: str, kind: Misread, rng: random.Random, number: int) -> dict[str, object] | None:
    """The JSON read a camera sends for a vehicle with plate ``truth`` misread as ``kind``."""
    text = misread(truth, kind, rng)
    if text is None:
        return None
    right = text == truth
    confidence = _confidence(right, rng)
    read: dict[str, object] = {
        "id": f"r{number}",
        "camera_id": f"cam-{number % 997:04d}",
        "ts": 1_700_000_000.0 + number * 0.01,
        "plate": _spelled(text, rng),
        "confidence": confidence,
    }
    if confidence < ALTERNATIVES_BELOW:
        alternatives: list[dict[str, object]] = []
        room = 1.0 - confidence
        if not right and rng.random() < TRUTH_LISTED:
            share = round(room * rng.uniform(0.3, 0.8), 3)
            alternatives.append({"plate": truth, "confidence": share})
            room -= share
        for _ in range(rng.randint(1, 3) - len(alternatives)):
            other = _swap_digit(text, rng)
            if other is None or other == truth:
                continue
            share = round(room * rng.uniform(0.1, 0.4), 3)
            alternatives.append({"plate": other, "confidence": share})
            room -= share
        if alternatives:
            read["alternatives"] = alternatives
    return read


def _spelled(text: str, rng: random.Random) -> str:
    if rng.random() >= NON_CANONICAL_RATE:
        return text
    cut = len(text) - 4
    return f"{text[:cut]} {text[cut:]}"


def build_corpus(
    entries_count: int,
    wanted_per_kind: int,
    other_reads: int,
    seed: int = 7,
    patterns: int = 0,
) -> Corpus:
    """A hotlist of ``entries_count`` plates (plus ``patterns`` witness patterns) and reads."""
    rng = random.Random(seed)
    plates: set[str] = set()
    while len(plates) < entries_count:
        plates.add(random_plate(rng))
    ordered = sorted(plates)
    rng.shuffle(ordered)
    entries = [HotlistEntry(f"w{i}", p) for i, p in enumerate(ordered)]
    for i in range(patterns):
        plate = random_plate(rng)
        cut = len(plate) - 4
        form = (f"{plate[:-2]}??", f"*{plate[cut:]}", f"??{plate[2:]}")[i % 3]
        entries.append(HotlistEntry(f"p{i}", form))
    corpus = Corpus(entries)
    number = 0
    for kind in Misread:
        made = 0
        tries = 0
        while made < wanted_per_kind and tries < wanted_per_kind * 50:
            tries += 1
            k = rng.randrange(entries_count)
            read = observe(ordered[k], kind, rng, number)
            if read is None:
                continue
            corpus.passes.append(Pass(read, ordered[k], kind, f"w{k}"))
            number += 1
            made += 1
    for _ in range(other_reads):
        truth = random_plate(rng)
        while truth in plates:
            truth = random_plate(rng)
        kind = rng.choice(_READ_KINDS) if rng.random() < MISREAD_RATE else Misread.EXACT
        read = observe(truth, kind, rng, number)
        if read is None:
            read = observe(truth, Misread.EXACT, rng, number)
            kind = Misread.EXACT
        assert read is not None
        corpus.passes.append(Pass(read, truth, kind, None))
        number += 1
    return corpus
