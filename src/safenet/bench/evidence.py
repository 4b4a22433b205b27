"""``safenet bench evidence``: from an approved request to a verified package at the police.

Each package answers a request for one camera's stored snapshots in a time range (the
video stand-in): the pictures are the simulator's own JPEGs of random plates
(``safenet.sim.snapshot`` over ``safenet.sim.plates_gen``), drawn once before the clock
starts, as a center holds them in its store. Timed, per package:

- **evidence**: the operator's approval (simulated: approve all) → plan, build, sign,
  split → register rows and outbox messages in ONE center SQLite transaction → relay →
  the police reassemble the parts and verify signature and every hash;
- **bare link**: the same number of parts of the same sizes, built beforehand, from the
  outbox commit to the last part's arrival — the link alone, the baseline.

Both run on the in-process link and on NATS JetStream (a private nats-server with the
fenced configuration and ``sync_interval: always``, unless ``--nats-url`` names one),
paced (one package at a time: p50/p99 latency) and as a burst (packages/s, MB/s). A
second table times the snapshot renderer against a plain JPEG encode of the same frame
and against the default scenario's read rate. The request → operator queue path is not
in it yet: it joins when the services handle evidence.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from safenet.audit import SigningKey
from safenet.bench.link import SITE, _link, _percentile
from safenet.bench.report import BenchReport
from safenet.evidence import (
    Decision,
    Reassembly,
    build_package,
    plan_items,
    records_for,
    snapshot_file,
    verify_package,
)
from safenet.evidence.request import SnapshotQuery
from safenet.evidence.tables import provision_register, register_values
from safenet.link import POLICE, Family, Message, Relay, consumer, outbox
from safenet.link.messages import (
    EvidencePackage,
    EvidencePart,
    EvidenceRequest,
    Officer,
    PipaBasis,
    VideoRange,
)
from safenet.store import Database, migrate, open_database

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
CAMERA = "cam-bench-1"
OFFICER = Officer(officer_id="officer-1", name="김민수", rank="경위", agency="서울서초경찰서")


def _pictures(count: int, seed: int = 20261125) -> list[tuple[str, datetime, bytes]]:
    """Stored snapshots at one camera: random plates, one every 2 s."""
    from safenet.sim.plates_gen import random_plate
    from safenet.sim.snapshot import SnapshotRenderer, SnapshotScene
    from safenet.sim.traffic import COLOURS

    rng = random.Random(seed)
    renderer = SnapshotRenderer()
    out = []
    for i in range(count):
        plate = random_plate(rng)
        at = T0 + timedelta(seconds=2 * i)
        colour = rng.choice(list(COLOURS))
        scene = SnapshotScene(plate, colour, plate.vehicle_type, CAMERA, at)
        out.append((f"r-{i}", at, renderer.render(scene)))
    return out


def _request(request_id: str, pictures: int) -> EvidenceRequest:
    return EvidenceRequest(
        site=SITE,
        request_id=request_id,
        entry_id="entry-bench",
        case_number="2026-bench-1",
        category="kidnapping",
        legal_basis=PipaBasis(item=7),
        requester=OFFICER,
        purpose="benchmark",
        items=[
            VideoRange(
                camera_id=CAMERA,
                time_from=T0 - timedelta(seconds=1),
                time_to=T0 + timedelta(seconds=2 * pictures),
            )
        ],
        requested_at=T0,
    )


@dataclasses.dataclass
class _Run:
    packages: int
    seconds: float
    latencies_ms: list[float]
    bytes_sent: int

    @property
    def rate(self) -> float:
        return self.packages / self.seconds if self.seconds > 0 else float("nan")


class _Case:
    """One transport, one mode: a center database, its relay, and the police's handler."""

    def __init__(self, mode: str, key: SigningKey, pictures: list[tuple[str, datetime, bytes]]):
        self.mode = mode
        self.key = key
        self.pictures = pictures
        self.trusted = {SITE: key.public_key_b64}
        self.assembling: dict[str, Reassembly] = {}
        self.arrived: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self.failures: list[str] = []
        self.all_in = asyncio.Event()
        self.wanted: set[str] = set()
        self.template = self._package("template")

    def _package(self, request_id: str) -> Any:
        request = _request(request_id, len(self.pictures))
        plan = plan_items(request, {})
        query = plan[0]
        assert isinstance(query, SnapshotQuery)
        files = [
            snapshot_file(query, jpeg=jpeg, read_id=rid, captured_at=at)
            for rid, at, jpeg in self.pictures
        ]
        decision = Decision.approve_all(request, "op-bench", T0)
        return build_package(request, decision, files, plan=plan, signer=self.key, provided_at=T0)

    def messages(self, request_id: str) -> tuple[list[Message], list[Any]]:
        """What the center commits for one package: (outbox messages, register rows)."""
        if self.mode == "bare":
            parts = [
                EvidencePart(
                    site=SITE,
                    request_id=request_id,
                    part=p.part,
                    parts=p.parts,
                    sha256=p.sha256,
                    data=p.data,
                )
                for p in self.template.parts
            ]
            return list(parts), []
        built = self._package(request_id)
        return list(built.messages), records_for(built.manifest, built.package_sha256)

    async def on_message(self, message: Message) -> None:
        if not isinstance(message, EvidencePackage | EvidencePart):
            return
        rid = message.request_id
        if rid not in self.wanted or rid in self.arrived:
            return
        if self.mode == "bare":
            self.counts[rid] = self.counts.get(rid, 0) + 1
            done = isinstance(message, EvidencePart) and self.counts[rid] == message.parts
        else:
            r = self.assembling.setdefault(rid, Reassembly(SITE, rid))
            r.add(message)
            done = r.complete
            if done:
                assert r.header is not None
                verified = verify_package(r.header, r.parts(), trusted_keys=self.trusted, now=T0)
                done = len(verified.files) == len(self.pictures)
        if done:
            self.arrived[rid] = time.perf_counter()
            if self.wanted <= set(self.arrived):
                self.all_in.set()


