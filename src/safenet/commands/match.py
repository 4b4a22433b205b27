"""``safenet match``: match a file of plate reads against a hotlist file; ``bench match``.

The hotlist is CSV (``id,plate,policy`` and optionally the vehicle's ``colour``,
``type``, ``make``, ``model``) or JSONL; the reads are JSONL in time order. Every
match goes through the same decision chain a center runs (alert, candidate, held,
dropped: :mod:`safenet.matching.decision`); matches go to stdout (or ``--out``) as
JSONL with their state and reason; every skipped line is reported on stderr with
its line number and reason, and the rest is processed. The run itself lives in
:mod:`safenet.commands.match_run`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import msgspec
import typer

from safenet.commands.bench import app as bench_app
from safenet.matching.decision.record import decision_record
from safenet.matching.decision.stream import decide_batch
from safenet.tracking import GeoPoint

if TYPE_CHECKING:
    from safenet.matching import HotlistIndex, Read
    from safenet.matching.decision import Decision, WantedVehicle

_CHUNK_LINES = 4096  # a batch that stays in the CPU caches is the fastest
_BLOCK_BYTES = 1 << 20


def match(
    hotlist: Path = typer.Option(
        ...,
        "--hotlist",
        help="Hotlist: CSV with header id,plate,policy (plate may be a witness pattern; "
        "optional colour,type,make,model) or JSONL.",
        dir_okay=False,
    ),
    reads: Path = typer.Option(
        ...,
        "--reads",
        help="Reads in time order: JSONL, one read a line (id, camera_id, ts, plate, "
        "confidence, alternatives, vehicle_colour, vehicle_type).",
        dir_okay=False,
    ),
    cameras: Path | None = typer.Option(
        None,
        "--cameras",
        help="LPR camera list (CSV or JSON: camera_id, lat, lon, ...): positions that let "
        "reads corroborate each other.",
        dir_okay=False,
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write matches (JSONL) to this file instead of stdout.", dir_okay=False
    ),
    min_score: float | None = typer.Option(
        None,
        "--min-score",
        min=0.0,
        max=1.0,
        help="Report matches scoring at least this (default: each policy's threshold, 0.025).",
    ),
    hold_s: float = typer.Option(
        60.0,
        "--hold-s",
        min=0.0,
        help="Seconds of stream time a weak candidate is held for corroboration before it is "
        "dropped.",
    ),
    surface_at: float | None = typer.Option(
        None,
        "--surface-at",
        min=0.0,
        max=1.0,
        help="Surface candidates whose calibrated score reaches this (default: the "
        "calibration's threshold).",
    ),
    json_stats: bool = typer.Option(
        False, "--json-stats", help="Print a JSON stats object on stderr at the end."
    ),
) -> None:
    """Match plate reads against a hotlist, decide each match, print one JSON line per match."""
    import gc
    import time

    from safenet.matching import HotlistIndex, parse_hotlist
    from safenet.matching.decision import DecisionChain, DecisionPolicy

    started = time.perf_counter()
    try:
        hotlist_bytes = hotlist.read_bytes()
    except OSError as exc:
        typer.echo(f"error: cannot read hotlist {hotlist}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    entries, problems = parse_hotlist(hotlist_bytes)
    for problem in problems:
        typer.echo(f"hotlist {hotlist.name} {problem}", err=True)
    index, rejections = HotlistIndex.build(entries)
    for rejection in rejections:
        typer.echo(f"hotlist entry {rejection.entry_id}: {rejection.reason}", err=True)
    wanted = _wanted(index, min_score)
    gc.freeze()  # the index lives for the whole run: keep the collector from rescanning it
    hotlist_skipped = (
        len(problems) + len(rejections) + (len(entries) - len(rejections)) - len(index)
    )
    typer.echo(f"hotlist: {len(index)} entries loaded, {hotlist_skipped} skipped", err=True)
    points = _camera_points(cameras) if cameras is not None else {}
    policy = DecisionPolicy(hold_s=hold_s, window_s=max(300.0, hold_s), surface_at=surface_at)
    chain = DecisionChain(wanted, policy)
    # With no camera positions and no entry described, nothing but the plate can be
    # weighed: the weak matches the chain keeps as evidence would never be used.
    evidence = bool(points) or any(not w.description.empty for w in wanted)
    try:
        source = reads.open("rb")
    except OSError as exc:
        typer.echo(f"error: cannot read reads file {reads}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    sink = out.open("wb") if out is not None else sys.stdout.buffer
    tally = _Tally()
    writer = _OrderedWriter(sink)
    try:
        for first_line, lines in _chunks(source):
            batch = _parse_chunk(lines, first_line, reads.name, tally)
            decided = decide_batch(
                chain,
                index,
                batch,
                points.get,
                min_score=min_score,
                evidence=evidence,
                on_bad_time=tally.bad_time,
            )
            if decided:
                ids = {d.read_id for d in decided}
                tally.original_ts.update((r.id, r.ts) for r in batch if r.id in ids)
            if points:
                tally.unplaced += sum(1 for r in batch if r.camera_id not in points)
            writer.add(decided, tally)
        writer.add(chain.flush(), tally, final=True)
    finally:
        source.close()
        if out is not None:
            sink.close()
        else:
            sink.flush()
    elapsed = time.perf_counter() - started
    typer.echo(summary_line(tally), err=True)
    if points and tally.unplaced:
        typer.echo(
            f"reads from cameras not in {cameras.name if cameras else ''}: {tally.unplaced} "
            "(corroborated only by reads at the same camera)",
            err=True,
        )
    if json_stats:
        stats = {
            "reads": tally.reads,
            "matched_reads": len(tally.matched_reads),
            "matches": tally.levels,
            "states": tally.states,
            "skipped": tally.skipped,
            "hotlist_entries": len(index),
            "hotlist_skipped": hotlist_skipped,
            "cameras": len(points),
            "elapsed_s": round(elapsed, 4),
            "reads_per_s": round(tally.reads / elapsed, 1) if elapsed > 0 else None,
        }
        typer.echo(msgspec.json.encode(stats).decode(), err=True)


def summary_line(tally: _Tally) -> str:
    """The run's one-line summary on stderr.

    ``matched`` counts reads with at least one match and ``unmatched`` the rest;
    ``matches`` counts (read, entry) pairs, so one read can make several, and the
    parenthesis says what the decision chain made of them.
    """
    matched = len(tally.matched_reads)
    states = ", ".join(f"{state} {n}" for state, n in tally.states.items())
    return (
        f"reads {tally.reads} · matched {matched} · unmatched {tally.reads - matched} · "
        f"matches {sum(tally.levels.values())} ({states}) · lines skipped {tally.skipped}"
    )


def _wanted(index: HotlistIndex, min_score: float | None) -> list[WantedVehicle]:
    """The chain's view of each entry; an entry whose description has unknown words is refused."""
    from safenet.matching.decision.adapt import wanted_of

    wanted: list[WantedVehicle] = []
    for entry in list(index.entries()):
        vehicle, problems = wanted_of(entry, index, min_score)
        if problems:
            typer.echo(f"hotlist entry {entry.id}: {'; '.join(problems)}", err=True)
            index.remove(entry.id)
            continue
        wanted.append(vehicle)
    return wanted


