"""The fast path of ingest: a whole batch decoded straight into typed structs by msgspec.

:func:`decode_batch` decodes ``{"reads": [...]}`` into :class:`ReadIn` structs in one
C pass (types, unknown fields, lengths, ranges and the id pattern checked there), then
checks in Python only what msgspec cannot (blank texts, the time's offset, snapshots,
snapshot references) with the very functions of :mod:`safenet.center.ingest.schema`.
It returns None when anything in the batch is wrong: the caller then takes the
per-read path (:func:`~safenet.center.ingest.schema.parse_read`), which names the field
and the reason for each bad read and keeps the good ones. So both paths accept and
refuse exactly the same reads; the typed one only skips building dictionaries.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from safenet.center.ingest.schema import (
    MAX_ALTERNATIVES,
    MAX_CAMERA_ID,
    MAX_RAW_PLATE,
    MAX_SNAPSHOT_REF,
    MAX_VEHICLE_TEXT,
    READ_ID,
    ReadProblem,
    _snapshot,
    _snapshot_ref,
    _timestamp,
)
from safenet.center.types import IncomingRead

_Unit = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
_Plate = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_RAW_PLATE)]
_VehicleText = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_VEHICLE_TEXT)]


class AlternativeIn(msgspec.Struct, forbid_unknown_fields=True):
    """A runner-up text of a read."""

    plate: _Plate
    confidence: _Unit


class VehicleIn(msgspec.Struct, forbid_unknown_fields=True):
    """What the camera saw of the vehicle."""

    colour: _VehicleText | None = None
    type: _VehicleText | None = None


class ReadIn(msgspec.Struct, forbid_unknown_fields=True):
    """One read as posted (docs/center.md, "Read format")."""

    id: Annotated[str, msgspec.Meta(pattern=READ_ID.pattern)]
    camera_id: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_CAMERA_ID)]
    ts: str
    plate: _Plate
    confidence: _Unit
    alternatives: Annotated[list[AlternativeIn], msgspec.Meta(max_length=MAX_ALTERNATIVES)] = []
    snapshot_jpeg: str | None = None
    snapshot_ref: Annotated[str, msgspec.Meta(max_length=MAX_SNAPSHOT_REF)] | None = None
    vehicle: VehicleIn | None = None


class BatchIn(msgspec.Struct, forbid_unknown_fields=True):
    """``{"reads": [...]}``."""

    reads: list[ReadIn]


_DECODER = msgspec.json.Decoder(BatchIn)
_MESSAGE_DECODER = msgspec.json.Decoder(list[ReadIn] | ReadIn)


def _blank(text: str | None) -> bool:
    return text is not None and not text.strip()


def _typed(read: ReadIn, max_snapshot_bytes: int) -> IncomingRead:
    if _blank(read.camera_id) or _blank(read.plate):
        raise ReadProblem("", "blank text")
    if any(_blank(a.plate) for a in read.alternatives):
        raise ReadProblem("alternatives", "blank text")
    vehicle = read.vehicle
    colour = kind = None
    if vehicle is not None:
        colour, kind = vehicle.colour, vehicle.type
        if _blank(colour) or _blank(kind):
            raise ReadProblem("vehicle", "blank text")
    return IncomingRead(
        read_id=read.id,
        camera_id=read.camera_id,
        ts=_timestamp(read.ts),
        plate=read.plate,
        confidence=float(read.confidence),
        alternatives=tuple((a.plate, float(a.confidence)) for a in read.alternatives),
        snapshot_jpeg=_snapshot(read.snapshot_jpeg, max_snapshot_bytes),
        snapshot_ref=_snapshot_ref(read.snapshot_ref),
        vehicle_colour=colour,
        vehicle_type=kind,
    )


def decode_batch(
    body: bytes, *, max_reads: int, max_snapshot_bytes: int
) -> list[IncomingRead] | None:
    """Every read of a well-formed batch, typed; None when the per-read path must judge."""
    try:
        batch = _DECODER.decode(body)
    except msgspec.DecodeError:  # ValidationError is a DecodeError
        return None
    if len(batch.reads) > max_reads:
        return None
    try:
        return [_typed(r, max_snapshot_bytes) for r in batch.reads]
    except ReadProblem:
        return None


def decode_message(
    data: bytes, *, max_reads: int, max_snapshot_bytes: int
) -> list[IncomingRead] | None:
    """An MQTT message (one read or an array of them), typed; None: use the per-read path."""
    try:
        decoded = _MESSAGE_DECODER.decode(data)
    except msgspec.DecodeError:
        return None
    found = decoded if isinstance(decoded, list) else [decoded]
    if len(found) > max_reads:
        return None
    try:
        return [_typed(r, max_snapshot_bytes) for r in found]
    except ReadProblem:
        return None
