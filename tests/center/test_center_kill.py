"""A center killed with -9 after committing a hit resends it on restart: one report in effect.

The center runs as ``safenet center serve`` in a subprocess on a fenced private
nats-server. The link is taken down before the read arrives, so the hit and its
LocationReport are committed but cannot be published; the center is then killed
with SIGKILL, the link comes back, the center restarts, and the police receive the
report — once per message id, which is what their inbox keys on.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from safenet.auth import Role
from safenet.center.registry import import_camera_file
from safenet.link import Family, HotlistSnapshot
from safenet.link.tables import outbox
from safenet.store import migrate, open_database
from tests.center.conftest import SECRET, auth, entry, read, write_cameras
from tests.link.conftest import start_fenced
from tests.support.services import NatsServer, free_port

pytestmark = [pytest.mark.nats, pytest.mark.slow]


def _start_center(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SAFENET_CENTER__TOKEN_SECRET": SECRET.decode()}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "safenet.cli", "center", "serve", "--config", str(config)],
            stdout=out,
            stderr=out,
            env=env,
        )


async def _wait_healthy(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            assert proc.poll() is None, log.read_bytes()[-3000:].decode(errors="replace")  # noqa: ASYNC240
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    tail = log.read_bytes()[-3000:].decode(errors="replace")  # noqa: ASYNC240
    raise AssertionError(f"the center did not become healthy: {tail}")


async def _wait_status(base: str, check: Callable[[dict[str, object]], bool]) -> None:
    deadline = time.monotonic() + 20
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            status = (await client.get("/api/v1/status", headers=auth(Role.AUDITOR))).json()
            if check(status):
                return
            await asyncio.sleep(0.1)
    raise AssertionError(f"status never matched: {status}")


async def test_a_killed_center_resends_its_unsent_hits_on_restart(
    nats_server: Callable[..., NatsServer], tmp_path: Path
) -> None:
    fenced = start_fenced(nats_server, tmp_path, centers=("seocho",))
    db_path = tmp_path / "seocho.db"
    db = open_database(f"sqlite:///{db_path}")
    migrate(db, "center")
    import_camera_file(db, write_cameras(tmp_path))
    creds = fenced.credentials["seocho"]
    port = free_port()
    config = tmp_path / "center.toml"
    config.write_text(
        f'var_dir = "{tmp_path / "var"}"\n'
        "[center]\n"
        'site = "seocho"\n'
        f'database_url = "sqlite:///{db_path}"\n'
        f"port = {port}\n"
        'link_transport = "nats"\n'
        f'nats_url = "{fenced.url}"\n'
        f'nats_user = "{creds.user}"\n'
        f'nats_password = "{creds.password}"\n'
        "heartbeat_interval_s = 0\n"
        "relay_poll_interval_s = 0.1\n"
    )
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "center.log"

    police = fenced.transport("police")
    await police.start()
    await police.provision(["seocho"])
    received: list[object] = []

    async def on_report(message: object) -> None:
        received.append(message)

    await police.subscribe_family(Family.REPORT, on_report)
    await police.publish(
        HotlistSnapshot(
            target="all", version=1, issued_at=_now(), entries=[entry("E1", "12가3456")]
        )
    )

    proc = _start_center(config, log)
    try:
        await _wait_healthy(base, proc, log)
        await _wait_status(base, lambda s: s["hotlist"]["version"] == 1)  # type: ignore[index]
        fenced.server.kill()  # the link is down: the report cannot leave
        async with httpx.AsyncClient(base_url=base) as client:
            response = await client.post(
                "/api/v1/reads",
                json={"reads": [read("k1", "12가3456", _now())]},
                headers=auth(Role.CAMERA),
            )
        assert response.json()["accepted"] == ["k1"]
        with db.read() as conn:
            pending = (
                conn.execute(sa.select(outbox.c.message_type).where(outbox.c.sent_at.is_(None)))
                .scalars()
                .all()
            )
        assert "location_report" in pending
        proc.kill()  # SIGKILL: no goodbye, no drain
        proc.wait(10)

        fenced.server.start()
        proc = _start_center(config, log)
        await _wait_healthy(base, proc, log)
        deadline = time.monotonic() + 30
        while not received and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # anything sent twice would arrive by now
        ids = {m.message_id for m in received}  # type: ignore[attr-defined]
        assert len(ids) == 1, received
        (report,) = {m.hit_id: m for m in received}.values()  # type: ignore[attr-defined]
        assert report.entry_id == "E1"  # type: ignore[attr-defined]
        with db.read() as conn:
            left = conn.execute(
                sa.select(sa.func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            ).scalar_one()
        assert left == 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        await police.close()
        db.dispose()


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)
