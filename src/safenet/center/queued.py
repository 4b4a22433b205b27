"""What a batch on the site's work queue holds: the typed reads of one ingest, and its id.

Ingest in ``queue`` mode (:mod:`safenet.center.queue_ingest`) encodes the reads it
accepted as one MessagePack message (msgspec): the batch id (also its ``Nats-Msg-Id``),
when the center received it, and every read as the typed :class:`QueuedRead`, so a
worker (:mod:`safenet.center.worker`) gets back exactly the
:class:`~safenet.center.types.IncomingRead` values ingest checked, with no second
validation of the fields. A body that does not decode is a :class:`BadBatch`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

import msgspec

from safenet.center.types import IncomingRead

FORMAT = 1
"""The version of the body; a worker refuses (dead-letters) a body of another."""


class QueuedRead(msgspec.Struct, array_like=True, frozen=True):
    """One read as ingest checked it (the fields of IncomingRead, in order)."""

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
    reads: list[QueuedRead]


class BadBatch(ValueError):
    """A work-queue message that is not a batch of reads this version can take."""


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(QueuedBatch)


def new_batch_id(site: str) -> str:
    """A batch id unique across the site's ingest processes."""
    return f"{site}-{secrets.token_hex(12)}"


def encode(batch_id: str, received_at: datetime, reads: Sequence[IncomingRead]) -> bytes:
    return _ENCODER.encode(
        QueuedBatch(
            format=FORMAT,
            batch_id=batch_id,
            received_at=received_at,
            reads=[
                QueuedRead(
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
                for r in reads
            ],
        )
    )


def decode(body: bytes) -> tuple[QueuedBatch, list[IncomingRead]]:
    """The batch and its reads; raises :class:`BadBatch` naming what is wrong."""
    try:
        batch = _DECODER.decode(body)
    except msgspec.DecodeError as exc:
        raise BadBatch(f"body: not a read batch ({exc})") from None
    if batch.format != FORMAT:
        raise BadBatch(f"format: {batch.format} (this worker takes {FORMAT})")
    if batch.received_at.tzinfo is None or any(r.ts.tzinfo is None for r in batch.reads):
        raise BadBatch("ts: a time without its offset")
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
        for r in batch.reads
    ]
    return batch, reads
