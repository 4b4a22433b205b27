"""``safenet bench police``: how fast the police side takes hits in and how fast a cancel spreads.

Three measurements, each against its baseline in the same process (the machine is
shared, so the ratios are the figures to compare):

- **intake rate**: LocationReports per second stored, put on their track and alerted,
  against the bare in-process link delivering the same messages to a handler that
  does nothing, and to one that only records the message id (the inbox, one commit).
- **intake-to-SSE latency**: from a center publishing a LocationReport to an officer's
  SSE client (real HTTP) holding the alert, p50/p99, against the bare link's
  publish-to-handler latency.
- **cancel to last acknowledgement**: from a cancel (HTTP) to the police recording the
  last center's HotlistAck of the new version (simulated centers apply each delta and
  acknowledge it), and to the last center applying it; against a bare link round trip
  (a delta published straight to the centers, acks straight back).
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from safenet.bench.report import BenchReport
from safenet.link import (
    ALL_CENTERS,
    Coordinates,
    Family,
    HotlistAck,
    HotlistDelta,
    HotlistSnapshot,
    LocationReport,
    MemoryBroker,
    MemoryTransport,
    Message,
    inbox,
)
from safenet.link.cameras import registry_messages
from safenet.link.messages import CameraAnnouncement

BASE_TIME = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)


def _report(n: int, entry_id: str, site: str = "bench-a") -> LocationReport:
    # Hits a minute apart at one junction: a plausible track, no flags.
    return LocationReport(
        site=site,
        hit_id=f"h{n}",
        entry_id=entry_id,
        hotlist_version=2,
        camera_id=f"cam-{n % 50}",
        coordinates=Coordinates(lat=37.4837 + (n % 3) * 0.0005, lon=127.0324),
        address="서울 서초구 반포대로 1",
        heading=90.0,
        read_at=BASE_TIME + timedelta(seconds=60 * n),
        plate_read="12가3456",
        level="exact",
        score=1.0,
        explanation="exact plate match",
        read_confidence=0.95,
        decision="alert",
    )


def _cameras() -> list[CameraAnnouncement]:
    """The bench centers' cameras, where :func:`_report` puts its hits."""
    return [
        CameraAnnouncement(camera_id=f"cam-{i}", coordinates=Coordinates(lat=37.4842, lon=127.0324))
        for i in range(50)
    ]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def _until(predicate: Callable[[], bool], limit_s: float, step: float = 0.001) -> None:
    deadline = time.perf_counter() + limit_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark condition not reached in time")
        await asyncio.sleep(step)


# -- baselines: the bare in-process link -----------------------------------------------------


async def _link_rate(
    count: int, handler_factory: Callable[[], Callable[[Message], Awaitable[None]]]
) -> float:
    broker = MemoryBroker()
    police = MemoryTransport(broker, "police")
    center = MemoryTransport(broker, "bench-a")
    await police.provision(["bench-a"])
    done = 0
    inner = handler_factory()

    async def handler(message: Message) -> None:
        nonlocal done
        await inner(message)
        done += 1

    sub = await police.subscribe_family(Family.REPORT, handler)
    messages = [_report(n, "W-base") for n in range(count)]
    started = time.perf_counter()
    for m in messages:
        await center.publish(m)
    await _until(lambda: done >= count, 120)
    elapsed = time.perf_counter() - started
    await sub.stop()
    await police.close()
    await center.close()
    return count / elapsed


async def _link_latency(samples: int) -> list[float]:
    broker = MemoryBroker()
    police = MemoryTransport(broker, "police")
    center = MemoryTransport(broker, "bench-a")
    await police.provision(["bench-a"])
    arrived: dict[str, float] = {}

    async def handler(message: Message) -> None:
        arrived[message.message_id] = time.perf_counter()

    sub = await police.subscribe_family(Family.REPORT, handler)
    latencies = []
    for n in range(samples):
        m = _report(n, "W-base")
        sent = time.perf_counter()
        await center.publish(m)
        await _until(lambda m=m: m.message_id in arrived, 10)  # type: ignore[misc]
        latencies.append(arrived[m.message_id] - sent)
    await sub.stop()
    await police.close()
    await center.close()
    return latencies


