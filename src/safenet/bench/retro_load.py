"""``safenet bench retro``'s windows: p99 read→report in a running center, with and without an add.

What is measured must be the alert path only, the same in both windows:

- **probe reads**: one read in :data:`PROBE_EVERY` is an exact, sure read of a wanted
  entry (the registered plate, confidence 0.97, no OCR alternatives), each of a
  different entry, so the decision chain alerts on it at once and never holds it (no
  earlier read of that entry, no look-alike reads of it, no alert window). Only the
  probes' latencies are measured. Every probe ends as one of three outcomes, counted
  apart: **alerted** (its LocationReport was published), **held** (a hit row in
  another state: the chain or a check kept it back) or **missing** (no hit at all);
- **background load**: the other reads are random valid plates (a tenth with OCR
  alternatives), drawn from the same seed in every window, at the same rate, so the
  two kinds of window differ only in the add;
- **windows**: a warm-up window first (not reported), then ``pairs`` pairs of a window
  without an add and one with an add (a new entry each time, with near misses among the
  retained reads, added a third of the way in), the order alternating from pair to
  pair (quiet first, then add first) so a slow drift of the machine cancels out.

The caller reports each kind's latencies pooled, and the median of the pairs' p99
differences with their spread (a pair's p99 over a few hundred probes moves by tens of
milliseconds on a busy machine; the median over pairs does not).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from safenet.bench.center import POST_SIZE, TimingTransport, _submit_all
from safenet.bench.match_corpus import random_plate
from safenet.center.ingest.schema import parse_read
from safenet.center.tables import hits as hits_table
from safenet.center.tables import retro_lookups
from safenet.center.types import IncomingRead, hit_id_for
from safenet.link import HotlistDelta, HotlistEntry, MemoryBroker, MemoryTransport
from safenet.store import Database

PROBE_EVERY = 20
"""One read in this many is a probe (an exact, sure read of an entry seen once)."""

PROBE_CONFIDENCE = 0.97
LOAD_SEED = 1616
"""The background load's seed: the same reads (bar their ids) in every window."""


