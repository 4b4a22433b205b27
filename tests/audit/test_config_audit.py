"""Configuration changes are audited: what a service started with, what changed, never a secret."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from typer.testing import CliRunner

from safenet.audit import SigningKey
from safenet.audit import config as audit_config
from safenet.audit import store as audit
from safenet.audit.origin import cli_origin, current_origin
from safenet.cli import app
from safenet.config import load_settings
from safenet.store import migrate, open_database
from tests.support.services import free_port

NATS_PASSWORD = "hunter2-nats-Zq8w"
NEW_PASSWORD = "correct-horse-Kp3v"
TOKEN_SECRET = "t" * 40 + "-token-secret-Xy"
DB_PASSWORD = "pg-pass-Wm4r"


def _rows(url: str) -> list[dict[str, Any]]:
    db = open_database(url)
    try:
        with db.begin() as conn:
            rows = conn.execute(sa.select(audit.audit_log).order_by(audit.audit_log.c.seq)).all()
    finally:
        db.dispose()
    out = []
    for r in rows:
        details = r.details if isinstance(r.details, dict) else json.loads(r.details)
        out.append({"actor": r.actor, "action": r.action, "subject": r.subject, **details})
    return out


def _serve_once(config: Path, port: int, env_extra: dict[str, str], side: str = "police") -> None:
    env = {**os.environ, "SAFENET_POLICE__PORT": str(port), **env_extra}
    proc = subprocess.Popen(
        [sys.executable, "-m", "safenet.cli", side, "serve", "--config", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("the service did not come up")
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=20)[0].decode()
    assert proc.returncode == 0, output


def test_a_changed_setting_between_two_starts_is_recorded_and_no_secret_ever(
    tmp_path: Path,
) -> None:
    port = free_port()
    config = tmp_path / "safenet.toml"
    base = f'var_dir = "{tmp_path / "var"}"\n\n[police]\ncenters = ["seocho"]\n'
    config.write_text(base)
    secrets = {
        "SAFENET_POLICE__NATS_PASSWORD": NATS_PASSWORD,
        "SAFENET_POLICE__TOKEN_SECRET": TOKEN_SECRET,
    }
    _serve_once(config, port, secrets)
    url = f"sqlite:///{tmp_path / 'var' / 'police' / 'police.db'}"
    first = [r for r in _rows(url) if r["action"].startswith("config.")]
    assert [r["action"] for r in first] == ["config.loaded"]
    loaded = first[0]
    assert loaded["subject"] == "site:police"
    assert loaded["from"] == cli_origin()
    assert loaded["settings"]["police.centers"] == ["seocho"]
    assert loaded["settings_hash"] == audit_config.settings_hash(loaded["settings"])

    # The same settings again: no record. Then one setting and the NATS password change.
    _serve_once(config, port, secrets)
    assert [r["action"] for r in _rows(url) if r["action"].startswith("config.")] == [
        "config.loaded"
    ]
    config.write_text(base + "ended_retention_days = 45\n")
    _serve_once(config, port, {**secrets, "SAFENET_POLICE__NATS_PASSWORD": NEW_PASSWORD})
    records = [r for r in _rows(url) if r["action"].startswith("config.")]
    assert [r["action"] for r in records] == ["config.loaded", "config.changed"]
    changed = records[1]
    assert changed["changed"] == ["police.ended_retention_days", "police.nats_password"]
    assert changed["changes"]["police.ended_retention_days"]["new"] == 45
    secret_change = changed["changes"]["police.nats_password"]
    assert secret_change["old"] != secret_change["new"]
    assert all(v.startswith(audit_config.REDACTED) for v in secret_change.values())
    assert changed["previous_hash"] == loaded["settings_hash"]
    assert changed["from"] == cli_origin()

    # The attacker's look: no secret anywhere in the audit log, nor in the database file.
    text = json.dumps(_rows(url), ensure_ascii=False)
    raw = (tmp_path / "var" / "police" / "police.db").read_bytes()
    for secret in (NATS_PASSWORD, NEW_PASSWORD, TOKEN_SECRET):
        assert secret not in text
        assert secret.encode() not in raw


def test_canonical_settings_redact_every_kind_of_secret() -> None:
    settings = load_settings(
        police={
            "nats_password": NATS_PASSWORD,
            "token_secret": TOKEN_SECRET,
            "database_url": f"postgresql+psycopg://safenet:{DB_PASSWORD}@127.0.0.1:5432/police",
        },
        center={"nats_password": NATS_PASSWORD, "mqtt_password": NEW_PASSWORD},
    )
    key = SigningKey.generate()
    for side, section in (("police", settings.police), ("center", settings.center)):
        flat = audit_config.canonical_settings(
            audit_config.site_sections(settings, side, section), key
        )
        text = json.dumps(flat)
        for secret in (NATS_PASSWORD, NEW_PASSWORD, TOKEN_SECRET, DB_PASSWORD):
            assert secret not in text
        assert flat[f"{side}.nats_password"].startswith(audit_config.REDACTED)
    police = audit_config.canonical_settings({"police": settings.police}, key)
    assert police["police.database_url"].startswith("postgresql+psycopg://safenet:<redacted>")
    assert police["police.database_url"].endswith("@127.0.0.1:5432/police")
    assert police["police.auth.password_min_length"] == 12  # a number named so is no secret
    plain = audit_config.canonical_settings({"extra": {"api_secret": "plain-Qq7", "n": 3}}, key)
    assert plain["extra.api_secret"].startswith(audit_config.REDACTED)
    assert "plain-Qq7" not in json.dumps(plain)
    assert plain["extra.n"] == 3
    # The same secret gives the same fingerprint; another key another (nothing to compare).
    assert audit_config.canonical_settings({"police": settings.police}, key) == police
    other = audit_config.canonical_settings({"police": settings.police}, SigningKey.generate())
    assert other["police.nats_password"] != police["police.nats_password"]


def test_a_config_change_is_recorded_on_postgresql_too(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        migrate(db, "center")
        settings = load_settings(center={"site": "seocho"})
        sections = audit_config.site_sections(settings, "center", settings.center)
        kwargs: dict[str, Any] = {"site": "seocho", "actor": "cli:kim", "origin": "cli:kim@h"}
        first = audit_config.record_service_start(db, sections, **kwargs)
        assert first is not None
        assert first.action == "config.loaded"
        assert audit_config.record_service_start(db, sections, **kwargs) is None
        moved = settings.center.model_copy(update={"purge_interval_s": 120.0})
        again = audit_config.site_sections(settings, "center", moved)
        second = audit_config.record_service_start(db, again, **kwargs)
        assert second is not None
        assert second.action == "config.changed"
        assert second.details["changed"] == ["center.purge_interval_s"]
        assert second.details["from"] == "cli:kim@h"
    finally:
        db.dispose()


def test_a_command_line_action_says_which_user_on_which_host(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'police.db'}"
    db = open_database(url)
    migrate(db, "police")
    db.dispose()
    result = CliRunner().invoke(
        app, ["audit", "export-heads", "--db", url, "--out", str(tmp_path / "heads.jsonl")]
    )
    assert result.exit_code == 0, result.output
    (record,) = [r for r in _rows(url) if r["action"] == "audit.export_heads"]
    user = os.environ.get("USER") or record["actor"].removeprefix("cli:")
    assert record["from"] == f"cli:{user}@{socket.gethostname()}"
    assert record["actor"] == f"cli:{user}"
    assert current_origin() is None  # the command's origin ends with the command


def test_center_serve_records_its_settings_and_a_changed_one(tmp_path: Path) -> None:
    port = free_port()
    db_path = tmp_path / "seocho.db"
    config = tmp_path / "center.toml"
    base = (
        f'var_dir = "{tmp_path / "var"}"\n[center]\nsite = "seocho"\n'
        f'database_url = "sqlite:///{db_path}"\nport = {port}\nlink_transport = "memory"\n'
    )
    env = {"SAFENET_CENTER__TOKEN_SECRET": TOKEN_SECRET}
    config.write_text(base)
    _serve_once(config, port, env, side="center")
    config.write_text(base + "purge_interval_s = 90\n")
    _serve_once(config, port, env, side="center")
    records = [r for r in _rows(f"sqlite:///{db_path}") if r["action"].startswith("config.")]
    assert [r["action"] for r in records] == ["config.loaded", "config.changed"]
    assert records[1]["changed"] == ["center.purge_interval_s"]
    assert {r["subject"] for r in records} == {"site:seocho"}
    assert all(r["from"] == cli_origin() for r in records)
    assert TOKEN_SECRET not in json.dumps(_rows(f"sqlite:///{db_path}"))
