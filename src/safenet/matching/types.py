"""The matcher's domain types: wanted entries, plate reads, and the matches between them.

Reads and entries are msgspec Structs so that a center can decode a whole batch of
JSON reads in one call; the constraints below are checked while decoding.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

MAX_ALTERNATIVES = 16
"""Most OCR alternatives a read may carry; more is a malformed read, not a richer one."""


class Level(StrEnum):
    """How a read matched a wanted entry, strongest first.

    ``exact`` is the only level that may alert at once; the others are candidates
    that a person confirms against the snapshot before officers act.
    """

    EXACT = "exact"  # the normalized texts are identical
    EQUIVALENT = (
        "equivalent"  # one known misread: a look-alike, a dropped class digit, a lost region
    )
    FUZZY = "fuzzy"  # within the entry's weighted edit allowance
    PARTIAL = "partial"  # the read fits a witness's partial plate

    @property
    def rank(self) -> int:
        """0 for ``exact`` up to 3 for ``partial``: lower is stronger."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.EXACT: 0, Level.EQUIVALENT: 1, Level.FUZZY: 2, Level.PARTIAL: 3}

Confidence = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
VehicleWord = Annotated[str, msgspec.Meta(max_length=40)]


class Alternative(msgspec.Struct, frozen=True, gc=False):
    """One of the OCR's runner-up texts for a read, with its confidence."""

    plate: str
    confidence: Confidence


class Read(msgspec.Struct, frozen=True, gc=False):
    """One plate read by a center's camera: the recognized text and how sure the OCR was.

    ``plate`` is the text as the reader sent it (normalized by the matcher);
    ``ts`` is ISO 8601 text or Unix seconds, whichever the camera sends.
    ``alternatives`` are the OCR's other top-k texts, best first, all matched too.
    ``vehicle_colour`` and ``vehicle_type`` are the camera's words for what the
    vehicle looked like (any vendor's, mapped by :mod:`safenet.vehicles`), when it says.
    """

    id: NonEmpty
    camera_id: NonEmpty
    ts: str | float
    plate: str
    confidence: Confidence
    alternatives: Annotated[list[Alternative], msgspec.Meta(max_length=MAX_ALTERNATIVES)] = []
    vehicle_colour: VehicleWord | None = None
    vehicle_type: VehicleWord | None = None


class HotlistEntry(msgspec.Struct, frozen=True, gc=False):
    """A wanted entry as the police registered it: a plate or a witness's partial plate.

    ``plate`` is a full plate (``123가4567``, any spelling) or a witness pattern
    (``12가34??``, ``*3456``); ``policy`` names a :class:`MatchPolicy`;
    ``priority`` orders entries when a console shows several hits (higher first);
    ``colour``, ``vehicle_type`` (``type`` in files), ``make`` and ``model`` describe
    the vehicle when the police know it (words of :mod:`safenet.vehicles`).
    """

    id: NonEmpty
    plate: NonEmpty
    policy: str = "default"
    priority: int = 0
    colour: VehicleWord | None = None
    vehicle_type: VehicleWord | None = msgspec.field(default=None, name="type")
    make: VehicleWord | None = None
    model: VehicleWord | None = None


class HotlistRejection(msgspec.Struct, frozen=True):
    """A hotlist entry that was refused when the hotlist loaded, and why."""

    entry_id: str
    reason: str


class Match(msgspec.Struct, frozen=True, gc=False):
    """A read that may be a wanted vehicle: which entry, how, how likely, and why.

    ``text`` is the normalized read text that matched (the top text or one of the
    alternatives: ``rank`` 0 is the top text, 1 the first alternative, ...);
    ``registered`` is the entry's normalized plate or pattern; ``score`` behaves like
    the probability that the read is the entry's vehicle; ``version`` is the hotlist
    version the read was matched against.
    """

    read_id: str
    entry_id: str
    level: Level
    score: float
    explanation: str
    text: str
    registered: str
    rank: int = 0
    priority: int = 0
    version: int = 0
