"""Issue 13's link attacks against the running services on a real fenced nats-server.

The police and two centers (강남구 ``gangnam``, 서초구 ``seocho``) run as their services
do — the police's intake behind the camera check, each center announcing its cameras
— and 서초구, with only its own credentials, attacks: it forges 강남구's next report id,
and it reports a 강남구 camera. The real report must arrive, the forged one must be
refused, and each attempt must be alarmed on the police's /metrics, in its audit log
and on the dispatchers' live stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
import sqlalchemy as sa

from safenet.audit.store import audit_log
from safenet.auth import Principal, PrincipalKind, Role, sign_principal
from safenet.center.app import build_app as build_center_app
from safenet.center.registry import import_camera_file
from safenet.center.service import CenterService
from safenet.center.types import hit_id_for
from safenet.link import Coordinates, LocationReport
from safenet.link.alarms import AlarmKind
from safenet.link.fencing import inbox_prefix
from safenet.police.app import build_app as build_police_app
from safenet.police.service import PoliceService
from safenet.store import Database, migrate, open_database
from tests.center.conftest import SECRET as CENTER_SECRET
from tests.center.conftest import center_settings
from tests.link.conftest import FencedNats, make_report
from tests.police.support import APPROVER, REGISTRAR, draft
from tests.police.support import settings as police_settings

pytestmark = pytest.mark.nats

CAMERAS = {
    "gangnam": [{"camera_id": "GN-01", "lat": 37.4979, "lon": 127.0276, "heading": 0}],
    "seocho": [{"camera_id": "SC-01", "lat": 37.4837, "lon": 127.0324, "heading": 90}],
}


@dataclass
class Stack:
    police: PoliceService
    police_db: Database
    police_http: httpx.AsyncClient
    centers: dict[str, CenterService]
    center_http: dict[str, httpx.AsyncClient]


async def wait_until(predicate: Callable[[], bool], within_s: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running_stack(fenced: FencedNats, tmp_path: Path) -> AsyncIterator[Stack]:
    police_db = open_database(f"sqlite:///{tmp_path / 'police.db'}")
    police_link = fenced.transport("police")
    await police_link.start()
    police = PoliceService(
        police_settings(centers=["seocho", "gangnam"], camera_check=True),
        db=police_db,
        transport=police_link,
    )
    await police.start()
    police_http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_police_app(police, token_secret=b"x" * 32)),
        base_url="http://police",
    )
    centers: dict[str, CenterService] = {}
    center_http: dict[str, httpx.AsyncClient] = {}
    dbs: list[Database] = []
    for site, cams in CAMERAS.items():
        db = open_database(f"sqlite:///{tmp_path / f'{site}.db'}")
        dbs.append(db)
        migrate(db, "center")
        path = tmp_path / f"{site}-cameras.json"
        path.write_text(json.dumps(cams), encoding="utf-8")
        import_camera_file(db, path)
        service = CenterService(
            center_settings(site=site), db=db, transport=fenced.transport(site), site=site
        )
        await service.start()
        centers[site] = service
        center_http[site] = httpx.AsyncClient(
            transport=httpx.ASGITransport(
                app=build_center_app(service, token_secret=CENTER_SECRET)
            ),
            base_url=f"http://{site}",
        )
    try:
        directory = police.safeguards.cameras.directory
        await wait_until(lambda: all(directory().announced(s) for s in CAMERAS))
        yield Stack(police, police_db, police_http, centers, center_http)
    finally:
        for client in [police_http, *center_http.values()]:
            await client.aclose()
        for service in centers.values():
            await service.stop()
            await service.transport.close()
        await police.stop()
        await police_link.close()
        for db in [*dbs, police_db]:
            db.dispose()


async def publish_as(
    fenced: FencedNats, site: str, subject: str, payload: bytes, msg_id: str
) -> None:
    """Publish with ``site``'s own NATS credentials and a chosen Nats-Msg-Id."""
    creds = fenced.credentials[site]
    nc = await nats.connect(
        fenced.url,
        user=creds.user,
        password=creds.password,
        inbox_prefix=inbox_prefix(site),
        allow_reconnect=False,
    )
    try:
        await nc.jetstream().publish(subject, payload, headers={"Nats-Msg-Id": msg_id})
    finally:
        await nc.close()


def hits_of(stack: Stack, site: str) -> list[Any]:
    return [e for e in stack.police.hub.recent() if e.kind == "hit" and e.site == site]


def alarm_records(stack: Stack, action: str) -> list[Any]:
    with stack.police_db.read() as conn:
        return conn.execute(sa.select(audit_log).where(audit_log.c.action == action)).all()


def alarm_events(stack: Stack, kind: AlarmKind) -> list[Any]:
    return [
        e
        for e in stack.police.hub.recent()
        if e.kind == "link_alarm" and e.data["kind"] == kind.value
    ]


async def active_entry(stack: Stack) -> str:
    entry = await stack.police.actions.register(draft(), REGISTRAR)
    await stack.police.actions.approve(entry.entry_id, APPROVER)
    for center in stack.centers.values():
        await wait_until(lambda c=center: len(c.hotlist) == 1)  # type: ignore[misc]
    return entry.entry_id


