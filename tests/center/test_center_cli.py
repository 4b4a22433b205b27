"""``safenet center`` commands: import-cameras, replay, purge, token (through the real CLI)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from safenet.audit import store as audit
from safenet.audit.origin import cli_origin
from safenet.auth import Role
from safenet.auth.settings import AuthSettings
from safenet.auth.tokens import site_signer
from safenet.center.hotlist import Hotlist
from safenet.center.secret import secret_path
from safenet.center.tables import hits, reads
from safenet.cli import app
from safenet.link import HotlistSnapshot
from safenet.link.tables import outbox
from safenet.store import open_database
from tests.center.conftest import CAMERAS, entry, read, write_cameras

runner = CliRunner()
SEOUL = Path(__file__).resolve().parents[2].parent / "shared/data/cctv/seoul_2018_cctv_standard.csv"


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    # The commands configure logging on the root logger for a real terminal.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "safenet.toml"
    path.write_text(f'var_dir = "{tmp_path / "var"}"\n[center]\nsite = "seocho"\n')
    return path


def _db(tmp_path: Path):  # type: ignore[no-untyped-def]
    return open_database(f"sqlite:///{tmp_path / 'var' / 'seocho' / 'center.db'}")


def test_import_cameras_filters_a_district_and_is_idempotent(config: Path) -> None:
    args = ["center", "import-cameras", str(SEOUL), "--config", str(config), "--agency", "서초구"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "agency 서초구" in first.output
    assert "more skipped rows (--list-skipped shows them all)" in first.output
    second = runner.invoke(app, [*args, "--list-skipped"])
    assert "nothing changed" in second.output
    assert second.output.count("  skipped row") == 1_386


def test_import_cameras_reports_an_unusable_file(config: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["center", "import-cameras", str(bad), "--config", str(config)])
    assert result.exit_code == 1
    assert "not imported" in result.output


def test_a_site_is_required(tmp_path: Path) -> None:
    result = runner.invoke(app, ["center", "purge"])
    assert result.exit_code == 2
    assert "--site" in result.output


def test_replay_finds_hits_and_queues_reports(config: Path, tmp_path: Path) -> None:
    cameras = write_cameras(tmp_path)
    assert (
        runner.invoke(
            app, ["center", "import-cameras", str(cameras), "--config", str(config)]
        ).exit_code
        == 0
    )
    db = _db(tmp_path)
    Hotlist(db, "seocho").apply(
        HotlistSnapshot(
            target="all", version=1, issued_at=datetime.now(UTC), entries=[entry("E1", "12가3456")]
        )
    )
    long_ago = datetime.now(UTC) - timedelta(days=3)
    lines = [
        json.dumps(read("r1", "12가3456", long_ago)),
        "not json",
        json.dumps(read("r2", "34나5678", long_ago, confidence=3)),
        json.dumps(read("r3", "56다7890", long_ago, camera="SC-02")),
    ]
    file = tmp_path / "incident.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = runner.invoke(app, ["center", "replay", str(file), "--config", str(config)])
    assert refused.exit_code == 0, refused.output
    assert "0 reads accepted" in refused.output  # older than the read retention
    result = runner.invoke(
        app, ["center", "replay", str(file), "--config", str(config), "--ignore-age"]
    )
    assert result.exit_code == 0, result.output
    assert "2 reads accepted" in result.output
    assert "1 reports queued" in result.output
    assert "line 2: read: not JSON" in result.output
    assert "line 3 (read r2): confidence: must be between 0 and 1" in result.output
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(hits)).scalar_one() == 1
        types = conn.execute(sa.select(outbox.c.message_type)).scalars().all()
    assert sorted(types) == ["hotlist_ack", "location_report"]
    purged = runner.invoke(app, ["center", "purge", "--config", str(config), "--dry-run"])
    assert "would delete: 1 non-hit reads" in purged.output
    purged = runner.invoke(app, ["center", "purge", "--config", str(config)])
    assert "deleted: 1 non-hit reads" in purged.output
    with db.read() as conn:
        assert conn.execute(sa.select(reads.c.read_id)).scalars().all() == ["r1"]
    db.dispose()


def test_token_issues_a_token_signed_with_the_kept_secret(config: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "center",
            "token",
            "--config",
            str(config),
            "--subject",
            "op-1",
            "--name",
            "Kim",
            "--role",
            "operator",
            "--ttl-hours",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    path = secret_path(tmp_path / "var", "seocho")
    assert path.stat().st_mode & 0o777 == 0o600
    signer = site_signer(AuthSettings(), "seocho", path.read_bytes().strip())
    principal = signer.verify_access(result.stdout.strip().splitlines()[-1])
    assert principal.has(Role.OPERATOR)
    assert principal.sites == frozenset({"seocho"})
    bad = runner.invoke(
        app,
        [
            "center",
            "token",
            "--config",
            str(config),
            "--subject",
            "x",
            "--name",
            "X",
            "--role",
            "chief",
        ],
    )
    assert bad.exit_code == 2


def test_mqtt_config_binds_every_camera_to_its_own_topic(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "mqtt"
    empty = runner.invoke(
        app, ["center", "mqtt-config", "--out", str(out), "--config", str(config)]
    )
    assert empty.exit_code != 0
    assert "no LPR camera" in empty.output
    cameras = write_cameras(tmp_path)
    imported = runner.invoke(
        app, ["center", "import-cameras", str(cameras), "--config", str(config)]
    )
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(
        app, ["center", "mqtt-config", "--out", str(out), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert "6 cameras" in result.output
    for name in ("passwd", "acl", "mosquitto.conf", "credentials.txt"):
        assert (out / name).stat().st_mode & 0o777 == 0o600, name
    acl = (out / "acl").read_text()
    assert "user SC-01\ntopic write safenet/seocho/cameras/SC-01/reads" in acl
    assert "user center-seocho\ntopic read safenet/seocho/cameras/+/reads" in acl
    assert "allow_anonymous false" in (out / "mosquitto.conf").read_text()
    users = [line.split(":")[0] for line in (out / "passwd").read_text().splitlines()]
    assert sorted(users) == sorted([c["camera_id"] for c in CAMERAS] + ["center-seocho"])
    assert all("$7$" in line for line in (out / "passwd").read_text().splitlines())
    secrets_listed = (out / "credentials.txt").read_text()
    assert secrets_listed.count(" (writes ") == 6
    assert secrets_listed.split("\n")[3].split(" ")[1] not in (out / "passwd").read_text()


def test_camera_key_is_issued_once_and_revoked(config: Path, tmp_path: Path) -> None:
    issued = runner.invoke(app, ["center", "camera-key", "SC-01", "--config", str(config)])
    assert issued.exit_code == 0, issued.output
    key = issued.stdout.strip().splitlines()[-1]
    assert key.startswith("snc_")
    db = _db(tmp_path)
    try:
        with db.read() as conn:
            stored = conn.execute(sa.text("SELECT key_hash FROM auth_camera_keys")).scalars().all()
    finally:
        db.dispose()
    assert len(stored) == 1
    assert key.split("_")[-1] not in stored[0]  # only an HMAC is kept
    args = ["center", "camera-key", "SC-01", "--revoke", "--config", str(config)]
    revoked = runner.invoke(app, args)
    assert revoked.exit_code == 0, revoked.output
    assert "1 key(s) of camera SC-01 revoked" in revoked.output


def test_camera_import_and_keys_say_which_user_on_which_host(config: Path, tmp_path: Path) -> None:
    args = ["center", "import-cameras", str(SEOUL), "--config", str(config), "--agency", "서초구"]
    assert runner.invoke(app, args).exit_code == 0
    assert (
        runner.invoke(app, ["center", "camera-key", "SC-01", "--config", str(config)]).exit_code
        == 0
    )
    revoke = ["center", "camera-key", "SC-01", "--revoke", "--config", str(config)]
    assert runner.invoke(app, revoke).exit_code == 0
    db = _db(tmp_path)
    try:
        with db.read() as conn:
            rows = {r.action: r for r in audit.records(conn)}
    finally:
        db.dispose()
    for action in ("config.cameras_import", "auth.camera_key_issued", "auth.camera_key_revoked"):
        assert rows[action].details["from"] == cli_origin(), action
        assert rows[action].actor.startswith("cli:")
