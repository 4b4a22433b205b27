"""The evidence benchmark's service case: an officer's request to a verified package.

A real :class:`~safenet.police.service.PoliceService` and
:class:`~safenet.center.service.CenterService` (SQLite each) on the in-process link or
NATS JetStream. Timed per request: the police desk checks and stores the request and
puts it in the outbox → the link → the center checks it on receipt and queues it →
the operator's approval (simulated: approve all, at once) → the center reads the
stored snapshots, builds, signs, commits provision + register rows + outbox → the
link → the police reassemble, verify signature and every hash, and store the files.
The stored snapshots are the simulator's JPEGs, one camera, ``pictures`` of them, and
each request asks for that camera's time range (the video stand-in).
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from safenet.audit import SigningKey
from safenet.auth import Principal, Role
from safenet.bench.link import SITE, _link
from safenet.link import Family, Message

CAMERA = "cam-bench-1"
OPERATOR = Principal("op-bench", "관제요원", frozenset({Role.OPERATOR}), frozenset({SITE}))
OFFICER = Principal("officer-bench", "김민수", frozenset({Role.FIELD_OFFICER}))
REGISTRAR = Principal("reg-bench", "등록", frozenset({Role.REGISTRAR}))
APPROVER = Principal("app-bench", "승인", frozenset({Role.APPROVER}))


@dataclass
class ServiceRun:
    """One batch of requests: how long each took, and the whole batch."""

    requests: int
    seconds: float
    latencies_ms: list[float]
    bytes_received: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else float("nan")


def _seed_pictures(db: Any, pictures: list[tuple[str, datetime, bytes]]) -> None:
    from safenet.center.tables import reads, snapshots

    with db.begin() as conn:
        for read_id, at, jpeg in pictures:
            seq = conn.execute(
                reads.insert().values(
                    read_id=read_id,
                    camera_id=CAMERA,
                    read_at=at,
                    received_at=at,
                    plate="12가3456",
                    confidence=0.9,
                    has_snapshot=True,
                    is_hit=False,
                )
            ).inserted_primary_key[0]
            conn.execute(
                snapshots.insert().values(
                    read_seq=seq, jpeg=jpeg, sha256=hashlib.sha256(jpeg).hexdigest()
                )
            )


class _Bench:
    """The police and one center, wired for the benchmark."""

    def __init__(self, police: Any, center: Any, start: datetime, end: datetime) -> None:
        self.police = police
        self.center = center
        self.start = start
        self.end = end
        self.entry_id = ""
        self.loop = asyncio.get_running_loop()
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.lock = threading.Lock()
        police.evidence.on_event = self._on_event

    def _on_event(self, site: str, data: dict[str, Any]) -> None:
        arrived = time.perf_counter()
        with self.lock:
            future = self.waiting.get(str(data.get("request_id")))
        if future is not None:
            state = data.get("state")
            self.loop.call_soon_threadsafe(_settle, future, arrived, state)

    def form(self) -> Any:
        from safenet.police.evidence_desk import RequestForm

        return RequestForm(
            site=SITE,
            entry_id=self.entry_id,
            items=[
                {
                    "kind": "video",
                    "camera_id": CAMERA,
                    "time_from": self.start.isoformat(),
                    "time_to": self.end.isoformat(),
                }
            ],
            purpose="benchmark",
            legal_basis={"kind": "pipa_18_2", "item": 7},
            rank="경위",
            agency="서울서초경찰서",
        )

    async def one(self) -> tuple[float, str]:
        """Send one request; return (ms to the verified package, request id)."""
        started = time.perf_counter()
        ready: asyncio.Future[float] = self.loop.create_future()
        # The request id is made inside the desk: register the future under a
        # placeholder and move it once the id is known (answers cannot come sooner
        # than the outbox relay publishes the request, after the commit).
        view = await asyncio.to_thread(self.police.evidence.request, self.form(), OFFICER)
        rid = view["request_id"]
        with self.lock:
            self.waiting[rid] = ready
        current = await asyncio.to_thread(self.police.evidence.view, rid)
        if current["state"] != "sent" and not ready.done():
            ready.set_result(time.perf_counter())
        self.police.relay.notify()
        arrived = await asyncio.wait_for(ready, 120)
        return (arrived - started) * 1000, rid


def _settle(future: asyncio.Future[float], at: float, state: object) -> None:
    if future.done():
        return
    if state == "received":
        future.set_result(at)
    else:
        future.set_exception(RuntimeError(f"evidence request ended {state}, not received"))


async def _approve_at_once(center: Any) -> None:
    desk = center.evidence

    async def handler(message: Message) -> None:
        await desk.receive(message)
        rid = getattr(message, "request_id", None)
        if rid is not None:
            view = await desk.get(rid)
            if view["state"] == "pending":
                await desk.decide(rid, OPERATOR)
                center.relay.notify()

    center.feed.handlers[Family.EVIDENCE_REQUEST] = handler


async def run_service_case(
    kind: str,
    pictures: list[tuple[str, datetime, bytes]],
    paced: int,
    burst: int,
    rate: float,
    nats_url: str | None,
) -> tuple[ServiceRun, ServiceRun]:
    """(paced, burst) runs of requests through the services on one transport."""
    from safenet.center.service import CenterService
    from safenet.center.settings import CenterSettings
    from safenet.police.service import PoliceService
    from safenet.police.settings import PoliceSettings
    from safenet.police.types import VehicleDescription, WantedDraft
    from safenet.store import migrate, open_database

    now = datetime.now(UTC)
    shifted = [
        (rid, now - timedelta(minutes=30) + (at - pictures[0][1]), jpeg)
        for rid, at, jpeg in pictures
    ]
    start = shifted[0][1] - timedelta(seconds=1)
    end = shifted[-1][1] + timedelta(seconds=1)
    key = SigningKey.generate()
    with tempfile.TemporaryDirectory(prefix="safenet-bench-evidence-svc-") as tmp:
        workdir = Path(tmp)
        police_db = open_database(f"sqlite:///{workdir / 'police.db'}")
        center_db = open_database(f"sqlite:///{workdir / 'center.db'}")
        migrate(center_db, "center")
        _seed_pictures(center_db, shifted)
        try:
            async with _link(kind, workdir, nats_url) as (police_link, center_link):
                await police_link.start()
                police = PoliceService(
                    PoliceSettings(centers=[SITE], expiry_sweep_s=3600, heartbeat_s=3600),
                    db=police_db,
                    transport=police_link,
                    trusted_keys={SITE: [key.public_key_b64]},
                )
                center = CenterService(
                    CenterSettings(
                        site=SITE,
                        heartbeat_interval_s=0,
                        purge_interval_s=0,
                        relay_poll_interval_s=0.05,
                    ),
                    db=center_db,
                    transport=center_link,
                    signer=key,
                )
                await _approve_at_once(center)
                police.relay.poll_interval_s = 0.05
                await police.start()
                await center.start()
                try:
                    bench = _Bench(police, center, start, end)
                    entry = await police.actions.register(
                        WantedDraft(
                            plate="12가3456",
                            category="kidnapping",
                            case_number="2026-bench-1",
                            reason="benchmark",
                            vehicle=VehicleDescription(make="현대", model="쏘나타", colour="흰색"),
                        ),
                        REGISTRAR,
                    )
                    outcome = await police.actions.approve(entry.entry_id, APPROVER)
                    bench.entry_id = entry.entry_id
                    version = outcome.change.version if outcome.change else 1
                    await _until(lambda: center.hotlist.version >= version, 30)
                    await bench.one()  # warm: the first request pays the imports
                    steady = await _paced(bench, paced, rate)
                    rush = await _burst(bench, burst)
                finally:
                    await center.stop()
                    await police.stop()
        finally:
            police_db.dispose()
            center_db.dispose()
    body = sum(len(j) for _, _, j in pictures)
    steady.bytes_received = body * steady.requests
    rush.bytes_received = body * rush.requests
    return steady, rush


async def _until(predicate: Callable[[], bool], within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("the center did not receive the hotlist in time")
        await asyncio.sleep(0.02)


async def _paced(bench: _Bench, count: int, rate: float) -> ServiceRun:
    latencies = []
    t0 = time.perf_counter()
    for i in range(count):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        ms, _ = await bench.one()
        latencies.append(ms)
    return ServiceRun(count, time.perf_counter() - t0, latencies, 0)


async def _burst(bench: _Bench, count: int) -> ServiceRun:
    t0 = time.perf_counter()
    results = await asyncio.gather(*(bench.one() for _ in range(count)))
    return ServiceRun(count, time.perf_counter() - t0, [ms for ms, _ in results], 0)
