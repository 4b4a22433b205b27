"""``safenet police token`` and ``safenet police wanted …`` against a running service over HTTP."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from typer.testing import CliRunner

from safenet.audit import store as audit
from safenet.audit.origin import cli_origin
from safenet.auth import Principal
from safenet.auth.settings import AuthSettings
from safenet.auth.tokens import site_signer
from safenet.cli import app
from tests.police.support import SECRET, Police, Server

runner = CliRunner()
ENV = {"SAFENET_POLICE__TOKEN_SECRET": SECRET.decode()}


def _token(subject: str, role: str) -> str:
    result = runner.invoke(
        app,
        ["police", "token", "--subject", subject, "--name", subject.title(), "--role", role],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def verify_token(token: str, secret: bytes) -> Principal:
    return site_signer(AuthSettings(), "police", secret).verify_access(token)


async def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = await asyncio.to_thread(runner.invoke, app, ["police", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_token_is_signed_with_the_configured_secret() -> None:
    principal = verify_token(_token("kim.registrar", "registrar"), SECRET)
    assert principal.subject == "kim.registrar"
    assert {r.value for r in principal.roles} == {"registrar"}
    bad = runner.invoke(
        app, ["police", "token", "--subject", "x", "--name", "X", "--role", "pilot"], env=ENV
    )
    assert bad.exit_code != 0


def test_a_local_secret_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    env = {"SAFENET_VAR_DIR": str(tmp_path)}
    args = [
        "police",
        "token",
        "--subject",
        "lee",
        "--name",
        "Lee",
        "--role",
        "approver",
        "--site",
        "seocho",
        "--ttl-hours",
        "1",
    ]
    first = runner.invoke(app, args, env=env)
    assert first.exit_code == 0, first.output
    path = tmp_path / "police" / "token_secret"
    assert path.stat().st_mode & 0o777 == 0o600
    secret = path.read_text().strip().encode()
    assert verify_token(first.stdout.strip(), secret).sites == frozenset({"seocho"})


async def test_wanted_commands_against_a_running_service(police: Police) -> None:
    registrar = _token("kim.registrar", "registrar")
    approver = _token("lee.approver", "approver")
    async with Server(police.app) as server:
        url = ["--url", server.url]
        code, out, err = await _cli(
            "wanted",
            "add",
            "--plate",
            "12가3456",
            "--category",
            "fraud",
            "--case-number",
            "2026-1",
            "--reason",
            "x",
            "--colour",
            "white",
            *url,
            "--token",
            registrar,
        )
        assert code == 1
        assert "category: 'fraud' is not a lawful basis" in err

        code, out, err = await _cli(
            "wanted",
            "add",
            "--plate",
            "12가3456",
            "--category",
            "robbery",
            "--case-number",
            "2026-000001",
            "--reason",
            "armed robbery at a bank",
            "--make",
            "현대",
            "--colour",
            "흰색",
            "--expires-in-hours",
            "24",
            "--json",
            *url,
            "--token",
            registrar,
        )
        assert code == 0, err
        entry = json.loads(out)
        entry_id = entry["entry_id"]
        assert entry["status"] == "pending"

        code, out, err = await _cli(
            "wanted", "approve", entry_id, *url, env={"SAFENET_POLICE_TOKEN": registrar}
        )
        assert code == 1
        assert "approver" in err

        code, out, err = await _cli(
            "wanted", "approve", entry_id, *url, env={"SAFENET_POLICE_TOKEN": approver}
        )
        assert code == 0, err
        assert f"{entry_id} active" in out
        assert "hotlist v2" in out

        code, out, err = await _cli(
            "wanted",
            "renew",
            entry_id,
            "--reason",
            "still fleeing",
            "--expires-in-hours",
            "48",
            *url,
            "--token",
            approver,
        )
        assert code == 0, err
        code, out, err = await _cli(
            "wanted", "list", "--status", "active", *url, "--token", approver
        )
        assert code == 0
        assert entry_id in out

        code, out, err = await _cli(
            "wanted", "cancel", entry_id, "--reason", "arrested", *url, "--token", registrar
        )
        assert code == 0, err
        assert f"{entry_id} cancelled" in out

        code, out, err = await _cli("wanted", "list", "--json", *url, "--token", registrar)
        assert json.loads(out)["entries"][0]["status"] == "cancelled"

    # Each change says where it came from: the address the service saw, then the
    # command's user and host.
    with police.db.read() as conn:
        records = {r.action: r for r in audit.records(conn)}
    for action in ("wanted.register", "wanted.approve", "wanted.cancel"):
        assert records[action].details["from"] == f"http:127.0.0.1 {cli_origin()}", action

    code, out, err = await _cli(
        "wanted", "list", "--url", "http://127.0.0.1:9", "--token", registrar
    )
    assert code == 2
    assert "cannot reach" in err
