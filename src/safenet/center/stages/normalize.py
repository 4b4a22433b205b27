"""Stage 1, normalize: the plate in its canonical spelling; the time and the camera checked.

A top text that cannot be a plate rejects the read (``plate``); an alternative that
cannot be one is only left out (and counted), because a usable top text must not be
lost over a junk runner-up. Reads from the future (beyond the allowed clock skew),
reads older than their camera's retention, and reads from cameras this center does
not have are refused.
"""

from __future__ import annotations

from safenet.center.context import PipelineContext
from safenet.center.stages.base import Batch
from safenet.center.types import RejectCode
from safenet.plates import PlateError, normalize


def run(ctx: PipelineContext, batch: Batch) -> None:
    now = ctx.clock()
    latest = now + ctx.max_clock_skew
    for item in batch.items:
        read = item.incoming
        try:
            item.plate = normalize(read.plate)
        except PlateError as exc:
            item.reject("plate", str(exc), RejectCode.PLATE)
            continue
        alternatives: list[tuple[str, float]] = []
        for text, confidence in read.alternatives:
            try:
                alternatives.append((normalize(text), confidence))
            except PlateError:
                ctx.metrics.alternatives_dropped.inc()
        item.alternatives = tuple(alternatives)
        if read.ts > latest:
            ahead = (read.ts - now).total_seconds()
            item.reject(
                "ts",
                f"is {ahead:,.0f} s in the future (more than the allowed clock skew of "
                f"{ctx.max_clock_skew.total_seconds():,.0f} s)",
                RejectCode.FUTURE,
            )
            continue
        camera = ctx.registry.get(read.camera_id)
        if camera is None and ctx.registry.refresh_if_stale():
            camera = ctx.registry.get(read.camera_id)
        if camera is None:
            item.reject(
                "camera_id",
                f"{read.camera_id!r} is not a camera of this center (import it first)",
                RejectCode.UNKNOWN_CAMERA,
            )
            continue
        item.camera = camera
        if ctx.check_age:
            keep = ctx.retention_for(camera)
            if read.ts < now - keep:
                item.reject(
                    "ts",
                    f"is older than this camera's read retention ({keep.total_seconds() / 3600:g} "
                    "hours): it would be deleted at once",
                    RejectCode.STALE,
                )