def _camera_points(path: Path) -> dict[str, GeoPoint]:
    """Camera id -> position from an LPR camera list; exits 2 when the file cannot be read."""
    from safenet.cctv import CameraFileError, read_lpr_file

    try:
        result = read_lpr_file(path)
    except CameraFileError as exc:
        typer.echo(f"error: cameras {exc}", err=True)
        raise typer.Exit(2) from None
    for row in result.skipped:
        typer.echo(f"cameras {path.name} {row}", err=True)
    typer.echo(f"cameras: {len(result.cameras)} loaded, {len(result.skipped)} skipped", err=True)
    return {c.camera_id: GeoPoint(c.lat, c.lon) for c in result.cameras}


@dataclass
class _Tally:
    reads: int = 0
    skipped: int = 0
    unplaced: int = 0
    levels: dict[str, int] = field(
        default_factory=lambda: {"exact": 0, "equivalent": 0, "fuzzy": 0, "partial": 0}
    )
    states: dict[str, int] = field(
        default_factory=lambda: {"alert": 0, "candidate": 0, "held": 0, "dropped": 0}
    )
    original_ts: dict[str, str | float] = field(default_factory=dict)
    matched_reads: set[str] = field(default_factory=set)

    def bad_time(self, read: Read) -> None:
        """A matched read whose ts is no time: reported, skipped, counted."""
        typer.echo(
            f"reads: read {read.id}: ts {read.ts!r} is not a time "
            "(ISO 8601 text or Unix seconds); it matched but cannot be decided, skipped",
            err=True,
        )
        self.skipped += 1


