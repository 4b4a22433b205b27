"""Fixtures for the center service tests: a center on a real database, the police beside it.

``center_env`` runs a :class:`CenterService` on the ``db_url`` database (SQLite and
PostgreSQL) with the in-process link, a police transport that provisions the link and
records what arrives, the HTTP API through httpx's ASGI transport, and a clock the
test moves.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from safenet.auth import Principal, Role, sign_principal
from safenet.auth.tokens import kind_for
from safenet.center.app import build_app
from safenet.center.registry import import_camera_file
from safenet.center.service import CenterService
from safenet.center.settings import CenterSettings
from safenet.link import (
    Family,
    HotlistDelta,
    HotlistEntry,
    HotlistSnapshot,
    MemoryBroker,
    MemoryTransport,
)
from safenet.link.messages import LinkMessage
from safenet.store import open_database

SITE = "seocho"
SECRET = b"center-test-secret-0123456789abcdef0123"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"

# Six LPR cameras in Seocho-gu, the last one 300 km away (Busan) for impossible journeys.
CAMERAS: list[dict[str, Any]] = [
    {"camera_id": "SC-01", "lat": 37.4837, "lon": 127.0324, "heading": 90, "name": "서초역"},
    {"camera_id": "SC-02", "lat": 37.4920, "lon": 127.0119, "heading": 180, "name": "교대역"},
    {"camera_id": "SC-03", "lat": 37.5045, "lon": 127.0050, "heading": 0, "name": "고속터미널"},
    {"camera_id": "SC-04", "lat": 37.4772, "lon": 127.0470, "heading": 270, "name": "양재역"},
    {"camera_id": "SC-05", "lat": 37.4850, "lon": 127.0330, "heading": None, "name": "서초3동"},
    {"camera_id": "FAR-01", "lat": 35.1796, "lon": 129.0756, "heading": 45, "name": "부산역"},
]


class Clock:
    """A clock the test moves; starts at the real time so reads are within retention."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def token(*roles: Role, subject: str | None = None, site: str = SITE, audience: str = SITE) -> str:
    """A signed token for ``audience`` (a center), scoped to ``site``: a camera is ``SC-01``
    unless named. A scope other than the audience is the insider's token of the matrix."""
    granted = frozenset(roles)
    who = subject or ("SC-01" if Role.CAMERA in granted else "op-1")
    principal = Principal(
        subject=who,
        name=f"tester {who}",
        roles=granted,
        sites=frozenset({site}),
        kind=kind_for(granted),
    )
    return sign_principal(principal, SECRET, site=audience)


def auth(
    *roles: Role, subject: str | None = None, site: str = SITE, audience: str = SITE
) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token(*roles, subject=subject, site=site, audience=audience)}"
    }


def entry(entry_id: str, plate: str, **kw: Any) -> HotlistEntry:
    fields: dict[str, Any] = {
        "entry_id": entry_id,
        "plate": plate,
        "category": "robbery",
        "expires_at": datetime.now(UTC) + timedelta(days=2),
        "vehicle": "grey Hyundai Sonata",
    }
    fields.update(kw)
    return HotlistEntry(**fields)


def read(
    read_id: str, plate: str, at: datetime, camera: str = "SC-01", **kw: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": read_id,
        "camera_id": camera,
        "ts": at.isoformat(),
        "plate": plate,
        "confidence": 0.95,
    }
    body.update(kw)
    return body


def snapshot_b64() -> str:
    return base64.b64encode(JPEG).decode()


@dataclass
class Police:
    """What the police side received over the link, by message type."""

    messages: list[LinkMessage] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, message: Any) -> None:
        self.messages.append(message)
        self.changed.set()

    def of(self, kind: str) -> list[Any]:
        return [m for m in self.messages if type(m).__name__ == kind]

    async def wait_for(self, kind: str, n: int = 1, within_s: float = 10.0) -> list[Any]:
        deadline = asyncio.get_running_loop().time() + within_s
        while len(self.of(kind)) < n:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"{len(self.of(kind))} {kind} arrived, expected {n}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(left, 0.1))
        return self.of(kind)


