"""A center announces its cameras to the police at start and after every camera import."""

from __future__ import annotations

import json
from pathlib import Path

from safenet.center.registry import import_camera_file
from safenet.link import CameraRegistry, Family
from tests.center.conftest import CAMERAS, Police, center_settings, running_center


async def test_the_registry_is_announced_at_start_and_after_an_import(
    sqlite_url: str, tmp_path: Path
) -> None:
    settings = center_settings(camera_announce_s=0.1)
    async with running_center(sqlite_url, tmp_path, settings=settings) as center:
        registries = Police()
        await center.police_transport.subscribe_family(Family.REGISTRY, registries)
        [first] = await registries.wait_for("CameraRegistry", 1)
        assert isinstance(first, CameraRegistry)
        assert {c.camera_id for c in first.cameras} == {c["camera_id"] for c in CAMERAS}
        assert first.site == "seocho"
        # Nothing changed: nothing new is announced.
        await center.settle(0.4)
        assert len(registries.of("CameraRegistry")) == 1
        # A camera file imported by the CLI while the service runs.
        extra = tmp_path / "more.json"
        more = [{"camera_id": "SC-09", "lat": 37.49, "lon": 127.02, "name": "방배역"}]
        extra.write_text(json.dumps(CAMERAS + more, ensure_ascii=False), encoding="utf-8")
        import_camera_file(center.service.db, extra)
        [_, second] = await registries.wait_for("CameraRegistry", 2)
        assert second.version > first.version
        assert "SC-09" in {c.camera_id for c in second.cameras}
        # No read ever travels with a registry.
        assert "plate" not in repr(second.cameras)


def test_a_camera_import_is_an_audited_configuration_change(
    sqlite_url: str, tmp_path: Path
) -> None:
    import sqlalchemy as sa

    from safenet.audit import store as audit
    from safenet.store import migrate, open_database
    from tests.center.conftest import write_cameras

    db = open_database(sqlite_url)
    migrate(db, "center")
    import_camera_file(db, write_cameras(tmp_path), actor="cli:kim")
    with db.read() as conn:
        [record] = conn.execute(
            sa.select(audit.audit_log).where(audit.audit_log.c.action == "config.cameras_import")
        ).all()
    db.dispose()
    assert record.actor == "cli:kim"
    assert record.details["cameras"]["new"] == len(CAMERAS)
    assert record.details["outcome"] == "imported"
