"""What a site's worker keeps in hand: its counts, the shards it holds, the batches taken.

The parts of :mod:`safenet.center.worker` that are plain data and small helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from nats.aio.msg import Msg

from safenet.center.types import ReadItem


@dataclass
class WorkerCounts:
    """What a worker did (for tests, the log line at stop, and the benchmark)."""

    batches: int = 0
    reads: int = 0
    accepted: int = 0
    duplicates: int = 0
    redelivered: int = 0
    retried: int = 0
    dead: int = 0
    shards_taken: int = 0
    shards_given_back: int = 0
    looked_up: int = 0
    """Reads remembered from the database after taking a shard (its holder's commits)."""
    batch_ids: list[str] = field(default_factory=list)


@dataclass
class Taken:
    msg: Msg
    batch_id: str
    deliveries: int
    items: list[ReadItem]
    held: Held


@dataclass
class Held:
    """A shard this worker holds: the lane serving it, since when, and its task."""

    shard: int
    lane: int
    look_up_until: datetime
    """Reads at or before this may be within the window of the previous holder's."""
    committed_before: int
    """The newest read sequence number when it was taken: the previous holder's reads."""
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    in_hand: int = 0
    """Batches fetched and not yet settled by its lane."""
    settled: asyncio.Event = field(default_factory=asyncio.Event)
    lost: bool = False
    """Its lock was lost: another worker may hold it, so its batches in hand are not run."""


async def wait_clearing(event: asyncio.Event, timeout_s: float) -> None:
    """Wait for ``event`` (at most ``timeout_s``), then clear it for the next wait."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout_s)
    event.clear()


async def finish(tasks: list[asyncio.Task[None]], within_s: float) -> None:
    """Let ``tasks`` end (at most ``within_s``), then cancel what is left."""
    if not tasks:
        return
    _, late = await asyncio.wait(tasks, timeout=within_s) if within_s > 0 else (set(), tasks)
    for task in late:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def groups(taken: list[Taken], max_reads: int) -> list[list[Taken]]:
    """Batches run together, at most ``max_reads`` reads a run (at least one batch)."""
    groups: list[list[Taken]] = []
    current: list[Taken] = []
    count = 0
    for t in taken:
        if current and count + len(t.items) > max_reads:
            groups.append(current)
            current, count = [], 0
        current.append(t)
        count += len(t.items)
    if current:
        groups.append(current)
    return groups
