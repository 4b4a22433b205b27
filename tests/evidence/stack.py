"""Police and two centers, served over real HTTP, on the in-process link or NATS JetStream.

The evidence flow end to end: cameras post reads with their pictures (the simulator's
renderer), the center matches and reports, the officer asks over the police API, the
operator answers over the center's API, the package crosses the link in parts and the
police verify it. Each center signs with its own key, which the police hold ahead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from safenet.audit import SigningKey
from safenet.auth import Principal, Role, sign_principal
from safenet.center.app import build_app as build_center_app
from safenet.center.registry import import_camera_file
from safenet.center.service import CenterService
from safenet.center.settings import CenterSettings
from safenet.link import MemoryBroker, MemoryTransport
from safenet.link.transport import Transport
from safenet.plates import parse
from safenet.police.app import build_app as build_police_app
from safenet.police.service import PoliceService
from safenet.police.settings import PoliceSettings
from safenet.sim.snapshot import SnapshotRenderer, SnapshotScene
from safenet.store import migrate, open_database
from tests.web.stack import (
    APPROVER,
    CAMERAS,
    CENTER_SECRETS,
    DATA_DIR,
    POLICE_SECRET,
    REGISTRAR,
    WEB,
    Served,
    operator,
    read,
)
from tests.web.stack import (
    camera as camera_credential,
)

OFFICER = Principal("han.field", "한현장", frozenset({Role.FIELD_OFFICER}))
SITES = ("seocho", "gangnam")
_RENDERER = SnapshotRenderer()


def picture(plate: str, camera: str, at: datetime | None = None) -> bytes:
    """The JPEG a camera sends with a read (the simulator's renderer)."""
    parsed = parse(plate)
    scene = SnapshotScene(parsed, "흰색", parsed.vehicle_type, camera, at or datetime.now(UTC))
    return _RENDERER.render(scene)


@dataclass
class EvidenceStack:
    """The running installation and the calls the tests make."""

    police: PoliceService
    police_url: str
    centers: dict[str, CenterService]
    center_urls: dict[str, str]
    keys: dict[str, SigningKey]
    client: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=20))
    seen_hits: set[str] = field(default_factory=set)

    def police_console(self, principal: Principal = OFFICER, page: str = "") -> str:
        token = sign_principal(principal, POLICE_SECRET, site="police")
        return f"{self.police_url}/console/{page}#token={token}"

    def center_console(self, site: str, page: str = "") -> str:
        token = sign_principal(operator(site), CENTER_SECRETS[site], site=site)
        return f"{self.center_urls[site]}/console/{page}#token={token}"

    async def police_call(
        self, method: str, path: str, principal: Principal = OFFICER, body: Any = None
    ) -> httpx.Response:
        token = sign_principal(principal, POLICE_SECRET, site="police")
        return await self.client.request(
            method,
            f"{self.police_url}/api/v1{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )

    async def police_api(
        self, method: str, path: str, principal: Principal = OFFICER, body: Any = None
    ) -> Any:
        response = await self.police_call(method, path, principal, body)
        assert response.status_code < 300, response.text
        return response.json()

    async def center_call(
        self,
        site: str,
        method: str,
        path: str,
        body: Any = None,
        principal: Principal | None = None,
    ) -> httpx.Response:
        token = sign_principal(principal or operator(site), CENTER_SECRETS[site], site=site)
        return await self.client.request(
            method,
            f"{self.center_urls[site]}/api/v1{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )

    async def center_api(self, site: str, method: str, path: str, body: Any = None) -> Any:
        response = await self.center_call(site, method, path, body)
        assert response.status_code < 300, response.text
        return response.json()

    async def wanted(self, plate: str, category: str = "kidnapping", **extra: Any) -> str:
        draft = {
            "plate": plate,
            "category": category,
            "case_number": extra.pop("case_number", "2026-서초-000123"),
            "reason": "child taken from a school gate; witness saw the car",
            "vehicle": {"make": "현대", "model": "쏘나타", "colour": "흰색"},
            **extra,
        }
        entry = await self.police_api("POST", "/wanted", REGISTRAR, draft)
        approved = await self.police_api("POST", f"/wanted/{entry['entry_id']}/approve", APPROVER)
        version = int(approved["hotlist_version"])
        await until(lambda: all(c.hotlist.version >= version for c in self.centers.values()))
        return str(entry["entry_id"])

    async def hit(
        self, site: str, plate: str, camera: str, read_id: str, *, ago_s: float = 0.0
    ) -> str:
        """A camera read of ``plate`` (with its picture) that hits; the police's hit id."""
        body = read(read_id, plate, camera, ago_s=ago_s, snapshot_jpeg=picture(plate, camera))
        token = sign_principal(camera_credential(camera, site), CENTER_SECRETS[site], site=site)
        response = await self.client.post(
            f"{self.center_urls[site]}/api/v1/reads",
            json={"reads": [body]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code < 300, response.text
        found: list[str] = []

        def arrived() -> bool:
            import sqlalchemy as sa

            from safenet.police.tables import hits

            with self.police.db.read() as conn:
                row = conn.execute(
                    sa.select(hits.c.hit_id)
                    .where(hits.c.site == site, hits.c.camera_id == camera)
                    .order_by(hits.c.id.desc())
                ).first()
            if row is not None and row.hit_id not in self.seen_hits:
                self.seen_hits.add(row.hit_id)
                found.append(row.hit_id)
            return bool(found)

        await until(arrived)
        return found[0]

    async def background(
        self, site: str, plate: str, camera: str, read_id: str, *, ago_s: float = 0.0
    ) -> None:
        """A read that hits nothing, with its picture (it stays at the center)."""
        body = read(read_id, plate, camera, ago_s=ago_s, snapshot_jpeg=picture(plate, camera))
        token = sign_principal(camera_credential(camera, site), CENTER_SECRETS[site], site=site)
        response = await self.client.post(
            f"{self.center_urls[site]}/api/v1/reads",
            json={"reads": [body]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code < 300, response.text

    async def answered(self, request_id: str, within_s: float = 20.0) -> dict[str, Any]:
        """The police's view of a request once the center's answer arrived."""
        seen: list[dict[str, Any]] = []

        async def closed() -> bool:
            view = await self.police_api("GET", f"/evidence/requests/{request_id}")
            seen[:] = [view]
            return bool(view["state"] != "sent")

        await until_async(closed, within_s)
        return seen[0]

    async def queued(self, site: str, request_id: str, state: str = "pending") -> dict[str, Any]:
        """The center's view of a request once it arrived there."""
        seen: list[dict[str, Any]] = []

        async def there() -> bool:
            response = await self.center_call(site, "GET", f"/evidence/requests/{request_id}")
            if response.status_code == 404:
                return False
            seen[:] = [response.json()]
            return bool(seen[0]["state"] == state)

        await until_async(there)
        return seen[0]


async def until(predicate: Callable[[], bool], within_s: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def until_async(predicate: Callable[[], Any], within_s: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


TransportFactory = Callable[[str], Transport]


@asynccontextmanager
async def evidence_stack(
    tmp_path: Path,
    *,
    db_urls: dict[str, str] | None = None,
    transports: TransportFactory | None = None,
    sites: tuple[str, ...] = SITES,
    center_settings: dict[str, Any] | None = None,
    trust: dict[str, list[str]] | None = None,
) -> AsyncIterator[EvidenceStack]:
    """Police and ``sites`` served; ``db_urls`` by site (and ``police``), else SQLite."""
    broker = MemoryBroker()
    make = transports or (lambda site: MemoryTransport(broker, site))
    urls = db_urls or {}
    keys = {site: SigningKey.generate() for site in sites}
    async with AsyncExitStack() as stack:
        police_db = open_database(urls.get("police", f"sqlite:///{tmp_path / 'police.db'}"))
        stack.callback(police_db.dispose)
        police_link = make("police")
        await police_link.start()
        stack.push_async_callback(police_link.close)
        police = PoliceService(
            PoliceSettings(
                centers=list(sites), expiry_sweep_s=3600, heartbeat_s=3600, resync_grace_s=5
            ),
            db=police_db,
            transport=police_link,
            trusted_keys=trust
            if trust is not None
            else {s: [k.public_key_b64] for s, k in keys.items()},
        )
        await police.start()
        stack.push_async_callback(police.stop)
        served = Served(
            build_police_app(police, token_secret=POLICE_SECRET, web=WEB, data_dir=DATA_DIR)
        )
        await served.start()
        stack.push_async_callback(served.stop)
        centers: dict[str, CenterService] = {}
        center_urls: dict[str, str] = {}
        for site in sites:
            db = open_database(urls.get(site, f"sqlite:///{tmp_path / f'{site}.db'}"))
            stack.callback(db.dispose)
            migrate(db, "center")
            cameras = tmp_path / f"{site}-cameras.json"
            cameras.write_text(json.dumps(CAMERAS[site], ensure_ascii=False), encoding="utf-8")
            import_camera_file(db, cameras)
            link = make(site)
            stack.push_async_callback(link.close)
            service = CenterService(
                CenterSettings(
                    site=site,
                    heartbeat_interval_s=1,
                    purge_interval_s=0,
                    relay_poll_interval_s=0.05,
                    pipeline_max_wait_ms=0,
                    **(center_settings or {}),
                ),
                db=db,
                transport=link,
                signer=keys[site],
            )
            await service.start()
            stack.push_async_callback(service.stop)
            center_served = Served(
                build_center_app(
                    service, token_secret=CENTER_SECRETS[site], web=WEB, data_dir=DATA_DIR
                )
            )
            await center_served.start()
            stack.push_async_callback(center_served.stop)
            await service.wait_connected()
            centers[site] = service
            center_urls[site] = center_served.url
        result = EvidenceStack(police, served.url, centers, center_urls, keys)
        stack.push_async_callback(result.client.aclose)
        await until(lambda: all(c.hotlist.version >= 1 for c in centers.values()))
        yield result