@dataclass
class Window:
    """One window's reads: the background and the probes, with each probe's hit id."""

    reads: list[IncomingRead]
    probes: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Index in ``reads`` → (the hit id an alert on it would have, its entry id)."""


def probes_per_window(rate: float, duration: float) -> int:
    return len(range(PROBE_EVERY // 2, max(POST_SIZE, int(rate * duration)), PROBE_EVERY))


def window_reads(
    site: str,
    name: str,
    count: int,
    cameras: Sequence[str],
    probe_entries: Sequence[tuple[str, str]],
    now: datetime,
) -> Window:
    """``count`` reads: the seeded background with a probe of each of ``probe_entries``."""
    rng = random.Random(LOAD_SEED)  # the same background in every window
    window = Window([])
    probes = iter(probe_entries)
    for i in range(count):
        camera = cameras[rng.randrange(len(cameras))]
        ts = now - timedelta(seconds=rng.random() * 60)
        plate = random_plate(rng)
        confidence = 0.9 + rng.random() * 0.09
        alternatives = rng.random() < 0.1
        alt_plates = [random_plate(rng) for _ in range(rng.randint(1, 2))]
        body: dict[str, Any] = {"id": f"{name}-{i}", "camera_id": camera, "ts": ts.isoformat()}
        if i % PROBE_EVERY == PROBE_EVERY // 2:
            entry_id, wanted = next(probes)
            body.update(plate=wanted, confidence=PROBE_CONFIDENCE)
            window.probes[i] = (hit_id_for(site, camera, body["id"], entry_id), entry_id)
        else:
            body.update(plate=plate, confidence=confidence)
            if alternatives:
                body["alternatives"] = [{"plate": p, "confidence": 0.02} for p in alt_plates]
        window.reads.append(parse_read(body, max_snapshot_bytes=1))
    return window


async def run_window(
    service: Any,
    transport: TimingTransport,
    police: MemoryTransport,
    window: Window,
    rate: float,
    add: tuple[str, str] | None,
) -> dict[str, Any]:
    """Feed the window at ``rate``; with ``add`` (id, plate), add that entry a third of the way."""
    adder = None
    marks: dict[str, float] = {}
    reads = window.reads
    if add is not None:
        entry_id, plate = add

        async def add_entry() -> None:
            await asyncio.sleep(len(reads) / rate / 3)
            version = service.hotlist.version
            added = HotlistEntry(
                entry_id=entry_id,
                plate=plate,
                category="robbery",
                expires_at=datetime.now(UTC) + timedelta(days=1),
            )
            delta = HotlistDelta(
                target="all",
                version=version + 1,
                base_version=version,
                issued_at=datetime.now(UTC),
                added=[added],
            )
            added_at = time.perf_counter()
            applied_before = len(service.hotlist.bench_apply_s)
            await police.publish(delta)
            done = await _lookup_done(service.db, entry_id, added_at, 1800)
            if done is not None:
                marks["look-up s"] = done
            marks["apply ms"] = 1000 * sum(service.hotlist.bench_apply_s[applied_before:])

        adder = asyncio.create_task(add_entry())
    started = time.perf_counter()
    arrivals = await _submit_all(service, reads, POST_SIZE / rate)
    fed_s = time.perf_counter() - started
    if adder is not None:
        await adder
    expected = {hit_id: arrivals[i] for i, (hit_id, _) in window.probes.items()}
    entry_of = dict(window.probes.values())
    deadline = time.perf_counter() + 30
    # Polling: the reports leave through the relay, on its own schedule.
    while time.perf_counter() < deadline and not set(expected) <= set(transport.published):  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    latencies = [
        (transport.published[h] - t) * 1000 for h, t in expected.items() if h in transport.published
    ]
    unreported = set(expected) - set(transport.published)
    held, missing = _outcomes(service.db, {h: entry_of[h] for h in unreported})
    return {
        "reads/s fed": len(reads) / fed_s,
        "probes": len(expected),
        "alerted": len(latencies),
        "held": held,
        "missing": missing,
        "p50 ms": statistics.median(latencies) if latencies else None,
        "p99 ms": percentile(latencies, 0.99),
        "max ms": max(latencies) if latencies else None,
        "look-up s": marks.get("look-up s"),
        "apply ms": marks.get("apply ms"),
        "_latencies": latencies,
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def pooled(windows: list[dict[str, Any]]) -> dict[str, Any]:
    """Several windows' figures as one: latencies pooled, counts summed."""
    if len(windows) == 1:
        return windows[0]
    latencies = [x for w in windows for x in w["_latencies"]]
    looked = [w["look-up s"] for w in windows if w["look-up s"] is not None]
    return {
        "reads/s fed": statistics.mean(w["reads/s fed"] for w in windows),
        **{k: sum(w[k] for w in windows) for k in ("probes", "alerted", "held", "missing")},
        "p50 ms": statistics.median(latencies) if latencies else None,
        "p99 ms": percentile(latencies, 0.99),
        "max ms": max(latencies) if latencies else None,
        "look-up s": max(looked) if looked else None,
        "apply ms": max(
            (w["apply ms"] for w in windows if w["apply ms"] is not None), default=None
        ),
        "_latencies": latencies,
    }


def _outcomes(db: Database, unreported: dict[str, str]) -> tuple[int, int]:
    """Of the probes not reported (hit id → entry id): how many are held, how many missing.

    Held: a hit row that was not reported (a candidate, a suppressed hit) or a
    candidate the decision chain holds for corroboration (``decision_held``, no hit
    row yet). Missing: neither.
    """
    if not unreported:
        return 0, 0
    from safenet.center.decision_store import decision_held

    with db.read() as conn:
        hit_rows = set(
            conn.execute(
                sa.select(hits_table.c.hit_id).where(hits_table.c.hit_id.in_(sorted(unreported)))
            ).scalars()
        )
        held_entries = set(
            conn.execute(
                sa.select(decision_held.c.entry_id).where(
                    decision_held.c.entry_id.in_(sorted(set(unreported.values())))
                )
            ).scalars()
        )
    held = sum(1 for h, e in unreported.items() if h in hit_rows or e in held_entries)
    return held, len(unreported) - held


