"""Replay: a file of reads (JSON lines) fed through the center's own pipeline.

For incident reconstruction and tests: ``safenet center replay FILE.jsonl`` reads one
read object per line (the ingest format), checks each, and runs them through the same
stages as live reads, in batches. Reports of the hits it finds are committed to the
outbox; the relay of the running center (or of its next start) sends them. A line that
is not a valid read is reported with its line number and skipped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from safenet.center.ingest.schema import ReadProblem, parse_read, read_id_of
from safenet.center.pipeline import Pipeline
from safenet.center.types import Clock, IncomingRead, ReadFate, ReadItem, system_clock


@dataclass(frozen=True)
class ReplayProblem:
    """A line of the file that was not taken, and why."""

    line: int
    read_id: str | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" (read {self.read_id})" if self.read_id else "")
        return f"{where}: {self.field or 'read'}: {self.reason}"


@dataclass
class ReplayResult:
    """What a replay did."""

    lines: int = 0
    accepted: int = 0
    duplicates: int = 0
    hits: int = 0
    reported: int = 0
    problems: list[ReplayProblem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.lines:,} lines: {self.accepted:,} reads accepted, {self.duplicates:,} "
            f"duplicates, {len(self.problems):,} refused; {self.hits:,} hits, "
            f"{self.reported:,} reports queued"
        )


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                yield number, line


def replay_file(
    pipeline: Pipeline,
    path: Path,
    *,
    batch_size: int = 500,
    max_snapshot_bytes: int = 2 * 1024 * 1024,
    clock: Clock = system_clock,
) -> ReplayResult:
    """Feed every read of ``path`` through ``pipeline``; see the module docstring."""
    result = ReplayResult()
    pending: list[tuple[int, IncomingRead]] = []

    def flush() -> None:
        if not pending:
            return
        now = time.perf_counter()
        received = clock()
        items = [ReadItem(incoming=r, ingested_at=now, received_at=received) for _, r in pending]
        pipeline.run(items)
        for (line, read), item in zip(pending, items, strict=True):
            _tally(result, line, read, item)
        pending.clear()

    for line, text in _lines(path):
        result.lines += 1
        try:
            obj = json.loads(text)
        except ValueError as exc:
            result.problems.append(ReplayProblem(line, None, "", f"not JSON ({exc})"))
            continue
        try:
            pending.append((line, parse_read(obj, max_snapshot_bytes=max_snapshot_bytes)))
        except ReadProblem as problem:
            r = problem.rejection
            pipeline.ctx.metrics.count_rejection(r.code.value)
            result.problems.append(ReplayProblem(line, read_id_of(obj), r.field, r.reason))
        if len(pending) >= batch_size:
            flush()
    flush()
    return result


def _tally(result: ReplayResult, line: int, read: IncomingRead, item: ReadItem) -> None:
    if item.fate is ReadFate.ACCEPTED:
        result.accepted += 1
        result.hits += len(item.hits)
        result.reported += sum(1 for d in item.hits if d.reported)
    elif item.fate is ReadFate.DUPLICATE:
        result.duplicates += 1
    elif item.rejection is not None:
        result.problems.append(
            ReplayProblem(line, read.read_id, item.rejection.field, item.rejection.reason)
        )