def _parse_chunk(lines: list[bytes], first_line: int, name: str, tally: _Tally) -> list[Read]:
    """The chunk's reads; bad lines reported and skipped."""
    from safenet.matching import parse_reads

    chunk = parse_reads(lines, first_line)
    for problem in chunk.problems:
        typer.echo(f"reads {name} {problem}", err=True)
    tally.skipped += len(chunk.problems)
    tally.reads += len(chunk.reads)
    return chunk.reads


class _OrderedWriter:
    """Writes decided matches in read order; a held match holds back the lines after it."""

    def __init__(self, sink: BinaryIO) -> None:
        self._sink = sink
        self._slots: dict[tuple[str, str], int] = {}
        self._lines: list[Decision | None] = []
        self._written = 0

    def add(self, decisions: list[Decision], tally: _Tally, *, final: bool = False) -> None:
        for d in decisions:
            key = (d.read_id, d.entry_id)
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = len(self._lines)
                self._lines.append(None)
            if d.final or final:
                self._lines[slot] = d
        ready: list[Decision] = []
        while self._written < len(self._lines) and self._lines[self._written] is not None:
            decision = self._lines[self._written]
            assert decision is not None
            ready.append(decision)
            self._lines[self._written] = None  # written: let it go
            self._written += 1
        if ready:
            encode = msgspec.json.encode
            self._sink.write(
                b"".join(
                    encode(decision_record(d, tally.original_ts.get(d.read_id, d.ts))) + b"\n"
                    for d in ready
                )
            )
            for d in ready:
                tally.matched_reads.add(d.read_id)
                tally.levels[d.match.level.value] += 1
                tally.states[d.state.value] += 1


def _chunks(source: BinaryIO) -> Iterator[tuple[int, list[bytes]]]:
    """Chunks of lines of a binary file, with the number of each chunk's first line."""
    pending: list[bytes] = []
    first = 1
    tail = b""
    while True:
        block = source.read(_BLOCK_BYTES)
        if not block:
            break
        lines = (tail + block).split(b"\n")
        tail = lines.pop()
        pending.extend(lines)
        while len(pending) >= _CHUNK_LINES:
            yield first, pending[:_CHUNK_LINES]
            del pending[:_CHUNK_LINES]
            first += _CHUNK_LINES
    if tail:
        pending.append(tail)
    if pending:
        yield first, pending


@bench_app.command("match")
def bench_match(
    quick: bool = typer.Option(
        False, "--quick", help="Smaller hotlists and samples; finishes well under a minute."
    ),
    json_path: Path | None = typer.Option(
        None, "--json", help="Also write the figures as JSON to this file.", dir_okay=False
    ),
    part: str = typer.Option(
        "all",
        "--part",
        help="Which part to run: all, speed (the per-read matcher) or journeys (the decision "
        "chain against the per-read matcher on the generated cities A-F).",
    ),
    corpus: list[str] = typer.Option(
        [],
        "--corpus",
        help="A journey corpus to measure (A-F; repeat for several). Default: every one.",
    ),
) -> None:
    """Benchmark the hotlist matcher and the decision chain against their baselines."""
    from safenet.bench.match import run
    from safenet.config import Settings

    if part not in ("all", "speed", "journeys"):
        typer.echo(f"error: --part must be all, speed or journeys, not {part!r}", err=True)
        raise typer.Exit(2)
    from safenet.bench.match_journeys import CORPORA

    chosen = tuple(c.upper() for c in corpus)
    unknown = [c for c in chosen if c not in CORPORA]
    if unknown:
        typer.echo(f"error: --corpus {unknown[0]!r} is none of {', '.join(CORPORA)}", err=True)
        raise typer.Exit(2)
    run(
        quick=quick,
        json_path=json_path,
        part=part,
        data_dir=Settings().data_dir,
        corpora=chosen or None,
    )