def _commit(db: Database, messages: list[Message], rows: list[Any]) -> None:
    with db.begin() as conn:
        if rows:
            conn.execute(provision_register.insert(), [register_values(r) for r in rows])
        for m in messages:
            outbox.enqueue(conn, m)


async def _measure(
    case: _Case, db: Database, relay: Relay, ids: list[str], rate: float | None
) -> _Run:
    case.wanted = set(ids)
    case.all_in.clear()
    started: dict[str, float] = {}
    sent_bytes = [0]
    errors: list[BaseException] = []

    def produce(notify: Callable[[], None]) -> None:
        try:
            begin = time.perf_counter()
            for i, rid in enumerate(ids):
                if rate is not None:
                    delay = begin + i / rate - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                if case.mode == "evidence":
                    started[rid] = time.perf_counter()  # the approval
                messages, rows = case.messages(rid)
                _commit(db, messages, rows)
                if case.mode == "bare":
                    started[rid] = time.perf_counter()  # the outbox commit
                sent_bytes[0] += sum(len(m.data) for m in messages if isinstance(m, EvidencePart))
                notify()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    t0 = time.perf_counter()
    thread = threading.Thread(target=produce, args=(relay.notify,), daemon=True)
    thread.start()
    try:
        await asyncio.wait_for(case.all_in.wait(), timeout=120 + 5 * len(ids))
    finally:
        await asyncio.to_thread(thread.join)
    if errors:
        raise errors[0]
    latencies = [(case.arrived[r] - started[r]) * 1000 for r in ids]
    return _Run(len(ids), max(case.arrived[r] for r in ids) - t0, latencies, sent_bytes[0])


