"""Hotlist entries and reads as the decision chain weighs them.

The matcher's types carry the vendors' and the registry's words; the chain weighs
vocabulary codes, normalized texts and stream times. These functions translate,
and say what they could not.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from safenet.matching.decision.types import Observation, WantedVehicle
from safenet.matching.index import HotlistIndex
from safenet.matching.types import HotlistEntry, Read
from safenet.plates import PlateError, check, normalize
from safenet.tracking import GeoPoint
from safenet.vehicles import describe


def stream_time(ts: str | float) -> float | None:
    """A read's ``ts`` (ISO 8601 text or Unix seconds) in Unix seconds, or None if it is neither.

    ISO text without an offset is taken as UTC (the matcher's files have always
    accepted it); the center's ingest refuses such times before they get here.
    """
    if isinstance(ts, int | float):
        value = float(ts)
        return value if math.isfinite(value) else None
    try:
        parsed = datetime.fromisoformat(ts)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def observation_of(read: Read, ts: float, point: GeoPoint | None = None) -> Observation:
    """A read as the chain weighs it, the vendor's words for its look mapped onto the vocabulary."""
    try:
        text = normalize(read.plate)
    except PlateError:
        text = read.plate.strip()
    seen, _ = describe(read.vehicle_colour, read.vehicle_type)
    rival, rival_confidence = _rival(text, read)
    return Observation(
        read_id=read.id,
        camera_id=read.camera_id,
        ts=ts,
        text=text,
        confidence=read.confidence,
        point=point,
        seen=seen,
        valid_plate=check(text).valid,
        rival=rival,
        rival_confidence=rival_confidence,
    )


def _rival(text: str, read: Read) -> tuple[str | None, float]:
    """The surest of the camera's alternatives that is a valid plate other than its top text."""
    best: str | None = None
    sure = 0.0
    for alternative in read.alternatives:
        try:
            other = normalize(alternative.plate)
        except PlateError:
            continue
        if other != text and alternative.confidence > sure and check(other).valid:
            best, sure = other, alternative.confidence
    return best, sure


def wanted_of(
    entry: HotlistEntry, index: HotlistIndex, min_score: float | None = None
) -> tuple[WantedVehicle, list[str]]:
    """An indexed entry as the chain weighs it, with a problem per description word not known.

    Raises KeyError when the index does not hold the entry (it was refused).
    """
    compiled = index.compiled(entry.id)
    if compiled is None:
        raise KeyError(entry.id)
    description, problems = describe(entry.colour, entry.vehicle_type, entry.make, entry.model)
    wanted = WantedVehicle(
        entry_id=entry.id,
        plate=compiled.text,
        description=description,
        min_score=index.threshold(entry.id, min_score),
        pattern=compiled.pattern is not None,
    )
    return wanted, problems
