"""A whole installation for the browser tests: police and centers served over real HTTP.

One :class:`MemoryBroker` links a real :class:`PoliceService` and real
:class:`CenterService` instances (SQLite files under the test's tmp_path), each app
served by uvicorn on a free local port in the test's event loop, with its console
mounted. Officers and operators get tokens signed by their own side's secret.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from safenet.auth import Principal, PrincipalKind, Role, sign_principal
from safenet.auth.settings import AuthSettings
from safenet.center.app import build_app as build_center_app
from safenet.center.registry import import_camera_file
from safenet.center.service import CenterService
from safenet.center.settings import CenterSettings
from safenet.link import MemoryBroker, MemoryTransport
from safenet.police.app import build_app as build_police_app
from safenet.police.service import PoliceService
from safenet.police.settings import PoliceSettings
from safenet.roads.atlas import load_atlas
from safenet.store import migrate, open_database
from safenet.web import WebSettings
from tests.support.services import free_port

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT.parent / "shared" / "data"
VAR_DIR = ROOT / "var" / "test-web" / os.environ.get("PYTEST_XDIST_WORKER", "main")
"""Derived files the consoles build once and keep (the offline basemap, compact road copies).

One directory per pytest-xdist worker: the basemap route rewrites its index (not
atomically) on each app's first request, which another worker may be reading then."""
POLICE_SECRET = b"web-test-police-secret-0123456789abcdef"
CENTER_SECRETS = {
    "seocho": b"web-test-seocho-secret-0123456789abcdef",
    "gangnam": b"web-test-gangnam-secret-0123456789abcdef",
}

HOSTILE_ADDRESS = '서초대로 <img src="x" data-injected="1" onerror="window.__injected=1">'

# LPR cameras of each center (the second Seocho one is 3.4 km from the first: a hit
# there seconds after one at SC-01 is an impossible journey).
CAMERAS: dict[str, list[dict[str, Any]]] = {
    "seocho": [
        {"camera_id": "SC-01", "lat": 37.4837, "lon": 127.0324, "heading": 90, "name": "서초역"},
        {"camera_id": "SC-02", "lat": 37.4920, "lon": 127.0119, "heading": 180, "name": "교대역"},
        {"camera_id": "SC-03", "lat": 37.5045, "lon": 127.0050, "heading": 0, "name": "고속터미널"},
        {"camera_id": "SC-04", "lat": 37.4772, "lon": 127.0470, "heading": 270, "name": "양재역"},
        # An address with markup, which the consoles must show as text (never as HTML).
        {
            "camera_id": "SC-05",
            "lat": 37.4850,
            "lon": 127.0330,
            "heading": 90,
            "name": "서초역 북측",
            "address": HOSTILE_ADDRESS,
        },
    ],
    "gangnam": [
        {"camera_id": "GN-01", "lat": 37.4979, "lon": 127.0276, "heading": 0, "name": "강남역"},
        {"camera_id": "GN-02", "lat": 37.5087, "lon": 127.0632, "heading": 90, "name": "삼성역"},
    ],
}

DISPATCHER = Principal("jung.dispatch", "정상황", frozenset({Role.DISPATCHER}))
FIELD_OFFICER = Principal("han.field", "한현장", frozenset({Role.FIELD_OFFICER}))
REGISTRAR = Principal("kim.registrar", "김등록", frozenset({Role.REGISTRAR}))
REGISTRAR_APPROVER = Principal("choi.both", "최겸임", frozenset({Role.REGISTRAR, Role.APPROVER}))
APPROVER = Principal("lee.approver", "이승인", frozenset({Role.APPROVER}))


def camera(camera_id: str, site: str) -> Principal:
    """A camera's own identity: a center refuses its reads of any other camera."""
    return Principal(
        camera_id,
        f"camera {camera_id}",
        frozenset({Role.CAMERA}),
        frozenset({site}),
        kind=PrincipalKind.CAMERA,
    )


