"""The running services anchor their audit logs by themselves and witness each other's.

The police and a center run on the in-process link with the checkpoint loop on; a
wanted entry's life cycle writes to the police's log, the hotlist version it makes to
the center's. Each side's signed heads reach the other's ``audit_witness`` with no one
calling a checkpoint. Then `safenet audit verify` of either log, with the other side's
database as the witness, passes — and catches the log truncated afterwards, which the
verify of before passed as intact (``ok: true, checked: 0``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from safenet.audit import SigningKey, witness
from safenet.audit import store as audit
from safenet.audit.settings import AuditSettings
from safenet.center.registry import import_camera_file
from safenet.center.service import CenterService
from safenet.cli import app
from safenet.link import MemoryBroker, MemoryTransport
from safenet.police.service import PoliceService
from safenet.police.types import Ending
from safenet.store import Database, migrate, open_database
from tests.center.conftest import center_settings, write_cameras
from tests.police.support import APPROVER, REGISTRAR, draft, settings

runner = CliRunner()
FAST = AuditSettings(checkpoint_every_records=1, checkpoint_every_minutes=0.01, poll_seconds=0.05)


async def wait_until(predicate: Callable[[], bool], within_s: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


def witnessed(db: Database, site: str) -> list[witness.WitnessedHead]:
    with db.read() as conn:
        return witness.heads(conn, site)


def head(db: Database) -> int:
    with db.read() as conn:
        return audit.head(conn)[0]


def verify(url: str, site: str, key: SigningKey, witness_url: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(
        app,
        [
            "audit",
            "verify",
            "--db",
            url,
            "--site",
            site,
            "--public-key",
            key.public_key_b64,
            "--witness-db",
            witness_url,
            "--json",
        ],
    )
    return result.exit_code, json.loads(result.output)


async def test_services_anchor_and_witness_so_verify_catches_a_truncated_log(
    tmp_path: Path,
) -> None:
    police_url = f"sqlite:///{tmp_path / 'police.db'}"
    center_url = f"sqlite:///{tmp_path / 'seocho.db'}"
    police_db, center_db = open_database(police_url), open_database(center_url)
    migrate(center_db, "center")
    import_camera_file(center_db, write_cameras(tmp_path))
    police_key, center_key = SigningKey.generate(), SigningKey.generate()
    broker = MemoryBroker()
    police_link = MemoryTransport(broker, "police")
    await police_link.start()
    police = PoliceService(
        settings(centers=["seocho"]),
        db=police_db,
        transport=police_link,
        audit=FAST,
        audit_key=police_key,
    )
    center = CenterService(
        center_settings(),
        db=center_db,
        transport=MemoryTransport(broker, "seocho"),
        audit=FAST,
        audit_key=center_key,
    )
    await police.start()
    await center.start()
    try:
        entry = await police.actions.register(draft(), REGISTRAR)
        await police.actions.approve(entry.entry_id, APPROVER)
        await wait_until(lambda: len(center.hotlist) == 1)
        await police.actions.cancel(entry.entry_id, Ending(reason="arrested"), REGISTRAR)
        await wait_until(lambda: center.hotlist.version >= 3)
        # Each side's newest head, signed by its own loop, is held by the other side.
        await wait_until(
            lambda: (
                bool(witnessed(center_db, "police"))
                and witnessed(center_db, "police")[-1].seq == head(police_db)
            )
        )
        await wait_until(
            lambda: (
                bool(witnessed(police_db, "seocho"))
                and witnessed(police_db, "seocho")[-1].seq == head(center_db)
            )
        )
    finally:
        await center.stop()
        await center.transport.close()
        await police.stop()
        await police_link.close()

    code, verdict = verify(police_url, "police", police_key, center_url)
    assert (code, verdict["ok"]) == (0, True), verdict
    code, verdict = verify(center_url, "seocho", center_key, police_url)
    assert (code, verdict["ok"]) == (0, True), verdict
    with police_db.read() as conn:
        actions = {r.action for r in audit.records(conn)}
    assert {"wanted.register", "wanted.approve"} <= actions, actions
    with center_db.read() as conn:
        assert "hotlist.apply" in {r.action for r in audit.records(conn)}

    for db in (police_db, center_db):  # the attacker empties each log and its checkpoints
        with db.begin() as conn:
            conn.execute(sa.delete(audit.audit_checkpoint))
            conn.execute(sa.delete(audit.audit_log))
    code, verdict = verify(police_url, "police", police_key, center_url)
    assert (code, verdict["ok"]) == (1, False)
    code, verdict = verify(center_url, "seocho", center_key, police_url)
    assert (code, verdict["ok"]) == (1, False)
    police_db.dispose()
    center_db.dispose()