async def _link_round_trip(centers: list[str], samples: int) -> list[float]:
    broker = MemoryBroker()
    police = MemoryTransport(broker, "police")
    await police.provision(centers)
    transports = [MemoryTransport(broker, c) for c in centers]
    acked: dict[int, set[str]] = {}
    subs = []
    for t in transports:

        async def on_hotlist(message: Message, t: MemoryTransport = t) -> None:
            version = message.version  # type: ignore[union-attr]
            await t.publish(
                HotlistAck(site=t.site, version=version, entry_count=0, acked_at=datetime.now(UTC))
            )

        subs.append(await t.subscribe_family(Family.HOTLIST, on_hotlist))

    async def on_ack(message: Message) -> None:
        assert isinstance(message, HotlistAck)
        acked.setdefault(message.version, set()).add(message.site)

    subs.append(await police.subscribe_family(Family.ACK, on_ack))
    times = []
    for version in range(1, samples + 1):
        started = time.perf_counter()
        await police.publish(
            HotlistDelta(
                target=ALL_CENTERS,
                version=version,
                base_version=version - 1,
                issued_at=datetime.now(UTC),
                removed=["W-x"],
            )
        )
        await _until(lambda v=version: len(acked.get(v, ())) == len(centers), 10)  # type: ignore[misc]
        times.append(time.perf_counter() - started)
    for sub in subs:
        await sub.stop()
    for t in [police, *transports]:
        await t.close()
    return times


# -- simulated centers -------------------------------------------------------------------------


@dataclass
class _StubCenter:
    """A center that applies hotlist messages to a dict and acknowledges each version."""

    transport: MemoryTransport
    entries: set[str] = field(default_factory=set)
    version: int = 0
    applied_at: dict[int, float] = field(default_factory=dict)
    acks_sent: int = 0

    async def on_hotlist(self, message: Message) -> None:
        if isinstance(message, HotlistSnapshot):
            self.entries = {e.entry_id for e in message.entries}
        elif isinstance(message, HotlistDelta):
            self.entries -= set(message.removed)
            self.entries |= {e.entry_id for e in message.added}
        else:
            return
        self.version = message.version
        self.applied_at[message.version] = time.perf_counter()
        self.acks_sent += 1
        await self.transport.publish(
            HotlistAck(
                site=self.transport.site,
                version=message.version,
                entry_count=len(self.entries),
                acked_at=datetime.now(UTC),
            )
        )


# -- the police service --------------------------------------------------------------------------