async def metric(stack: Stack, kind: AlarmKind, site: str) -> float:
    body = (await stack.police_http.get("/metrics")).text
    line = f'safenet_police_link_alarms_total{{kind="{kind.value}",site="{site}"}}'
    for row in body.splitlines():
        if row.startswith(line):
            return float(row.split()[-1])
    return 0.0


async def test_a_forged_report_id_from_another_center_no_longer_suppresses_the_real_hit(
    fenced_nats: FencedNats, tmp_path: Path
) -> None:
    async with running_stack(fenced_nats, tmp_path) as stack:
        entry_id = await active_entry(stack)
        read_id = "gn-read-1"
        at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
        hit_id = hit_id_for("gangnam", "GN-01", read_id, entry_id)
        forged = make_report(0, "gangnam", hit_id=hit_id).message_id  # the id is its hit id

        # 서초구 guesses 강남구's next report id and publishes junk under it first.
        await publish_as(fenced_nats, "seocho", "safenet.v1.report.seocho", b"junk", forged)
        response = await stack.center_http["gangnam"].post(
            "/api/v1/reads",
            json={
                "reads": [
                    {
                        "id": read_id,
                        "camera_id": "GN-01",
                        "ts": at.isoformat(),
                        "plate": "12가3456",
                        "confidence": 0.95,
                    }
                ]
            },
            headers=_gangnam_camera("GN-01"),
        )
        assert response.status_code < 300, response.text
        await wait_until(lambda: len(hits_of(stack, "gangnam")) == 1)
        [hit] = hits_of(stack, "gangnam")
        assert hit.data["hit"]["hit_key"].endswith(hit_id)
        # The attempt is alarmed: counted, on /metrics, in the audit log, on the console.
        alarms = stack.police.transport.alarms
        await wait_until(lambda: alarms.count(AlarmKind.INVALID_MESSAGE, site="seocho") == 1)
        await wait_until(lambda: len(alarm_events(stack, AlarmKind.INVALID_MESSAGE)) == 1)
        assert await metric(stack, AlarmKind.INVALID_MESSAGE, "seocho") == 1.0
        [record] = alarm_records(stack, "link.alarm.invalid_message")
        assert (record.actor, record.subject) == ("link:police", "site:seocho")
        assert stack.centers["gangnam"].transport.alarms.count() == 0


async def test_a_report_naming_another_centers_camera_is_refused_and_alarmed(
    fenced_nats: FencedNats, tmp_path: Path
) -> None:
    async with running_stack(fenced_nats, tmp_path) as stack:
        entry_id = await active_entry(stack)
        at = datetime.now(UTC).replace(microsecond=0)
        # 서초구 reports, with its own credentials on its own subject, 강남구's camera.
        await stack.centers["seocho"].transport.publish(
            LocationReport(
                site="seocho",
                hit_id="hit-forged-1",
                entry_id=entry_id,
                hotlist_version=2,
                camera_id="GN-01",
                coordinates=Coordinates(lat=37.4979, lon=127.0276),
                address="서울",
                read_at=at,
                plate_read="12가3456",
                level="exact",
                score=1.0,
                explanation="exact plate match",
                read_confidence=0.95,
                decision="alert",
            )
        )
        alarms = stack.police.transport.alarms
        await wait_until(lambda: alarms.count(AlarmKind.FOREIGN_CAMERA, site="seocho") == 1)
        await wait_until(lambda: len(alarm_events(stack, AlarmKind.FOREIGN_CAMERA)) == 1)
        [event] = alarm_events(stack, AlarmKind.FOREIGN_CAMERA)
        assert "GN-01" in event.data["detail"]
        assert "gangnam" in event.data["detail"]
        assert hits_of(stack, "seocho") == []
        assert await metric(stack, AlarmKind.FOREIGN_CAMERA, "seocho") == 1.0
        [record] = alarm_records(stack, "link.alarm.foreign_camera")
        assert record.details["outcome"] == "refused"
        # 서초구's own camera still reports.
        await stack.centers["seocho"].transport.publish(
            LocationReport(
                site="seocho",
                hit_id="hit-own-1",
                entry_id=entry_id,
                hotlist_version=2,
                camera_id="SC-01",
                coordinates=Coordinates(lat=37.4837, lon=127.0324),
                address="서울",
                read_at=at,
                plate_read="12가3456",
                level="exact",
                score=1.0,
                explanation="exact plate match",
                read_confidence=0.95,
                decision="alert",
            )
        )
        await wait_until(lambda: len(hits_of(stack, "seocho")) == 1)


def _gangnam_camera(camera_id: str) -> dict[str, str]:
    """A camera's own credential at 강남구 (a center binds it to that camera)."""
    camera = Principal(
        camera_id,
        f"camera {camera_id}",
        frozenset({Role.CAMERA}),
        frozenset({"gangnam"}),
        kind=PrincipalKind.CAMERA,
    )
    return {"Authorization": f"Bearer {sign_principal(camera, CENTER_SECRET, site='gangnam')}"}
