"""HTTP ingest: ``POST /api/v1/reads`` with a batch of reads from a camera or its platform.

A well-formed batch is decoded straight into typed structs
(:mod:`safenet.center.ingest.typed`); a batch with any bad read is taken apart read by
read instead. Each read is checked on its own: the answer lists the ids accepted (committed, with
their hits), the duplicates, and every refused read with its index, id, field and
reason; a read of another camera than the caller's credential is bound to is refused
(field ``camera_id``). The answer comes once the batch is committed, so a camera may forget what
was accepted. 413 for a body over ``center.max_body_bytes``; 422 when the body as a
whole is not ``{"reads": [...]}``, or, with the code ``batch_too_large`` naming the limit
and the count, when it holds more reads than ``center.max_batch_reads`` (split it); 503
when the pipeline queue is full (send again shortly).
"""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from safenet.auth import Principal
from safenet.center.api.access import CenterAccess
from safenet.center.errors import BadReadBatch, BodyTooLarge, TooManyReads
from safenet.center.ingest import binding
from safenet.center.ingest.binding import credential_mismatch
from safenet.center.ingest.schema import (
    MAX_ALTERNATIVES,
    MAX_CAMERA_ID,
    MAX_RAW_PLATE,
    MAX_SNAPSHOT_REF,
    READ_ID,
    ReadProblem,
    parse_read,
    read_id_of,
)
from safenet.center.ingest.typed import decode_batch
from safenet.center.metrics import CenterMetrics
from safenet.center.settings import CenterSettings
from safenet.center.sink import ReadSink
from safenet.center.types import IncomingRead, ReadFate
from safenet.service.direct import DirectRoutes


class RejectedRead(BaseModel):
    """A read that was refused, and why."""

    index: int = Field(description="Position of the read in the posted list (0-based).")
    id: str | None = Field(description="The read's id, when it had a usable one.")
    field: str = Field(description="The field at fault (empty when the read as a whole).")
    reason: str = Field(description="Why, in words a person can act on.")


class ReadBatchResult(BaseModel):
    """What became of each posted read."""

    accepted: list[str] = Field(description="Ids of the reads committed (with their hits).")
    duplicates: list[str] = Field(
        description="Ids of reads already stored, or the same plate at the same camera "
        "within the de-duplication window."
    )
    rejected: list[RejectedRead]


# Published in OpenAPI only; parse_read is what checks, so the limits come from it.
_READ_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "camera_id", "ts", "plate", "confidence"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": READ_ID.pattern},
        "camera_id": {"type": "string", "maxLength": MAX_CAMERA_ID},
        "ts": {"type": "string", "format": "date-time", "description": "RFC 3339 with offset"},
        "plate": {"type": "string", "maxLength": MAX_RAW_PLATE},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "alternatives": {
            "type": "array",
            "maxItems": MAX_ALTERNATIVES,
            "items": {
                "type": "object",
                "required": ["plate", "confidence"],
                "properties": {
                    "plate": {"type": "string"},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                },
            },
        },
        "snapshot_jpeg": {"type": "string", "format": "byte", "description": "base64 JPEG"},
        "snapshot_ref": {"type": "string", "maxLength": MAX_SNAPSHOT_REF},
        "vehicle": {
            "type": "object",
            "properties": {"colour": {"type": "string"}, "type": {"type": "string"}},
        },
    },
}