async def _police_bench(
    reports: int,
    samples: int,
    n_centers: int,
    cancels: int,
    database: str | None,
) -> dict[str, Any]:
    import httpx
    import uvicorn

    from safenet.auth import Principal, Role, sign_principal
    from safenet.police.app import build_app
    from safenet.police.service import PoliceService
    from safenet.police.settings import PoliceSettings
    from safenet.police.types import VehicleDescription, WantedDraft
    from safenet.store import open_database

    centers = [f"bench-{chr(ord('a') + i)}" if i < 26 else f"bench-{i}" for i in range(n_centers)]
    tmp = tempfile.TemporaryDirectory(prefix="safenet-bench-police-")
    url = database or f"sqlite:///{Path(tmp.name) / 'police.db'}"
    db = open_database(url)
    broker = MemoryBroker()
    link = MemoryTransport(broker, "police")
    secret = secrets.token_bytes(32)
    settings = PoliceSettings(
        centers=centers,
        expiry_sweep_s=3600,
        heartbeat_s=3600,
        resync_grace_s=3600,
        sse_queue_size=max(256, reports * 4),
    )
    service = PoliceService(settings, db=db, transport=link)
    app = build_app(service, token_secret=secret)
    await service.start()
    stubs = [_StubCenter(MemoryTransport(broker, c)) for c in centers]
    subs = [await s.transport.subscribe_family(Family.HOTLIST, s.on_hotlist) for s in stubs]
    # Each center announces its cameras first: the police check every report against them.
    for stub in stubs:
        for part in registry_messages(stub.transport.site, 1, _cameras(), BASE_TIME):
            await stub.transport.publish(part)
    directory = service.safeguards.cameras.directory
    await _until(lambda: all(directory().announced(c) for c in centers), 10)

    registrar = Principal("bench.registrar", "Bench Registrar", frozenset({Role.REGISTRAR}))
    approver = Principal("bench.approver", "Bench Approver", frozenset({Role.APPROVER}))
    dispatcher = Principal("bench.dispatch", "Bench Dispatch", frozenset({Role.DISPATCHER}))

    async def active_entry(n: int) -> str:
        entry = await service.actions.register(
            WantedDraft(
                plate=f"{10 + n % 89}가{1000 + n}",
                category="robbery",
                case_number=f"BENCH-{n:06d}",
                reason="benchmark",
                vehicle=VehicleDescription(colour="white"),
            ),
            registrar,
        )
        await service.actions.approve(entry.entry_id, approver)
        return entry.entry_id

    def processed(kind: str) -> float:
        value = service.metrics.registry.get_sample_value(
            "safenet_police_link_messages_total", {"type": kind, "outcome": "new"}
        )
        return value or 0.0

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_config=None,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
    )
    server_task = asyncio.create_task(server.serve())
    results: dict[str, Any] = {}
    try:
        await _until(lambda: server.started, 10)
        entry_id = await active_entry(0)
        sender = stubs[0].transport

        # 1. intake rate
        messages = [_report(n, entry_id, sender.site) for n in range(reports)]
        before = processed("LocationReport")
        started = time.perf_counter()
        for m in messages:
            await sender.publish(m)
        await _until(lambda: processed("LocationReport") - before >= reports, 600, 0.005)
        results["intake_rate"] = reports / (time.perf_counter() - started)

        # 2. intake-to-SSE latency, over real HTTP
        token = sign_principal(dispatcher, secret, site="police")
        latencies: list[float] = []
        async with (
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http,
            http.stream(
                "GET", "/api/v1/alerts/stream", headers={"Authorization": f"Bearer {token}"}
            ) as response,
        ):
            lines = response.aiter_lines()
            await _wait_for_line(lines, ": connected")
            for n in range(reports, reports + samples):
                m = _report(n, entry_id, sender.site)
                sent = time.perf_counter()
                await sender.publish(m)
                await _wait_for_hit(lines, f'"hit_id":"{m.hit_id}"')
                latencies.append(time.perf_counter() - sent)
        results["sse"] = latencies

        # 3. cancel to the last center's acknowledgement
        to_ack: list[float] = []
        to_apply: list[float] = []
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            timeout=30,
            headers={"Authorization": f"Bearer {sign_principal(registrar, secret, site='police')}"},
        ) as http:
            for n in range(cancels):
                target = await active_entry(n + 1)

                current = service.metrics.registry.get_sample_value(
                    "safenet_police_hotlist_version"
                )

                def settled(current: float | None = current) -> bool:
                    # Every center is at the current version and the police recorded its ack.
                    return all(s.version >= (current or 0) for s in stubs) and processed(
                        "HotlistAck"
                    ) >= sum(s.acks_sent for s in stubs)

                await _until(settled, 30)
                acks_before = processed("HotlistAck")
                started = time.perf_counter()
                response = await http.post(
                    f"/api/v1/wanted/{target}/cancel", json={"reason": "benchmark"}
                )
                response.raise_for_status()
                new_version = int(response.json()["hotlist_version"])
                await _until(
                    lambda n=acks_before + len(stubs): processed("HotlistAck") >= n,  # type: ignore[misc]
                    30,
                )
                to_ack.append(time.perf_counter() - started)
                to_apply.append(max(s.applied_at[new_version] for s in stubs) - started)
                if any(target in s.entries for s in stubs):
                    raise RuntimeError(f"a center still matches cancelled entry {target}")
        results["cancel_ack"] = to_ack
        results["cancel_apply"] = to_apply
    finally:
        server.should_exit = True
        await server_task
        for sub in subs:
            await sub.stop()
        for s in stubs:
            await s.transport.close()
        await service.stop()
        await link.close()
        db.dispose()
        tmp.cleanup()
    return results


async def _wait_for_hit(lines: Any, needle: str) -> None:
    async def read() -> None:
        async for line in lines:
            if line.startswith("data:") and needle in line:
                return
        raise RuntimeError("the alert stream ended")

    await asyncio.wait_for(read(), 30)


