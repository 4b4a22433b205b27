"""``safenet match``: match a file of plate reads against a hotlist file; ``bench match``.

The hotlist is CSV (``id,plate,policy``) or JSONL; the reads are JSONL. Matches go
to stdout (or ``--out``) as JSONL; every skipped line is reported on stderr with
its line number and reason, and the rest is processed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import typer

from safenet.commands.bench import app as bench_app

_CHUNK_LINES = 4096  # a batch that stays in the CPU caches is the fastest
_BLOCK_BYTES = 1 << 20


def match(
    hotlist: Path = typer.Option(
        ...,
        "--hotlist",
        help="Hotlist: CSV with header id,plate,policy (plate may be a witness pattern) or JSONL.",
        dir_okay=False,
    ),
    reads: Path = typer.Option(
        ...,
        "--reads",
        help="Reads: JSONL, one read a line (id, camera_id, ts, plate, confidence, alternatives).",
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
    json_stats: bool = typer.Option(
        False, "--json-stats", help="Print a JSON stats object on stderr at the end."
    ),
) -> None:
    """Match plate reads against a hotlist and print one JSON line per match."""
    import gc
    import sys
    import time

    import msgspec

    from safenet.matching import HotlistIndex, parse_hotlist, parse_reads

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
    gc.freeze()  # the index lives for the whole run: keep the collector from rescanning it
    hotlist_skipped = len(problems) + len(rejections)
    typer.echo(f"hotlist: {len(index)} entries loaded, {hotlist_skipped} skipped", err=True)

    try:
        source = reads.open("rb")
    except OSError as exc:
        typer.echo(f"error: cannot read reads file {reads}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    sink = out.open("wb") if out is not None else sys.stdout.buffer
    encode = msgspec.json.encode
    counts = {"exact": 0, "equivalent": 0, "fuzzy": 0, "partial": 0}
    total_reads = 0
    skipped = 0
    try:
        for first_line, lines in _chunks(source):
            chunk = parse_reads(lines, first_line)
            for problem in chunk.problems:
                typer.echo(f"reads {reads.name} {problem}", err=True)
            skipped += len(chunk.problems)
            total_reads += len(chunk.reads)
            found = index.match_many(chunk.reads, min_score)
            if found:
                sink.write(
                    b"".join(
                        encode(
                            {
                                "read_id": m.read_id,
                                "entry_id": m.entry_id,
                                "level": m.level.value,
                                "score": round(m.score, 4),
                                "explanation": m.explanation,
                                "text": m.text,
                                "registered": m.registered,
                                "rank": m.rank,
                            }
                        )
                        + b"\n"
                        for m in found
                    )
                )
                for m in found:
                    counts[m.level.value] += 1
    finally:
        source.close()
        if out is not None:
            sink.close()
        else:
            sink.flush()
    elapsed = time.perf_counter() - started
    typer.echo(
        f"reads: {total_reads} matched, {sum(counts.values())} matches, {skipped} lines skipped",
        err=True,
    )
    if json_stats:
        stats = {
            "reads": total_reads,
            "matches": counts,
            "skipped": skipped,
            "hotlist_entries": len(index),
            "hotlist_skipped": hotlist_skipped,
            "elapsed_s": round(elapsed, 4),
            "reads_per_s": round(total_reads / elapsed, 1) if elapsed > 0 else None,
        }
        typer.echo(encode(stats).decode(), err=True)


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
) -> None:
    """Benchmark the hotlist matcher: speed, build, memory, recall, false candidates, baselines."""
    from safenet.bench.match import run

    run(quick=quick, json_path=json_path)