@dataclass
class CenterEnv:
    """A running center with its police counterpart and an HTTP client."""

    service: CenterService
    app: FastAPI
    broker: MemoryBroker
    police_transport: MemoryTransport
    police: Police
    client: httpx.AsyncClient
    clock: Clock
    version: int = 0

    async def post(self, reads: list[dict[str, Any]], **kw: Any) -> httpx.Response:
        """POST reads; by default each camera's reads with that camera's own token.

        A camera credential is bound to its camera, so a batch of several cameras goes
        as one request per camera; the answers are merged, indexes as in ``reads``.
        """
        if "headers" in kw:
            return await self.client.post(
                "/api/v1/reads", json={"reads": reads}, headers=kw["headers"]
            )
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(reads):
            groups.setdefault(str(r.get("camera_id", "SC-01")), []).append(i)
        if len(groups) <= 1:
            camera = next(iter(groups), "SC-01")
            return await self.client.post(
                "/api/v1/reads", json={"reads": reads}, headers=auth(Role.CAMERA, subject=camera)
            )
        merged: dict[str, list[Any]] = {"accepted": [], "duplicates": [], "rejected": []}
        for camera, indexes in groups.items():
            response = await self.client.post(
                "/api/v1/reads",
                json={"reads": [reads[i] for i in indexes]},
                headers=auth(Role.CAMERA, subject=camera),
            )
            if response.status_code != 200:
                return response
            body = response.json()
            merged["accepted"] += body["accepted"]
            merged["duplicates"] += body["duplicates"]
            merged["rejected"] += [{**r, "index": indexes[r["index"]]} for r in body["rejected"]]
        merged["rejected"].sort(key=lambda r: r["index"])
        order = {str(r.get("id")): i for i, r in enumerate(reads)}
        merged["accepted"].sort(key=lambda x: order.get(x, 0))
        merged["duplicates"].sort(key=lambda x: order.get(x, 0))
        return httpx.Response(200, json=merged)

    async def snapshot(self, entries: list[HotlistEntry], **kw: Any) -> int:
        self.version += 1
        message = HotlistSnapshot(
            target="all", version=self.version, issued_at=self.clock(), entries=entries, **kw
        )
        await self.police_transport.publish(message)
        await self.wait_version(self.version)
        return self.version

    async def delta(
        self,
        added: list[HotlistEntry] = (),
        removed: list[str] = (),  # type: ignore[assignment]
        base: int | None = None,
        wait: bool = True,
    ) -> int:
        base_version = self.version if base is None else base
        self.version = max(self.version, base_version) + 1
        message = HotlistDelta(
            target="all",
            version=self.version,
            base_version=base_version,
            issued_at=self.clock(),
            added=list(added),
            removed=list(removed),
        )
        await self.police_transport.publish(message)
        if wait:
            await self.wait_version(self.version)
        return self.version

    async def wait_version(self, version: int, within_s: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + within_s
        while self.service.hotlist.version != version:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"center at hotlist version {self.service.hotlist.version}, expected {version}"
                )
            await asyncio.sleep(0.02)

    async def reports(self, n: int = 1, within_s: float = 10.0) -> list[Any]:
        return await self.police.wait_for("LocationReport", n, within_s)

    async def settle(self, seconds: float = 0.3) -> None:
        """Give the relay time to deliver anything (for "nothing more arrived" checks)."""
        self.service.relay.notify()
        await asyncio.sleep(seconds)


def write_cameras(folder: Path) -> Path:
    path = folder / "lpr_cameras.json"
    path.write_text(json.dumps(CAMERAS, ensure_ascii=False), encoding="utf-8")
    return path


def center_settings(**overrides: Any) -> CenterSettings:
    values: dict[str, Any] = {
        "site": SITE,
        "heartbeat_interval_s": 0,
        "purge_interval_s": 0,
        "relay_poll_interval_s": 0.05,
        "pipeline_max_wait_ms": 0,
    }
    values.update(overrides)
    return CenterSettings(**values)


@contextlib.asynccontextmanager
async def running_center(
    db_url: str,
    tmp_path: Path,
    *,
    settings: CenterSettings | None = None,
    broker: MemoryBroker | None = None,
    clock: Clock | None = None,
) -> AsyncIterator[CenterEnv]:
    from safenet.store import migrate

    db = open_database(db_url)
    migrate(db, "center")
    import_camera_file(db, write_cameras(tmp_path))
    broker = broker or MemoryBroker()
    police_transport = MemoryTransport(broker, "police")
    await police_transport.provision([SITE])
    police = Police()
    for family in (Family.REPORT, Family.UPDATE, Family.ACK, Family.HEARTBEAT):
        await police_transport.subscribe_family(family, police)
    clock = clock or Clock()
    service = CenterService(
        settings or center_settings(),
        db=db,
        transport=MemoryTransport(broker, SITE),
        clock=clock,
    )
    app = build_app(service, token_secret=SECRET)
    await service.start()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://center")
    env = CenterEnv(service, app, broker, police_transport, police, client, clock)
    try:
        yield env
    finally:
        await client.aclose()
        await service.stop()
        await service.transport.close()
        await police_transport.close()
        db.dispose()


@pytest.fixture
async def center(db_url: str, tmp_path: Path) -> AsyncIterator[CenterEnv]:
    async with running_center(db_url, tmp_path) as env:
        yield env


@pytest.fixture
async def sqlite_center(sqlite_url: str, tmp_path: Path) -> AsyncIterator[CenterEnv]:
    async with running_center(sqlite_url, tmp_path) as env:
        yield env


CenterFactory = Callable[..., contextlib.AbstractAsyncContextManager[CenterEnv]]