WEB = WebSettings(center_refresh_s=0.5)


def operator(site: str) -> Principal:
    return Principal(
        f"op.{site}", f"{site} 관제요원", frozenset({Role.OPERATOR}), frozenset({site})
    )


@dataclass
class Center:
    """One running center: its service, its URL and its database."""

    site: str
    service: CenterService
    url: str
    secret: bytes

    def token(self, principal: Principal) -> str:
        return sign_principal(principal, self.secret, site=self.site)

    def console(self, principal: Principal, page: str = "") -> str:
        return f"{self.url}/console/{page}#token={self.token(principal)}"


@dataclass
class Stack:
    """Police plus centers on one in-process link, each on its own HTTP port."""

    police: PoliceService
    police_url: str
    centers: dict[str, Center]
    broker: MemoryBroker
    client: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=10))

    def police_token(self, principal: Principal) -> str:
        return sign_principal(principal, POLICE_SECRET, site="police")

    def police_console(self, principal: Principal, page: str = "") -> str:
        return f"{self.police_url}/console/{page}#token={self.police_token(principal)}"

    def police_auth(self, principal: Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.police_token(principal)}"}

    async def police_api(
        self, method: str, path: str, principal: Principal, body: Any = None
    ) -> Any:
        response = await self.client.request(
            method,
            f"{self.police_url}/api/v1{path}",
            json=body,
            headers=self.police_auth(principal),
        )
        response.raise_for_status()
        return response.json()

    async def wanted(self, plate: str, category: str = "kidnapping", **extra: Any) -> str:
        """Register and approve an entry through the police API; wait until every center has it."""
        draft = {
            "plate": plate,
            "category": category,
            "case_number": extra.pop("case_number", "2026-서초-000123"),
            "reason": extra.pop("reason", "child taken from a school gate; witness saw the car"),
            "vehicle": extra.pop("vehicle", {"make": "현대", "model": "쏘나타", "colour": "흰색"}),
            **extra,
        }
        entry = await self.police_api("POST", "/wanted", REGISTRAR, draft)
        approved = await self.police_api("POST", f"/wanted/{entry['entry_id']}/approve", APPROVER)
        await self.centers_at(int(approved["hotlist_version"]))
        return str(entry["entry_id"])

    async def centers_at(self, version: int, within_s: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + within_s
        for center in self.centers.values():
            while center.service.hotlist.version < version:
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(
                        f"center {center.site} at hotlist version "
                        f"{center.service.hotlist.version}, expected {version}"
                    )
                await asyncio.sleep(0.02)

    async def post_reads(self, site: str, reads: list[dict[str, Any]]) -> dict[str, Any]:
        center = self.centers[site]
        body: dict[str, Any] = {"accepted": [], "duplicates": [], "rejected": []}
        for camera_id in dict.fromkeys(str(r["camera_id"]) for r in reads):
            response = await self.client.post(
                f"{center.url}/api/v1/reads",
                json={"reads": [r for r in reads if r["camera_id"] == camera_id]},
                headers={"Authorization": f"Bearer {center.token(camera(camera_id, site))}"},
            )
            response.raise_for_status()
            for key in body:
                body[key] += response.json()[key]
        assert body["accepted"], body
        return body


def read(
    read_id: str,
    plate: str,
    camera: str,
    *,
    ago_s: float = 0.0,
    snapshot_jpeg: bytes | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A camera read in the ingest format, ``ago_s`` seconds in the past."""
    at = datetime.now(UTC) - timedelta(seconds=ago_s)
    body: dict[str, Any] = {
        "id": read_id,
        "camera_id": camera,
        "ts": at.isoformat(),
        "plate": plate,
        "confidence": 0.93,
        "vehicle": {"colour": "흰색", "type": "승용차"},
        **extra,
    }
    if snapshot_jpeg is not None:
        body["snapshot_jpeg"] = base64.b64encode(snapshot_jpeg).decode()
    return body


class Served:
    """An app served by uvicorn on a free local port, in the running event loop."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_config=None,
                access_log=False,
                lifespan="off",
                timeout_graceful_shutdown=1,
            )
        )
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve())
        deadline = asyncio.get_running_loop().time() + 10
        while not self.server.started:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("uvicorn did not start")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self.server.should_exit = True
        # Open event streams would hold a graceful shutdown for its whole timeout.
        self.server.force_exit = True
        if self.task is not None:
            await self.task


