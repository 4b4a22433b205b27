"""``safenet bench retro``: the retrospective look-up by match keys against the old scan.

In one process, on PostgreSQL (a database the benchmark creates and drops) and with
``--sqlite`` on a SQLite file:

- **seed**: N retained reads of random valid plates (default 1,000,000 on PostgreSQL),
  with near misses of the looked-up plates among them (look-alikes, one and two plain
  edits, insertions, deletions, a dropped class digit, three edits that must not match)
  and OCR alternatives on a tenth of them, written as the pipeline writes them
  (:func:`safenet.center.bulk.write_reads`, COPY / executemany, with their keys);
- **write cost**: reads/s persisted with keys and without, alternating chunks of the
  same rows in the same run, and the ratio;
- **one look-up**: the time of one entry's look-up by keys and by the old scan over the
  same table, the ratio, and whether both found the same hits;
- **read→report under an add**: a running center fed at a steady rate, p99 from a
  probe read's arrival (an exact, sure read of an entry, which alerts at once) to its
  LocationReport's publish, in windows without and with one entry added (whose
  retrospective look-up then runs), alternating (:mod:`safenet.bench.retro_load`) —
  the target is that the add changes p99 by less than 100 ms.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from safenet.bench.center import (
    POST_SIZE,
    bench_database,
    make_corpus,
    seed_center,
)
from safenet.bench.match_corpus import random_plate
from safenet.bench.report import BenchReport
from safenet.bench.retro_load import PROBE_EVERY, Windows, probes_per_window, under_add
from safenet.center.bulk import write_reads
from safenet.center.retro_index import write_keys
from safenet.center.tables import reads as reads_table
from safenet.center.types import EntryInfo
from safenet.link import MemoryBroker, MemoryTransport
from safenet.store import Database

SITE = "benchretro"

CHUNK = 10_000
BATCH = 1_000
"""Reads per transaction where the write cost is measured (the pipeline's batch size)."""
NEAR_PER_TARGET = 24
DIGITS = "0123456789"
LOOKALIKE_DIGITS = {"0": "8", "8": "0", "1": "7", "7": "1", "5": "6", "6": "5", "3": "8"}


def near_misses(plate: str, rng: random.Random) -> list[str]:
    """Texts near ``plate``: some the matcher accepts, some (three edits) it must not."""
    out = [plate]
    serial = len(plate) - 4
    for _ in range(NEAR_PER_TARGET // 4):
        i = rng.randrange(serial, len(plate))
        ch = plate[i]
        out.append(plate[:i] + LOOKALIKE_DIGITS.get(ch, "9") + plate[i + 1 :])
        j = rng.randrange(serial, len(plate))
        two = list(plate)
        two[i] = rng.choice(DIGITS)
        two[j] = rng.choice(DIGITS)
        out.append("".join(two))
        k = rng.randrange(len(plate) + 1)
        out.append(plate[:k] + rng.choice(DIGITS) + plate[k:])
        out.append(plate[:i] + plate[i + 1 :])
    far = list(plate)
    for i in rng.sample(range(serial, len(plate)), 3):
        far[i] = str((int(far[i]) + 5) % 10)
    out.append("".join(far))
    if plate[:3].isdigit():
        out.append(plate[1:])  # a dropped class digit
    return out


def read_rows(
    n: int,
    targets: Sequence[str],
    rng: random.Random,
    now: datetime,
    cameras: Sequence[str],
    *,
    prefix: str = "r",
    spread: timedelta = timedelta(hours=20),
) -> list[dict[str, Any]]:
    """``n`` read rows as the persist stage writes them, with near misses of ``targets``."""
    texts: list[str] = []
    for plate in targets:
        texts.extend(near_misses(plate, rng))
    while len(texts) < n:
        texts.append(random_plate(rng))
    texts = texts[:n]
    rng.shuffle(texts)
    rows: list[dict[str, Any]] = []
    for i, text in enumerate(texts):
        at = now - spread * rng.random()
        alternatives = None
        if rng.random() < 0.1:
            alternatives = [[random_plate(rng), 0.03]]
        rows.append(
            {
                "read_id": f"{prefix}-{i}",
                "camera_id": cameras[i % len(cameras)],
                "read_at": at,
                "received_at": at,
                "plate": text,
                "confidence": round(0.4 + 0.59 * rng.random(), 3),
                "alternatives": alternatives,
                "vehicle_colour": None,
                "vehicle_type": None,
                "snapshot_ref": None,
                "has_snapshot": False,
                "is_hit": False,
            }
        )
    return rows


def store_rows(
    db: Database, rows: Sequence[dict[str, Any]], *, keys: bool = True, chunk: int = CHUNK
) -> float:
    """Write ``rows`` in transactions of ``chunk`` reads; the seconds it took."""
    started = time.perf_counter()
    for start in range(0, len(rows), chunk):
        with db.begin() as conn:
            write_reads(conn, rows[start : start + chunk], keys=keys)
    return time.perf_counter() - started


def entry_info(entry_id: str, plate: str, *, policy: str = "default") -> EntryInfo:
    """A wanted entry as the center holds it, expiring in a day."""
    return EntryInfo(
        entry_id=entry_id,
        plate=plate,
        category="robbery",
        expires_at=datetime.now(UTC) + timedelta(days=1),
        fuzzy_allowance=1.0,
        vehicle="",
        policy=policy,
        confirm_before_send=False,
    )


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


@dataclass
class Seeded:
    """A center database with retained reads, and what seeding them measured."""

    reads: int
    targets: list[str]
    cameras: list[str]
    wanted: list[str]
    """The hotlist's plates, entry ``E{i}`` for ``wanted[i]`` (the windows' probes)."""
    with_keys_per_s: float
    without_keys_per_s: float
    seed_s: float


def seed(
    db: Database, n: int, rng: random.Random, *, entries: int, corpus_seed: int, targets: int = 4
) -> Seeded:
    """The center's cameras and hotlist (v1), then ``n`` retained reads with their keys.

    ``targets`` plates (not on the hotlist) get near misses among the reads: the first
    is looked up alone, the others are the entries the windows add.

    The write cost is measured on the first part of the rows: chunks written with keys
    and chunks written without, alternating, so both see the same table size and load.
    """
    now = datetime.now(UTC)
    corpus = make_corpus(corpus_seed, entries, 0, now, "seed")
    seed_center(db, corpus, SITE)
    cameras = [c["camera_id"] for c in corpus.cameras]
    wanted = set(corpus.wanted)
    plates: list[str] = []
    while len(plates) < targets:
        plate = random_plate(rng)
        if plate not in wanted and plate not in plates:
            plates.append(plate)
    rows = read_rows(n, plates, rng, now - timedelta(minutes=15), cameras, prefix="old")
    measured = min(len(rows), max(40 * BATCH, len(rows) // 5))
    timed = {True: 0.0, False: 0.0}
    counted = {True: 0, False: 0}
    started = time.perf_counter()
    unkeyed: list[dict[str, Any]] = []
    for k, start in enumerate(range(0, measured, BATCH)):
        keys = k % 2 == 0 or k < 2  # the first two batches warm up, with keys, uncounted
        batch = rows[start : start + BATCH]
        took = store_rows(db, batch, keys=keys, chunk=BATCH)
        if k >= 2:
            timed[keys] += took
            counted[keys] += len(batch)
        if not keys:
            unkeyed.extend(batch)
    # The batches written without keys get them now (a look-up must find every read).
    with db.begin() as conn:
        write_keys(conn, unkeyed)
    store_rows(db, rows[measured:])
    seeded = Seeded(
        reads=len(rows),
        targets=plates,
        cameras=cameras,
        wanted=list(corpus.wanted),
        with_keys_per_s=counted[True] / max(1e-9, timed[True]),
        without_keys_per_s=counted[False] / max(1e-9, timed[False]),
        seed_s=time.perf_counter() - started,
    )
    return seeded


def time_lookup(db: Database, seeded: Seeded) -> dict[str, Any]:
    """One entry's look-up by keys (best of three) and by the old scan, on the same table."""
    from safenet.center.context import PipelineContext
    from safenet.center.retro import RetroLookup
    from safenet.center.service import CenterService
    from safenet.center.settings import CenterSettings

    service = CenterService(
        CenterSettings(site=SITE), db=db, transport=MemoryTransport(MemoryBroker(), SITE)
    )
    ctx: PipelineContext = dataclasses.replace(service.ctx, min_score=0.0)
    retro = RetroLookup(ctx)
    entry = entry_info("LOOKUP", seeded.targets[0], policy="lenient")
    with db.read() as conn:
        up_to = int(conn.execute(sa.select(sa.func.max(reads_table.c.seq))).scalar_one())
    oldest = datetime.now(UTC) - timedelta(hours=24)
    keyed_s = []
    for _ in range(3):
        started = time.perf_counter()
        keyed = retro.search([entry], 1, up_to, oldest)
        keyed_s.append(time.perf_counter() - started)
    started = time.perf_counter()
    scanned = retro.search([entry], 1, up_to, oldest, by_keys=False)
    scan_s = time.perf_counter() - started

    def hits(search: Any) -> set[tuple[int, str]]:
        return {(seq, d.match.text) for seq, (_, drafts) in search.found.items() for d in drafts}

    return {
        "keys_s": min(keyed_s),
        "scan_s": scan_s,
        "candidates": keyed.searched,
        "scanned": scanned.searched,
        "hits": len(hits(keyed)),
        "same_hits": hits(keyed) == hits(scanned),
    }


def run_retro_bench(
    *,
    reads: int = 1_000_000,
    quick: bool = False,
    pg_url: str | None = None,
    sqlite: bool = False,
    rate: float = 1000.0,
    duration: float = 15.0,
    scan_phase: bool = True,
    pairs: int = 1,
    hotlist: int = 0,
) -> BenchReport:
    """Run the benchmark; see the module docstring."""
    if quick:
        reads, duration = min(reads, 100_000), min(duration, 8.0)
    windows = 1 + 2 * pairs + (1 if scan_phase else 0)  # the first warms up
    probes = probes_per_window(rate, duration)
    entries = max(hotlist, windows * probes + 64)  # a plate per probe (and spares), or more
    report = BenchReport(
        "retro",
        parameters={
            "reads": reads,
            "quick": quick,
            "rate": rate,
            "phase_s": duration,
            "hotlist_entries": entries,
            "scan_phase": scan_phase,
            "pairs": pairs,
        },
    )
    writes = report.table("write cost of the keys (reads persisted/s)")
    lookups = report.table("one look-up: by keys vs the old scan")
    latency = report.table("read→report through a running center, with and without an add")
    backends = (["postgresql"] if pg_url else []) + (["sqlite"] if sqlite or not pg_url else [])
    with tempfile.TemporaryDirectory() as tmp:
        for kind in backends:
            rng = random.Random(16)
            corpus_seed = rng.randrange(1 << 30)
            with bench_database(kind, pg_url, Path(tmp)) as db:
                seeded = seed(
                    db,
                    reads,
                    rng,
                    entries=entries,
                    corpus_seed=corpus_seed,
                    targets=2 + pairs,
                )
                writes.add(
                    case=kind,
                    **{
                        "with keys": seeded.with_keys_per_s,
                        "without keys": seeded.without_keys_per_s,
                        "with / without": seeded.with_keys_per_s / seeded.without_keys_per_s,
                        "seeded reads": seeded.reads,
                        "seed s": seeded.seed_s,
                    },
                )
                timing = time_lookup(db, seeded)
                lookups.add(
                    case=kind,
                    **{
                        "retained reads": seeded.reads,
                        "by keys ms": timing["keys_s"] * 1000,
                        "scan ms": timing["scan_s"] * 1000,
                        "scan / keys": timing["scan_s"] / timing["keys_s"],
                        "candidates": timing["candidates"],
                        "scanned": timing["scanned"],
                        "hits": timing["hits"],
                        "same hits": "yes" if timing["same_hits"] else "NO",
                    },
                )
                measured = asyncio.run(
                    under_add(
                        db,
                        SITE,
                        seeded.cameras,
                        seeded.wanted,
                        seeded.targets[1:],
                        rate,
                        duration,
                        scan_phase=scan_phase,
                        pairs=pairs,
                    )
                )
                _report_windows(report, latency, kind, measured, pairs)
    report.note(
        "write cost: the first fifth of the seeded rows (at least 40 transactions of "
        f"{BATCH:,}), written through bulk.write_reads in alternate transactions with and "
        "without their match keys, in the same run (the first two, with keys, warm up and "
        "are not counted); COPY on PostgreSQL, executemany on SQLite."
    )
    report.note(
        "one look-up: RetroLookup.search for one entry (lenient policy, every match kept: "
        "min_score 0) over every retained read, by keys (best of 3) and by the scan the "
        "look-up did before issue 16; 'same hits' compares the (read, text) pairs found."
    )
    report.note(
        f"read→report: {rate:g} reads/s for {duration:g} s per window, posts of {POST_SIZE}; "
        f"one read in {PROBE_EVERY} is a probe (an exact, sure read of an entry never seen "
        f"before: {probes:,} probes per window, {entries:,} hotlist entries), the rest the "
        "same seeded background in every window; only probes are timed, and each is "
        "counted as alerted, held (a hit not reported) or missing (no hit). After a "
        "warm-up window, K pairs (--pairs) of a window without an add and one with an add "
        "(an entry with near misses among the retained reads, added a third of the way "
        "in), the order alternating between pairs. Target: the add changes p99 by < 100 ms."
    )
    return report


def _report_windows(
    report: BenchReport, latency: Any, kind: str, measured: Windows, pairs: int
) -> None:
    """The windows' rows (each kind pooled) and the pairs' p99 changes as a note."""
    base = measured.kinds["no add"]["p99 ms"]
    for name, figures in measured.kinds.items():
        p99 = figures["p99 ms"]
        change = None if p99 is None or base is None else p99 - base
        shown = {k: v for k, v in figures.items() if not k.startswith("_")}
        shown["windows"] = 1 if name == "one add, old scan" else pairs
        latency.add(case=f"{kind}: {name}", **shown, **{"pooled p99 change ms": change})
    known = [c for c in measured.changes if c is not None]
    if known:
        median = statistics.median(known)
        spread = f"{min(known):+.0f} to {max(known):+.0f}"
        report.note(
            f"{kind}: p99 change (add − no add) of each of the {len(known)} pairs (ms): "
            + ", ".join(f"{c:+.0f}" for c in known)
            + f"; median {median:+.0f}, spread {spread}"
            + (f", interquartile {_quartiles(known)}" if len(known) >= 4 else "")
            + f"; {measured.samples_per_window} probes per window"
        )


def _quartiles(values: list[float]) -> str:
    q1, _, q3 = statistics.quantiles(values, n=4)
    return f"{q1:+.0f} to {q3:+.0f}"
