"""Helpers for the police tests: a movable clock, officers, message factories, a running police."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from safenet.auth import Principal, Role, sign_principal
from safenet.link import (
    Coordinates,
    Family,
    HitUpdate,
    HotlistAck,
    LocationReport,
    MemoryBroker,
    MemoryTransport,
    Message,
)
from safenet.police.app import build_app
from safenet.police.service import PoliceService
from safenet.police.settings import PoliceSettings
from safenet.police.types import VehicleDescription, WantedDraft
from safenet.store import Database, open_database

SECRET = b"police-test-secret-0123456789abcdef"
CENTERS = ["seocho", "gangnam"]
T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


REGISTRAR = Principal("kim.registrar", "Kim Registrar", frozenset({Role.REGISTRAR}))
REGISTRAR2 = Principal("park.registrar", "Park Registrar", frozenset({Role.REGISTRAR}))
APPROVER = Principal("lee.approver", "Lee Approver", frozenset({Role.APPROVER}))
BOTH = Principal("choi.both", "Choi Both", frozenset({Role.REGISTRAR, Role.APPROVER}))
DISPATCHER = Principal("jung.dispatch", "Jung Dispatch", frozenset({Role.DISPATCHER}))
SEOCHO_OFFICER = Principal(
    "han.field", "Han Field", frozenset({Role.FIELD_OFFICER}), frozenset({"seocho"})
)


def token(principal: Principal) -> str:
    """A signed, session-less access token of the police site for ``principal``."""
    return sign_principal(principal, SECRET, site="police")


def auth(principal: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(principal)}"}


def draft(**overrides: Any) -> WantedDraft:
    fields: dict[str, Any] = {
        "plate": "12가3456",
        "category": "kidnapping",
        "case_number": "2026-서초-000123",
        "reason": "child taken from a school gate; witness saw the car",
        "vehicle": VehicleDescription(make="현대", model="쏘나타", colour="흰색"),
    }
    fields.update(overrides)
    return WantedDraft(**fields)


def report(
    n: int,
    entry_id: str,
    *,
    site: str = "seocho",
    at: datetime = T0,
    lat: float = 37.4837,
    lon: float = 127.0324,
    level: str = "exact",
    heading: float | None = None,
    **overrides: Any,
) -> LocationReport:
    fields: dict[str, Any] = {
        "site": site,
        "hit_id": f"hit-{n}",
        "entry_id": entry_id,
        "hotlist_version": 2,
        "camera_id": f"cam-{n}",
        "coordinates": Coordinates(lat=lat, lon=lon),
        "address": "서울 서초구 반포대로 1",
        "heading": heading,
        "read_at": at,
        "plate_read": "12가3456",
        "level": level,
        "score": 1.0 if level == "exact" else 0.8,
        "explanation": f"{level} match",
        "read_confidence": 0.93,
        "snapshot_ref": f"snap-{n}",
        "decision": "alert" if level == "exact" else "candidate",
    }
    fields.update(overrides)
    return LocationReport(**fields)


def hit_update(
    n: int,
    decision: str,
    *,
    site: str = "seocho",
    at: datetime = T0,
    reason: str = "checked",
    operator_name: str | None = None,
) -> HitUpdate:
    return HitUpdate(
        site=site,
        hit_id=f"hit-{n}",
        decision=decision,  # type: ignore[arg-type]
        reason=reason,
        operator="op-1",
        decided_at=at,
        operator_name=operator_name,
    )


def ack(site: str, version: int, at: datetime = T0, count: int = 0) -> HotlistAck:
    return HotlistAck(site=site, version=version, entry_count=count, acked_at=at)


def settings(**overrides: Any) -> PoliceSettings:
    values: dict[str, Any] = {
        "centers": CENTERS,
        "expiry_sweep_s": 3600,
        "heartbeat_s": 3600,
        "resync_grace_s": 5,
        "camera_check": False,  # these tests send reports without a center announcing cameras
    }
    values.update(overrides)
    return PoliceSettings(**values)


@dataclass
class Police:
    """A started police service on an in-process link, with its clock and broker."""

    service: PoliceService
    app: FastAPI
    broker: MemoryBroker
    clock: Clock
    db: Database
    centers: dict[str, MemoryTransport] = field(default_factory=dict)

    async def center(self, site: str) -> MemoryTransport:
        if site not in self.centers:
            transport = MemoryTransport(self.broker, site)
            await transport.start()
            self.centers[site] = transport
        return self.centers[site]

    async def send(self, message: Message) -> None:
        """Publish as the message's center and wait until the police processed it."""
        transport = await self.center(message.sender)
        kind = type(message).__name__
        before = _processed(self.service, kind)
        await transport.publish(message)
        # Count this message's type only: an ack or heartbeat processed meanwhile must not
        # end the wait before this message is in.
        await wait_until(lambda: _processed(self.service, kind) > before)

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://police"
        )

    async def close(self) -> None:
        await self.service.stop()
        for t in self.centers.values():
            await t.close()
        await self.service.transport.close()
        self.db.dispose()