async def _wait_for_line(lines: Any, wanted: str) -> None:
    async def read() -> None:
        async for line in lines:
            if line == wanted:
                return
        raise RuntimeError("the alert stream ended")

    await asyncio.wait_for(read(), 30)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _inbox_handler_factory(tmp: str) -> Callable[[], Callable[[Message], Awaitable[None]]]:
    from safenet.store import migrate, open_database

    db = open_database(f"sqlite:///{Path(tmp) / 'inbox.db'}")
    await asyncio.to_thread(migrate, db, "police")

    def factory() -> Callable[[Message], Awaitable[None]]:
        async def handler(message: Message) -> None:
            def store() -> None:
                with db.begin() as conn:
                    inbox.first_receipt(conn, message)

            await asyncio.to_thread(store)

        return handler

    return factory


async def _run(
    reports: int,
    samples: int,
    centers: int,
    cancels: int,
    database: str | None,
    report: BenchReport,
) -> None:
    async def nothing(_: Message) -> None:
        return None

    link_rate = await _link_rate(reports, lambda: nothing)
    with tempfile.TemporaryDirectory(prefix="safenet-bench-inbox-") as tmp:
        inbox_rate = await _link_rate(reports, await _inbox_handler_factory(tmp))
    link_lat = await _link_latency(samples)
    round_trip = await _link_round_trip([f"base-{i}" for i in range(centers)], cancels)
    police = await _police_bench(reports, samples, centers, cancels, database)

    rate = report.table("intake rate (LocationReports/s)")
    rate.add(
        case="police intake (store, track, alert)",
        per_s=police["intake_rate"],
        ratio_to_link=police["intake_rate"] / link_rate,
    )
    rate.add(
        case="baseline: inbox only (one commit per message)",
        per_s=inbox_rate,
        ratio_to_link=inbox_rate / link_rate,
    )
    rate.add(case="baseline: bare link, no-op handler", per_s=link_rate, ratio_to_link=1.0)

    lat = report.table("intake-to-SSE latency (ms)")
    sse = police["sse"]
    lat.add(
        case="police: link -> intake -> SSE client (HTTP)",
        n=len(sse),
        p50_ms=_quantile(sse, 0.5) * 1000,
        p99_ms=_quantile(sse, 0.99) * 1000,
        max_ms=max(sse) * 1000,
        p50_ratio=_quantile(sse, 0.5) / max(_quantile(link_lat, 0.5), 1e-9),
    )
    lat.add(
        case="baseline: bare link publish -> handler",
        n=len(link_lat),
        p50_ms=_quantile(link_lat, 0.5) * 1000,
        p99_ms=_quantile(link_lat, 0.99) * 1000,
        max_ms=max(link_lat) * 1000,
        p50_ratio=1.0,
    )

    cancel = report.table(f"cancel -> every center ({centers} centers, ms)")
    for name, values in (
        ("police: cancel (HTTP) -> last center's ack recorded", police["cancel_ack"]),
        ("police: cancel (HTTP) -> last center stopped matching", police["cancel_apply"]),
        ("baseline: bare link delta -> last ack", round_trip),
    ):
        cancel.add(
            case=name,
            n=len(values),
            p50_ms=_quantile(values, 0.5) * 1000,
            max_ms=max(values) * 1000,
            p50_ratio=_quantile(values, 0.5) / max(_quantile(round_trip, 0.5), 1e-9),
        )
    report.note(
        "SQLite (synchronous=FULL) in a temporary directory unless --database is given; "
        "one process, the in-process link."
    )
    report.note(
        "An entry cancelled at the police must stop matching at every connected center "
        "within seconds: compare the 'stopped matching' max with that target."
    )


def run_police_bench(
    *,
    reports: int,
    latency_samples: int,
    centers: int,
    cancels: int,
    database: str | None = None,
    quick: bool = False,
) -> BenchReport:
    """Run the whole benchmark and return its report."""
    import logging

    # Per-message info lines would be measured too; quiet them for this run only.
    quiet = logging.getLogger("safenet")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    report = BenchReport(
        "police",
        parameters={
            "reports": reports,
            "latency_samples": latency_samples,
            "centers": centers,
            "cancels": cancels,
            "database": database or "sqlite (temp)",
            "quick": quick,
        },
    )
    try:
        asyncio.run(_run(reports, latency_samples, centers, cancels, database, report))
    finally:
        quiet.setLevel(level)
    return report