def reads_router(
    settings: CenterSettings,
    runner: ReadSink,
    metrics: CenterMetrics,
    access: CenterAccess,
    direct: DirectRoutes | None = None,
) -> APIRouter:
    """The ingest route of one center: checks each read, queues the batch, answers per read.

    With ``direct`` (the app's :class:`~safenet.service.direct.DirectRoutes`), the route
    is also served there, past the framework's routing and dependency solving: the same
    guard (the route's declared permission, run once) and the same handler, so the
    answers and the checks are the route's own (``tests/center/test_ingest_direct.py``).
    """
    router = APIRouter(tags=["ingest"])

    async def handle(
        request: Request, camera: Principal
    ) -> tuple[list[str], list[str], list[RejectedRead]]:
        """The ids accepted, the duplicates and the refused reads of one request."""
        body = await _read_body(request, settings.max_body_bytes)
        parsed: list[tuple[int, IncomingRead]] = []
        rejected: list[RejectedRead] = []
        typed = decode_batch(
            body,
            max_reads=settings.max_batch_reads,
            max_snapshot_bytes=settings.max_snapshot_bytes,
        )
        objects = [] if typed is not None else _reads_of(body, settings.max_batch_reads)
        for index, typed_read in enumerate(typed or ()):
            mismatch = credential_mismatch(camera, typed_read.camera_id)
            if mismatch is not None:
                metrics.count_rejection(binding.REASON)
                rejected.append(
                    RejectedRead(
                        index=index, id=typed_read.read_id, field="camera_id", reason=mismatch
                    )
                )
                continue
            parsed.append((index, typed_read))
        for index, obj in enumerate(objects):
            try:
                read = parse_read(obj, max_snapshot_bytes=settings.max_snapshot_bytes)
            except ReadProblem as problem:
                r = problem.rejection
                metrics.count_rejection(r.code.value)
                rejected.append(
                    RejectedRead(index=index, id=read_id_of(obj), field=r.field, reason=r.reason)
                )
                continue
            mismatch = credential_mismatch(camera, read.camera_id)
            if mismatch is not None:
                metrics.count_rejection(binding.REASON)
                rejected.append(
                    RejectedRead(index=index, id=read.read_id, field="camera_id", reason=mismatch)
                )
                continue
            parsed.append((index, read))
        items = await runner.process([read for _, read in parsed])
        accepted: list[str] = []
        duplicates: list[str] = []
        for (index, read), item in zip(parsed, items, strict=True):
            if item.fate is ReadFate.ACCEPTED:
                accepted.append(read.read_id)
            elif item.fate is ReadFate.DUPLICATE:
                duplicates.append(read.read_id)
            else:
                assert item.rejection is not None
                rejected.append(
                    RejectedRead(
                        index=index,
                        id=read.read_id,
                        field=item.rejection.field,
                        reason=item.rejection.reason,
                    )
                )
        rejected.sort(key=lambda r: r.index)
        return accepted, duplicates, rejected

    @router.post(
        "/api/v1/reads",
        summary="Post a batch of plate reads",
        response_model=ReadBatchResult,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["reads"],
                            "properties": {"reads": {"type": "array", "items": _READ_SCHEMA}},
                        }
                    }
                },
            }
        },
        responses={
            413: {"description": "Too large a body (the limit is named)"},
            422: {
                "description": 'The body is not {"reads": [...]}, or (error '
                "`batch_too_large`, details `limit` and `count`) it holds more reads than "
                "center.max_batch_reads: split it"
            },
            503: {"description": "The pipeline is full or stopping; send again shortly"},
        },
    )
    async def post_reads(
        request: Request, camera: Principal = Depends(access.post_reads)
    ) -> ReadBatchResult:
        accepted, duplicates, rejected = await handle(request, camera)
        return ReadBatchResult(accepted=accepted, duplicates=duplicates, rejected=rejected)

    if direct is not None:
        guard = access.post_reads
        route = next(r for r in router.routes if getattr(r, "path", None) == "/api/v1/reads")

        async def direct_post(request: Request) -> Response:
            camera = await guard(request)
            accepted, duplicates, rejected = await handle(request, camera)
            # the response model's fields, in its order, without building the model
            body = {
                "accepted": accepted,
                "duplicates": duplicates,
                "rejected": [r.model_dump() for r in rejected],
            }
            return Response(msgspec.json.encode(body), media_type="application/json")

        direct.add("POST", "/api/v1/reads", direct_post, route)
    return router


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(
            f"the body has {int(declared):,} bytes; at most {limit:,} are accepted "
            "(center.max_body_bytes)",
            field="body",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(
                f"the body is over {limit:,} bytes (center.max_body_bytes)", field="body"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _reads_of(body: bytes, max_reads: int) -> list[Any]:
    try:
        document = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise BadReadBatch(f"the body is not JSON: {exc}", field="body") from None
    if not isinstance(document, dict) or "reads" not in document:
        raise BadReadBatch('the body must be an object {"reads": [...]}', field="reads")
    extra = sorted(k for k in document if k != "reads")
    if extra:
        raise BadReadBatch(f"{extra[0]!r} is not a field of a read batch", field=extra[0])
    objects = document["reads"]
    if not isinstance(objects, list):
        raise BadReadBatch("reads must be an array of read objects", field="reads")
    if len(objects) > max_reads:
        raise TooManyReads(
            f"the batch has {len(objects):,} reads; at most {max_reads:,} are accepted "
            "(center.max_batch_reads)",
            field="reads",
            limit=max_reads,
            count=len(objects),
        )
    return objects
