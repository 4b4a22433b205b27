"""What a batch on the site's work queue holds: the typed reads of one ingest, and its id.

Ingest in ``queue`` mode (:mod:`safenet.center.queue_ingest`) encodes the reads it
accepted as one MessagePack message (msgspec): the batch id (also its ``Nats-Msg-Id``),
when the center received it, and every read as the
:class:`~safenet.center.types.IncomingRead` it checked, encoded and decoded by msgspec
itself (format 2), so a worker (:mod:`safenet.center.worker`) gets back exactly those
values with no copy of each read on either side: building a frozen dataclass read by
read in Python was most of a worker's cost outside its pipeline (a tenth of its busy
time, py-spy, 2026-12-04). Format 1 (each read an array, :class:`QueuedRead`), a third
of the size, is still read, so batches queued before an upgrade are taken. A body that
does not decode is a :class:`BadBatch`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from safenet.center.types import IncomingRead

FORMAT = 2
"""The version of the body ingest writes; a worker takes this one and format 1."""


class QueuedRead(msgspec.Struct, array_like=True, frozen=True):
    """One read of a format-1 body (the fields of IncomingRead, in order)."""

    read_id: str
    camera_id: str
    ts: datetime
    plate: str
    confidence: float
    alternatives: list[tuple[str, float]]
    snapshot_jpeg: bytes | None
    snapshot_ref: str | None
    vehicle_colour: str | None
    vehicle_type: str | None


class QueuedBatch(msgspec.Struct, frozen=True):
    """One message on the work queue."""

    format: int
    batch_id: str
    received_at: datetime
    reads: list[IncomingRead]


class _FormatOne(msgspec.Struct, frozen=True):
    format: int
    batch_id: str
    received_at: datetime
    reads: list[QueuedRead]


class BadBatch(ValueError):
    """A work-queue message that is not a batch of reads this version can take."""


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(QueuedBatch)
_DECODER_1 = msgspec.msgpack.Decoder(_FormatOne)


def new_batch_id(site: str) -> str:
    """A batch id unique across the site's ingest processes."""
    return f"{site}-{secrets.token_hex(12)}"


def encode(batch_id: str, received_at: datetime, reads: Sequence[IncomingRead]) -> bytes:
    return _ENCODER.encode(QueuedBatch(FORMAT, batch_id, received_at, list(reads)))


def encode_format_one(batch_id: str, received_at: datetime, reads: Sequence[IncomingRead]) -> bytes:
    """A body as ingest wrote it before format 2 (for the tests of an upgrade)."""
    return _ENCODER.encode(
        _FormatOne(1, batch_id, received_at, [QueuedRead(*_fields(r)) for r in reads])
    )


def _fields(r: IncomingRead) -> tuple[Any, ...]:
    return (
        r.read_id,
        r.camera_id,
        r.ts,
        r.plate,
        r.confidence,
        list(r.alternatives),
        r.snapshot_jpeg,
        r.snapshot_ref,
        r.vehicle_colour,
        r.vehicle_type,
    )


def decode(body: bytes) -> tuple[QueuedBatch, list[IncomingRead]]:
    """The batch and its reads; raises :class:`BadBatch` naming what is wrong."""
    try:
        batch = _DECODER.decode(body)
    except msgspec.DecodeError as exc:
        batch = _decode_format_one(body, exc)
    if batch.format not in (1, FORMAT):
        raise BadBatch(f"format: {batch.format} (this worker takes 1 and {FORMAT})")
    if batch.received_at.tzinfo is None or any(r.ts.tzinfo is None for r in batch.reads):
        raise BadBatch("ts: a time without its offset")
    return batch, batch.reads


def _decode_format_one(body: bytes, error: msgspec.DecodeError) -> QueuedBatch:
    try:
        old = _DECODER_1.decode(body)
    except msgspec.DecodeError:
        raise BadBatch(f"body: not a read batch ({error})") from None
    reads = [
        IncomingRead(
            read_id=r.read_id,
            camera_id=r.camera_id,
            ts=r.ts,
            plate=r.plate,
            confidence=r.confidence,
            alternatives=tuple(r.alternatives),
            snapshot_jpeg=r.snapshot_jpeg,
            snapshot_ref=r.snapshot_ref,
            vehicle_colour=r.vehicle_colour,
            vehicle_type=r.vehicle_type,
        )
        for r in old.reads
    ]
    return QueuedBatch(old.format, old.batch_id, old.received_at, reads)
