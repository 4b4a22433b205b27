"""A center killed with -9 while it holds a candidate still holds it after the restart (issue 17).

``safenet center serve`` runs in a subprocess (SQLite, a fenced private nats-server,
as tests/center/test_center_kill.py does). A weak read of a look-alike plate is held
for corroboration; the center is killed with SIGKILL (no goodbye, no drain) and
started again; the wanted plate itself, read 20 s after the held read at a camera
150 m away, then surfaces the held candidate: both reach the police, once each.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from safenet.auth import Role
from safenet.center.decision_store import decision_held
from safenet.center.registry import import_camera_file
from safenet.center.tables import hits
from safenet.link import Family, HotlistSnapshot
from safenet.store import Database, migrate, open_database
from tests.center.conftest import auth, entry, read, write_cameras
from tests.center.test_center_kill import _start_center, _wait_healthy, _wait_status
from tests.link.conftest import start_fenced
from tests.support.services import free_port

pytestmark = [pytest.mark.nats, pytest.mark.slow]


def _rows(db: Database, table: sa.Table) -> list[Any]:
    with db.read() as conn:
        return list(conn.execute(sa.select(table)).all())


async def _post(base: str, body: dict[str, Any], camera: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post(
            "/api/v1/reads", json={"reads": [body]}, headers=auth(Role.CAMERA, subject=camera)
        )
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == [body["id"]], response.text


async def test_a_candidate_held_before_a_kill_is_surfaced_by_a_read_after_the_restart(
    nats_server: Any, tmp_path: Path
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
    received: list[Any] = []

    async def on_report(message: object) -> None:
        received.append(message)

    await police.subscribe_family(Family.REPORT, on_report)
    now = datetime.now(UTC)
    await police.publish(
        HotlistSnapshot(target="all", version=1, issued_at=now, entries=[entry("E1", "12가3456")])
    )
    t0 = now - timedelta(seconds=30)
    proc = _start_center(config, log)
    try:
        await _wait_healthy(base, proc, log)
        await _wait_status(base, lambda s: s["hotlist"]["version"] == 1)  # type: ignore[index]
        await _post(base, read("r1", "12거3456", t0, camera="SC-01", confidence=0.7), "SC-01")
        # Held: stored with its read in the batch's commit, no hit, nothing sent.
        assert len(_rows(db, decision_held)) == 1
        assert _rows(db, hits) == []
        proc.kill()  # SIGKILL
        proc.wait(10)

        proc = _start_center(config, log)
        await _wait_healthy(base, proc, log)
        await _wait_status(base, lambda s: s["hotlist"]["version"] == 1)  # type: ignore[index]
        await _post(
            base, read("r2", "12가3456", t0 + timedelta(seconds=20), camera="SC-05"), "SC-05"
        )
        deadline = time.monotonic() + 30
        while len({m.hit_id for m in received}) < 2 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # anything sent twice would arrive by now
        by_read = {h.read_id: h for h in _rows(db, hits)}
        assert set(by_read) == {"r1", "r2"}
        assert by_read["r1"].decision_rule == "corroborated"
        assert by_read["r2"].state == "alert"
        assert sorted(m.hit_id for m in {m.message_id: m for m in received}.values()) == sorted(
            h.hit_id for h in by_read.values()
        )
        assert {m.decision for m in received} == {"alert", "candidate"}
        assert _rows(db, decision_held) == []
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except Exception:
                proc.kill()
        await police.close()
        db.dispose()