async def _lookup_done(
    db: Database, entry_id: str, added_at: float, within_s: float
) -> float | None:
    """Seconds from the entry's add until its look-up is done; None if not in time."""
    deadline = time.perf_counter() + within_s
    while time.perf_counter() < deadline:
        with db.read() as conn:
            row = conn.execute(
                sa.select(retro_lookups.c.done_at).where(retro_lookups.c.entry_id == entry_id)
            ).first()
        if row is not None and row.done_at is not None:
            return time.perf_counter() - added_at
        await asyncio.sleep(0.02)
    return None


def _time_applies(hotlist: Any) -> None:
    """Note how long each hotlist message took to apply (``apply ms``: the add's own cost)."""
    apply = hotlist.apply
    hotlist.bench_apply_s = []

    def timed(message: Any) -> Any:
        started = time.perf_counter()
        try:
            return apply(message)
        finally:
            hotlist.bench_apply_s.append(time.perf_counter() - started)

    hotlist.apply = timed


@dataclass
class Windows:
    """The windows' figures: each kind pooled, and each pair's p99 change (add − quiet)."""

    kinds: dict[str, dict[str, Any]]
    changes: list[float | None]
    samples_per_window: int


async def under_add(
    db: Database,
    site: str,
    cameras: Sequence[str],
    probe_plates: Sequence[str],
    targets: Sequence[str],
    rate: float,
    duration: float,
    *,
    scan_phase: bool,
    pairs: int = 1,
) -> Windows:
    """p99 read→report through a running center: windows without an add and with one.

    ``probe_plates`` are on the hotlist already (one per probe of every window, in
    order, with the entry ids ``E0``, ``E1`` …); ``targets`` are the plates added (one
    per add window), each with near misses among the retained reads.
    """
    from safenet.center.service import CenterService
    from safenet.center.settings import CenterSettings

    per_window = max(POST_SIZE, int(rate * duration))
    per_probe = probes_per_window(rate, duration)
    probe_iter = iter(enumerate(probe_plates))

    def next_window(name: str) -> Window:
        entries = [(f"E{k}", p) for k, p in (next(probe_iter) for _ in range(per_probe))]
        return window_reads(site, name, per_window, cameras, entries, datetime.now(UTC))

    broker = MemoryBroker()
    police = MemoryTransport(broker, "police")
    await police.provision([site])
    transport = TimingTransport(broker, site)
    settings = CenterSettings(
        site=site, heartbeat_interval_s=0, purge_interval_s=0, relay_poll_interval_s=0.05
    )
    service = CenterService(settings, db=db, transport=transport)
    _time_applies(service.hotlist)
    await service.start()
    kinds: dict[str, dict[str, Any]] = {}
    changes: list[float | None] = []
    try:
        async with asyncio.timeout(10):
            await service.wait_connected()
        await service.retro.run_in_worker()  # the v1 entries' look-ups first
        # A first window warms the pipeline up (caches, connections); not reported.
        await run_window(service, transport, police, next_window("warm"), rate, None)
        quiet: list[dict[str, Any]] = []
        added: list[dict[str, Any]] = []
        for k in range(pairs):
            target = targets[k % len(targets)]
            add = ("ADDED-KEYS" if pairs == 1 else f"ADDED-KEYS-{k}", target)
            order = (None, add) if k % 2 == 0 else (add, None)
            for which in order:
                window = next_window(f"w{k}{'a' if which else 'q'}")
                figures = await run_window(service, transport, police, window, rate, which)
                (added if which else quiet).append(figures)
        kinds["no add"] = pooled(quiet)
        kinds["one add, by keys"] = pooled(added)
        changes = [
            None if a["p99 ms"] is None or q["p99 ms"] is None else a["p99 ms"] - q["p99 ms"]
            for q, a in zip(quiet, added, strict=True)
        ]
        if scan_phase:
            service.retro.by_keys = False
            add = ("ADDED-SCAN", targets[-1])
            kinds["one add, old scan"] = await run_window(
                service, transport, police, next_window("scan"), rate, add
            )
    finally:
        await service.stop()
        await transport.close()
        await police.close()
    return Windows(kinds, changes, per_probe)