async def _run_case(
    kind: str,
    mode: str,
    key: SigningKey,
    pictures: list[tuple[str, datetime, bytes]],
    paced: int,
    burst: int,
    rate: float,
    nats_url: str | None,
) -> tuple[_Run, _Run, int]:
    tag = f"{kind}-{mode}-{time.time_ns()}"
    case = _Case(mode, key, pictures)
    with tempfile.TemporaryDirectory(prefix="safenet-bench-evidence-") as tmp:
        workdir = Path(tmp)
        db = open_database(f"sqlite:///{workdir / 'center.db'}")
        migrate(db, "center")
        try:
            async with _link(kind, workdir, nats_url) as (police, center):
                spec = dataclasses.replace(
                    consumer(POLICE, Family.EVIDENCE_REPLY, source=SITE),
                    durable=f"police-bench-ev-{time.time_ns()}",
                )
                await police.provision([SITE], [spec])
                sub = await police.subscribe(spec, case.on_message)
                relay = Relay(db, center, batched=True, batch_size=20, poll_interval_s=0.2)
                await relay.start()
                try:
                    steady = await _measure(
                        case, db, relay, [f"{tag}-p{i}" for i in range(paced)], rate
                    )
                    rush = await _measure(
                        case, db, relay, [f"{tag}-b{i}" for i in range(burst)], None
                    )
                finally:
                    await relay.stop()
                    await sub.stop()
        finally:
            db.dispose()
    return steady, rush, case.template.header.parts


def _render_table(report: BenchReport, count: int, reads_per_s: float) -> None:
    from PIL import Image

    from safenet.sim.plates_gen import random_plate
    from safenet.sim.snapshot import HEIGHT, JPEG_QUALITY, WIDTH, SnapshotRenderer, SnapshotScene

    rng = random.Random(7)
    renderer = SnapshotRenderer()
    scenes = []
    for i in range(count):
        plate = random_plate(rng)
        at = T0 + timedelta(seconds=37 * i)  # day and night
        scenes.append(SnapshotScene(plate, "흰색", plate.vehicle_type, "cam-1", at))
    renderer.render(scenes[0])  # fonts loaded before the clock starts
    render_ms, sizes = [], []
    for scene in scenes:
        t = time.perf_counter()
        sizes.append(len(renderer.render(scene)))
        render_ms.append((time.perf_counter() - t) * 1000)
    flat = Image.new("RGB", (WIDTH, HEIGHT), (92, 94, 98))
    encode_ms = []
    for _ in range(count):
        t = time.perf_counter()
        flat.save(io.BytesIO(), "JPEG", quality=JPEG_QUALITY)
        encode_ms.append((time.perf_counter() - t) * 1000)
    p50 = statistics.median(render_ms)
    table = report.table("snapshot render (320×240 JPEG), per image")
    table.add(
        case="render (vehicle + plate + stamps)",
        images=count,
        p50_ms=p50,
        p99_ms=_percentile(render_ms, 99),
        images_per_s=1000 / statistics.mean(render_ms),
        mean_kb=statistics.mean(sizes) / 1024,
        vs_encode_only=p50 / statistics.median(encode_ms),
        core_share_at_demo_rate=reads_per_s * statistics.mean(render_ms) / 1000,
    )
    table.add(
        case="baseline: JPEG encode of a flat frame",
        images=count,
        p50_ms=statistics.median(encode_ms),
        p99_ms=_percentile(encode_ms, 99),
        images_per_s=1000 / statistics.mean(encode_ms),
    )