def _processed(service: PoliceService, kind: str) -> float:
    total = 0.0
    for metric in service.metrics.messages.collect():
        for sample in metric.samples:
            if sample.name.endswith("_total") and kind in sample.labels.values():
                total += sample.value
    return total


async def wait_until(predicate: Callable[[], bool], limit_s: float = 15.0) -> None:
    """Poll until ``predicate`` holds; ``limit_s`` is a hang guard, not a speed check
    (5 s was missed on 2 busy cores under pytest-xdist)."""
    deadline = asyncio.get_running_loop().time() + limit_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


async def start_police(url: str, clock: Clock | None = None, **overrides: Any) -> Police:
    clock = clock or Clock()
    broker = MemoryBroker()
    transport = MemoryTransport(broker, "police")
    await transport.start()
    db = open_database(url)
    service = PoliceService(settings(**overrides), db=db, transport=transport, clock=clock)
    app = build_app(service, token_secret=SECRET)
    await service.start()
    return Police(service, app, broker, clock, db)


async def center_hotlist(police: Police, site: str) -> list[Any]:
    """Everything the police have published for a center so far (drains its consumer)."""
    got: list[Any] = []

    async def handler(message: Message) -> None:
        got.append(message)

    transport = await police.center(site)
    await police.service.relay.drain_once()
    sub = await transport.subscribe_family(Family.HOTLIST, handler)
    await asyncio.sleep(0.05)
    await sub.stop()
    return got


class Server:
    """The police app served by uvicorn on a free local port (real HTTP)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        from tests.support.services import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_config=None,
                lifespan="off",
                timeout_graceful_shutdown=1,
            )
        )
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Server:
        self._task = asyncio.create_task(self._server.serve())
        await wait_until(lambda: self._server.started)
        return self

    async def __aexit__(self, *_: object) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


class SseReader:
    """Reads Server-Sent Events from a streaming httpx response, with a timeout per event."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    async def opened(self, limit_s: float = 5.0) -> None:
        """Wait for the stream's ``: connected`` comment (the subscription exists then)."""

        async def read() -> None:
            async for line in self._lines:
                if line == ": connected":
                    return
            raise AssertionError("stream ended")

        await asyncio.wait_for(read(), limit_s)

    async def next(self, limit_s: float = 5.0) -> dict[str, Any]:
        import json

        async def read() -> dict[str, Any]:
            event: dict[str, Any] = {}
            async for line in self._lines:
                if not line:
                    if "event" in event:
                        return event
                    event = {}
                    continue
                if line.startswith(":") or line.startswith("retry:"):
                    continue
                key, _, value = line.partition(": ")
                event[key] = json.loads(value) if key == "data" else value
            raise AssertionError("stream ended")

        return await asyncio.wait_for(read(), limit_s)
