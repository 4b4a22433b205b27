"""``safenet bench center``: how fast a center takes reads in, and how soon a hit reaches the link.

For SQLite (a file, ``synchronous=FULL``, the default) and PostgreSQL (a database the
benchmark creates and drops), in the same process:

- **matcher only** (baseline): :meth:`Matcher.match_many` over the same reads in the
  same batch sizes, nothing stored;
- **sustained ingest**: reads submitted as fast as the pipeline takes them (posts of
  100 reads, as a camera platform sends them), through every stage including the
  commit of reads, hits and reports; reads/s and the ratio to the baseline;
- **ingest to report**: reads paced at half the sustained rate; for each hit, the time
  from its arrival at the center to its LocationReport's publish on the link
  (in-process link), p50 and p99.

The corpus: a hotlist of wanted plates, LPR cameras around Seocho-gu, and traffic of
random valid plates of which 1 % are wanted plates read exactly; a tenth of the reads
carry OCR alternatives. No snapshots (they would measure the disk, not the pipeline).
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from safenet.bench.match_corpus import random_plate
from safenet.bench.report import BenchReport
from safenet.center.ingest.schema import parse_read
from safenet.center.types import IncomingRead, hit_id_for
from safenet.link import HotlistEntry, HotlistSnapshot, MemoryBroker, MemoryTransport
from safenet.link.codec import decode
from safenet.link.errors import LinkError
from safenet.link.messages import LocationReport
from safenet.link.transport import Envelope
from safenet.matching import Alternative, HotlistIndex, Matcher, Read
from safenet.matching import HotlistEntry as MatchEntry
from safenet.store import Database, open_database

SITE = "benchcenter"
POST_SIZE = 100
HIT_RATE = 0.01


@dataclass(frozen=True)
class Corpus:
    """What one benchmark run feeds the center."""

    wanted: list[str]
    cameras: list[dict[str, Any]]
    reads: list[IncomingRead]


def make_corpus(seed: int, entries: int, count: int, now: datetime, prefix: str) -> Corpus:
    rng = random.Random(seed)
    wanted = sorted({random_plate(rng) for _ in range(entries)})
    wanted_set = set(wanted)
    cameras = [
        {
            "camera_id": f"BC-{i:04d}",
            "lat": 37.46 + rng.random() * 0.06,
            "lon": 126.98 + rng.random() * 0.08,
            "heading": float(rng.randrange(360)),
        }
        for i in range(200)
    ]
    reads: list[IncomingRead] = []
    for i in range(count):
        if rng.random() < HIT_RATE:
            plate = rng.choice(wanted)
        else:
            plate = random_plate(rng)
            while plate in wanted_set:
                plate = random_plate(rng)
        body: dict[str, Any] = {
            "id": f"{prefix}-{i}",
            "camera_id": rng.choice(cameras)["camera_id"],
            "ts": (now - timedelta(seconds=rng.random() * 600)).isoformat(),
            "plate": plate,
            "confidence": 0.9 + rng.random() * 0.09,
        }
        if rng.random() < 0.1:
            body["alternatives"] = [
                {"plate": random_plate(rng), "confidence": 0.02} for _ in range(rng.randint(1, 2))
            ]
        reads.append(parse_read(body, max_snapshot_bytes=1))
    return Corpus(wanted, cameras, reads)


class TimingTransport(MemoryTransport):
    """The in-process link, noting when each LocationReport was published."""

    def __init__(self, broker: MemoryBroker, site: str) -> None:
        super().__init__(broker, site)
        self.published: dict[str, float] = {}

    async def publish_envelope(self, envelope: Envelope) -> None:
        await super().publish_envelope(envelope)
        self._note([envelope])

    async def publish_batch(self, envelopes: Sequence[Envelope]) -> list[LinkError | None]:
        results = await super().publish_batch(envelopes)
        self._note([e for e, error in zip(envelopes, results, strict=True) if error is None])
        return results

    def _note(self, envelopes: Sequence[Envelope]) -> None:
        now = time.perf_counter()
        for envelope in envelopes:
            if envelope.message_type == "location_report":
                message = decode(envelope.payload)
                assert isinstance(message, LocationReport)
                self.published.setdefault(message.hit_id, now)


def matcher_rate(corpus: Corpus, batch: int) -> float:
    """Reads/s of the matcher alone on the corpus (the baseline)."""
    index, _ = HotlistIndex.build(
        [MatchEntry(id=f"E{i}", plate=p) for i, p in enumerate(corpus.wanted)], 1
    )
    matcher = Matcher(index)
    reads = [
        Read(
            id=r.read_id,
            camera_id=r.camera_id,
            ts=r.ts.isoformat(),
            plate=r.plate,
            confidence=r.confidence,
            alternatives=[Alternative(p, c) for p, c in r.alternatives],
        )
        for r in corpus.reads
    ]
    started = time.perf_counter()
    for start in range(0, len(reads), batch):
        matcher.match_many(reads[start : start + batch])
    return len(reads) / (time.perf_counter() - started)


@contextmanager
def bench_database(kind: str, pg_url: str | None, folder: Path) -> Iterator[Database]:
    """A fresh SQLite file, or a PostgreSQL database created and dropped around the run."""
    if kind == "sqlite":
        db = open_database(f"sqlite:///{folder / 'bench-center.db'}")
        try:
            yield db
        finally:
            db.dispose()
        return
    assert pg_url is not None
    admin_url = sa.make_url(pg_url)
    name = f"safenet_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        db = open_database(admin_url.set(database=name).render_as_string(hide_password=False))
        try:
            yield db
        finally:
            db.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def _submit_all(service: Any, reads: Sequence[IncomingRead], pace_s: float) -> list[float]:
    """Post reads in posts of POST_SIZE; with ``pace_s``, one post every ``pace_s`` seconds.

    Returns the arrival time of every read, in order.
    """
    futures = []
    arrivals: list[float] = []
    next_at = time.perf_counter()
    for start in range(0, len(reads), POST_SIZE):
        if pace_s:
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at += pace_s
        chunk = reads[start : start + POST_SIZE]
        now = time.perf_counter()
        futures.append(await service.runner.submit(chunk, wait_for_room=True))
        arrivals.extend([now] * len(chunk))
    for future in futures:
        await future
    return arrivals


def seed_center(db: Database, corpus: Corpus, site: str) -> None:
    """A migrated center database with the corpus's cameras and its wanted plates (v1)."""
    from safenet.center.hotlist import Hotlist
    from safenet.center.registry import import_camera_file
    from safenet.store import migrate

    migrate(db, "center")
    with tempfile.TemporaryDirectory() as tmp:
        cameras = Path(tmp) / "cameras.json"
        cameras.write_text(json.dumps(corpus.cameras))
        import_camera_file(db, cameras)
    entries = [
        HotlistEntry(
            entry_id=f"E{i}",
            plate=plate,
            category="robbery",
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
        for i, plate in enumerate(corpus.wanted)
    ]
    Hotlist(db, site).apply(
        HotlistSnapshot(target="all", version=1, issued_at=datetime.now(UTC), entries=entries)
    )


async def _measure(db: Database, corpus: Corpus, throughput_n: int) -> dict[str, Any]:
    from safenet.center.service import CenterService
    from safenet.center.settings import CenterSettings

    seed_center(db, corpus, SITE)
    broker = MemoryBroker()
    police = MemoryTransport(broker, "police")
    await police.provision([SITE])
    transport = TimingTransport(broker, SITE)
    settings = CenterSettings(
        site=SITE, heartbeat_interval_s=0, purge_interval_s=0, relay_poll_interval_s=0.05
    )
    service = CenterService(settings, db=db, transport=transport)
    await service.start()
    async with asyncio.timeout(10):
        await service.wait_connected()
    # The new entries' retrospective look-ups (and their audit records) finish first.
    await asyncio.to_thread(service.retro.run_pending)
    try:
        sustained = corpus.reads[:throughput_n]
        started = time.perf_counter()
        await _submit_all(service, sustained, 0.0)
        elapsed = time.perf_counter() - started
        rate = len(sustained) / elapsed

        paced = corpus.reads[throughput_n:]
        pace = POST_SIZE / max(1.0, rate / 2)
        arrivals = await _submit_all(service, paced, pace)
        wanted_ids = {p: f"E{i}" for i, p in enumerate(corpus.wanted)}
        expected = {
            hit_id_for(SITE, r.camera_id, r.read_id, wanted_ids[r.plate]): arrival
            for r, arrival in zip(paced, arrivals, strict=True)
            if r.plate in wanted_ids
        }
        deadline = time.perf_counter() + 10
        # Polling: the reports leave through the relay, on its own schedule.
        while time.perf_counter() < deadline and not set(expected) <= set(transport.published):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        latencies = sorted(
            (transport.published[h] - t) * 1000
            for h, t in expected.items()
            if h in transport.published
        )
    finally:
        await service.stop()
        await transport.close()
        await police.close()
    return {
        "reads": len(sustained),
        "seconds": elapsed,
        "rate": rate,
        "paced_rate": len(paced) / max(1e-9, len(paced) / POST_SIZE * pace),
        "reports": len(latencies),
        "expected_reports": len(expected),
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        if latencies
        else None,
    }


def run_center_bench(*, quick: bool = False, pg_url: str | None = None) -> BenchReport:
    """Run the benchmark; see the module docstring."""
    throughput_n = 20_000 if quick else 100_000
    paced_n = 5_000 if quick else 20_000
    entries = 1_000 if quick else 10_000
    report = BenchReport(
        "center",
        parameters={
            "quick": quick,
            "hotlist_entries": entries,
            "sustained_reads": throughput_n,
            "paced_reads": paced_n,
            "post_size": POST_SIZE,
            "hit_rate": HIT_RATE,
        },
    )
    table = report.table("ingest into the pipeline with persistence")
    backends = ["sqlite"] + (["postgresql"] if pg_url else [])
    with tempfile.TemporaryDirectory() as tmp:
        for seed, kind in enumerate(backends, start=1):
            corpus = make_corpus(seed, entries, throughput_n + paced_n, datetime.now(UTC), kind)
            baseline = matcher_rate(corpus, 500)
            with bench_database(kind, pg_url, Path(tmp)) as db:
                figures = asyncio.run(_measure(db, corpus, throughput_n))
            table.add(
                case=kind,
                **{
                    "matcher only reads/s": baseline,
                    "pipeline reads/s": figures["rate"],
                    "pipeline / matcher": figures["rate"] / baseline,
                    "reads": figures["reads"],
                    "paced reads/s": figures["paced_rate"],
                    "reports": f"{figures['reports']}/{figures['expected_reports']}",
                    "ingest→report p50 ms": figures["p50_ms"],
                    "ingest→report p99 ms": figures["p99_ms"],
                },
            )
    report.note(
        "pipeline reads/s: reads posted 100 at a time as fast as the center takes them, "
        "through normalize, de-duplicate, match, plausibility, suppress and one commit "
        "per batch (reads, hits, reports); matcher only is the same reads through "
        "Matcher.match_many in batches of 500, in the same process."
    )
    report.note(
        "ingest→report: reads paced at half the sustained rate; from a read's arrival at "
        "the pipeline to its LocationReport's publish on the in-process link."
    )
    report.note("SQLite runs with synchronous=FULL (the default): every commit reaches the disk.")
    return report