def _service_table(
    report: BenchReport,
    stored: list[tuple[str, datetime, bytes]],
    paced: int,
    burst: int,
    rate: float,
    nats_url: str | None,
    bare: dict[str, tuple[_Run, _Run]],
) -> None:
    from safenet.bench.evidence_services import run_service_case

    table = report.table("officer's request to verified package, through the services")
    for kind in ("memory", "nats"):
        steady, rush = asyncio.run(
            run_service_case(kind, stored, max(paced // 2, 2), max(burst // 4, 2), rate, nats_url)
        )
        p50 = _percentile(steady.latencies_ms, 50)
        table.add(
            case=f"{kind} services",
            requests=steady.requests,
            p50_ms=p50,
            p99_ms=_percentile(steady.latencies_ms, 99),
            packages_per_s=rush.rate,
            mb_per_s=rush.bytes_received / rush.seconds / 1e6,
            p50_vs_bare=p50 / _percentile(bare[kind][0].latencies_ms, 50),
            rate_vs_bare=rush.rate / bare[kind][1].rate,
        )
    report.note(
        "through the services: the police desk checks and sends the request (outbox) → "
        "link → the center checks it on receipt and queues it → approval simulated at once "
        "→ snapshots read from the center's store, package built, signed, committed with the "
        "register rows → link → the police reassemble, verify and store it; SQLite both "
        "sides. Ratios against the bare link of the first table (same transport, same run); "
        "the service case crosses the link twice."
    )


def run_evidence_bench(
    *,
    pictures: int = 60,
    paced: int = 20,
    burst: int = 40,
    rate: float = 4.0,
    nats_url: str | None = None,
    quick: bool = False,
) -> BenchReport:
    """Run every case and return the report (the caller prints it)."""
    from safenet.sim.scenario_types import BackgroundSpec

    if quick:
        pictures, paced, burst = min(pictures, 20), min(paced, 5), min(burst, 8)
    key = SigningKey.generate()
    stored = _pictures(pictures)
    package_bytes = sum(len(j) for _, _, j in stored)
    demo_rate = BackgroundSpec().reads_per_s
    report = BenchReport(
        "evidence",
        parameters={
            "pictures_per_package": pictures,
            "package_kb": round(package_bytes / 1024, 1),
            "paced_packages": paced,
            "paced_rate_per_s": rate,
            "burst_packages": burst,
            "nats": nats_url or "private nats-server (fenced, sync_interval always)",
        },
    )
    table = report.table("approved request to verified package at the police")
    bare: dict[str, tuple[_Run, _Run]] = {}
    memory: dict[str, tuple[_Run, _Run]] = {}
    for kind in ("memory", "nats"):
        for mode in ("bare", "evidence"):
            steady, rush, parts = asyncio.run(
                _run_case(kind, mode, key, stored, paced, burst, rate, nats_url)
            )
            if mode == "bare":
                bare[kind] = (steady, rush)
            if kind == "memory":
                memory[mode] = (steady, rush)
            p50 = _percentile(steady.latencies_ms, 50)
            table.add(
                case=f"{kind} {'bare link' if mode == 'bare' else 'evidence'}",
                parts=parts,
                p50_ms=p50,
                p99_ms=_percentile(steady.latencies_ms, 99),
                packages_per_s=rush.rate,
                mb_per_s=rush.bytes_sent / rush.seconds / 1e6,
                p50_vs_bare=p50 / _percentile(bare[kind][0].latencies_ms, 50),
                rate_vs_bare=rush.rate / bare[kind][1].rate,
                p50_vs_memory=p50 / _percentile(memory[mode][0].latencies_ms, 50),
            )
    _service_table(report, stored, paced, burst, rate, nats_url, bare)
    report.note(
        f"each package: {pictures} stored JPEGs ({package_bytes / 1024:.0f} KB) of random "
        "plates drawn by the simulator's renderer before timing, in parts of 384 KiB"
    )
    report.note(
        "evidence: approval → build, sign, split → register rows + outbox in one SQLite "
        "transaction (synchronous=FULL) → relay → reassemble + verify at the police. bare "
        "link: the same parts, outbox commit → last part at the police."
    )
    report.note(
        f"p50/p99: {paced} packages paced at {rate:g}/s; packages/s and MB/s: a burst of "
        f"{burst}. Ratios compare with the bare link (same transport) and with the "
        "in-process link (same mode), measured in this same run."
    )
    _render_table(report, 60 if quick else 300, demo_rate)
    report.note(
        f"core_share_at_demo_rate: the share of one core rendering takes at the default "
        f"scenario's {demo_rate:g} reads/s (scenario background.reads_per_s)"
    )
    return report