async def _start_center(
    tmp_path: Path,
    broker: MemoryBroker,
    site: str,
    cleanup: list[Callable[[], Any]],
    cameras_of: dict[str, list[dict[str, Any]]] = CAMERAS,
) -> tuple[CenterService, Served]:
    folder = tmp_path / site
    folder.mkdir()
    db = open_database(f"sqlite:///{folder / 'center.db'}")
    migrate(db, "center")
    cameras = folder / "lpr_cameras.json"
    cameras.write_text(json.dumps(cameras_of[site], ensure_ascii=False), encoding="utf-8")
    import_camera_file(db, cameras)
    service = CenterService(
        CenterSettings(
            site=site,
            heartbeat_interval_s=1,
            purge_interval_s=0,
            relay_poll_interval_s=0.05,
            pipeline_max_wait_ms=0,
            auth=AuthSettings(  # plain HTTP; one cookie name per site (one host, many ports)
                cookie_secure=False,
                cookie_name=f"safenet_session_{site}",
                csrf_cookie_name=f"safenet_csrf_{site}",
            ),
        ),
        db=db,
        transport=MemoryTransport(broker, site),
    )
    app = build_center_app(service, token_secret=CENTER_SECRETS[site], web=WEB, data_dir=DATA_DIR)
    await service.start()
    served = Served(app)
    await served.start()

    async def close() -> None:
        await served.stop()
        await service.stop()
        await service.transport.close()
        db.dispose()

    cleanup.append(close)
    return service, served


@asynccontextmanager
async def running_stack(
    tmp_path: Path,
    sites: tuple[str, ...] = ("seocho",),
    *,
    roads: bool = False,
    cameras: dict[str, list[dict[str, Any]]] | None = None,
) -> AsyncIterator[Stack]:
    """Police and the given centers, started and served; everything stopped afterwards.

    ``roads`` gives the police the real road data (tracks and the escape route along
    roads); ``cameras`` replaces the centers' camera lists.
    """
    cleanup: list[Callable[[], Any]] = []
    broker = MemoryBroker()
    police_transport = MemoryTransport(broker, "police")
    await police_transport.start()
    police_db = open_database(f"sqlite:///{tmp_path / 'police.db'}")
    police = PoliceService(
        PoliceSettings(
            centers=list(sites),
            expiry_sweep_s=3600,
            heartbeat_s=3600,
            resync_grace_s=5,
            auth=AuthSettings(cookie_secure=False),  # plain HTTP on 127.0.0.1
        ),
        db=police_db,
        transport=police_transport,
        roads=load_atlas(DATA_DIR, VAR_DIR) if roads else None,
    )
    police_app = build_police_app(
        police, token_secret=POLICE_SECRET, web=WEB, data_dir=DATA_DIR, var_dir=VAR_DIR
    )
    await police.start()
    police_served = Served(police_app)
    await police_served.start()
    centers: dict[str, Center] = {}
    stack: Stack | None = None
    try:
        for site in sites:
            service, served = await _start_center(
                tmp_path, broker, site, cleanup, cameras or CAMERAS
            )
            centers[site] = Center(site, service, served.url, CENTER_SECRETS[site])
        await asyncio.sleep(0)
        stack = Stack(police, police_served.url, centers, broker)
        await stack.centers_at(1)
        yield stack
    finally:
        if stack is not None:
            await stack.client.aclose()
        for close in reversed(cleanup):
            await close()
        await police_served.stop()
        await police.stop()
        await police_transport.close()
        police_db.dispose()
