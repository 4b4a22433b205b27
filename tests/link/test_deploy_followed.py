"""A deployment done as docs/link.md says: the files `safenet link nats-config` writes work.

The credentials files must hold the variables the services read; a service given a
wrong password must say so in its log and on ``/healthz`` instead of hanging; a
nats-server older than 2.10 is refused with an error naming the version needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from safenet.cli import app
from safenet.config import load_settings
from safenet.link.errors import LinkConfigError
from safenet.link.nats import NatsTransport
from safenet.link.nats_config import check_server_version, read_env_file
from safenet.link.transport import link_health
from tests.support.services import free_port, nats_server_binary, port_open

runner = CliRunner()


def nats_config(tmp_path: Path, *args: str) -> tuple[Path, int]:
    port = free_port()
    out = tmp_path / "nats.conf"
    result = runner.invoke(
        app,
        [
            "link",
            "nats-config",
            "--sites",
            "seocho",
            "--out",
            str(out),
            "--store-dir",
            str(tmp_path / "js"),
            "--listen",
            f"127.0.0.1:{port}",
            *args,
        ],
    )
    assert result.exit_code == 0, result.output
    return out, port


@pytest.fixture
def deployed_nats(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """nats-server started on exactly the file `safenet link nats-config` wrote."""
    out, port = nats_config(tmp_path)
    log = (tmp_path / "nats.log").open("ab")
    proc = subprocess.Popen([nats_server_binary(), "-c", str(out)], stdout=log, stderr=log)
    deadline = time.monotonic() + 10
    while not port_open("127.0.0.1", port, 0.2):
        assert proc.poll() is None, (tmp_path / "nats.log").read_text()
        assert time.monotonic() < deadline, "nats-server did not listen"
        time.sleep(0.05)
    yield tmp_path / "credentials", port
    proc.terminate()
    proc.wait(10)


def test_each_credentials_file_sets_what_its_service_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, port = nats_config(tmp_path)
    for key in [k for k in os.environ if k.startswith("SAFENET_")]:
        monkeypatch.delenv(key)
    for name, value in read_env_file(tmp_path / "credentials" / "police.env").items():
        monkeypatch.setenv(name, value)
    police = load_settings().police
    assert police.link == "nats"
    assert police.nats_user == "police"
    assert police.nats_password is not None
    assert len(police.nats_password.get_secret_value()) > 20
    assert police.nats_url == f"nats://127.0.0.1:{port}"
    for key in [k for k in os.environ if k.startswith("SAFENET_")]:
        monkeypatch.delenv(key)
    for name, value in read_env_file(tmp_path / "credentials" / "seocho.env").items():
        monkeypatch.setenv(name, value)
    center = load_settings().center
    assert (center.site, center.link_transport, center.nats_user) == ("seocho", "nats", "seocho")
    assert center.nats_password is not None
    assert center.nats_password.get_secret_value() != police.nats_password.get_secret_value()


def test_an_old_credentials_file_is_rewritten_with_the_names_services_read(
    tmp_path: Path,
) -> None:
    creds = tmp_path / "credentials"
    creds.mkdir()
    (creds / "seocho.env").write_text(
        "SAFENET_LINK_SITE=seocho\nSAFENET_LINK_NATS_USER=seocho\n"
        "SAFENET_LINK_NATS_PASSWORD=kept-from-before-0123456789\n"
    )
    nats_config(tmp_path)
    values = read_env_file(creds / "seocho.env")
    assert values["SAFENET_CENTER__NATS_PASSWORD"] == "kept-from-before-0123456789"
    assert "SAFENET_LINK_NATS_PASSWORD" not in values


@pytest.mark.parametrize("text", ["2.9.25", "nats-server: v2.9.0", "1.4.1"])
def test_a_nats_server_older_than_2_10_is_refused_by_version(text: str) -> None:
    with pytest.raises(LinkConfigError, match=r"2\.10 or newer"):
        check_server_version(text)


def test_current_versions_pass() -> None:
    assert check_server_version("nats-server: v2.10.0") == (2, 10, 0)
    assert check_server_version("2.15.1-beta") == (2, 15, 1)


def test_nats_config_refuses_to_write_for_an_old_server(tmp_path: Path) -> None:
    old = tmp_path / "nats-server"
    old.write_text("#!/bin/sh\necho 'nats-server: v2.9.25'\n")
    old.chmod(0o755)
    out = str(tmp_path / "n.conf")
    args = ["link", "nats-config", "--sites", "seocho", "--out", out, "--server", str(old)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "2.9.25" in result.output
    assert "2.10 or newer" in result.output
    assert not (tmp_path / "n.conf").exists()


def test_nats_config_accepts_the_installed_server(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["link", "nats-config", "--sites", "seocho", "--out", str(tmp_path / "n.conf")]
    )
    assert result.exit_code == 0, result.output
    assert "(2.10+ needed): ok" in result.output


def _serve(
    tmp_path: Path, env_file: Path, command: list[str], extra: dict[str, str]
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFENET_")}
    env.update(read_env_file(env_file))
    env.update(extra)
    env["SAFENET_VAR_DIR"] = str(tmp_path / "var")
    proc = subprocess.Popen(
        [sys.executable, "-m", "safenet.cli", *command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    return proc, port


def _health(port: int, want: str, timeout: float = 40, reason: str = "") -> dict[str, object]:
    deadline = time.monotonic() + timeout
    last: dict[str, object] = {}
    while time.monotonic() < deadline:
        try:
            last = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
            if last.get("link") == want and reason in str(last.get("link_error", "")):
                return last
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"/healthz never said link {want}: {last}")


def _stop(proc: subprocess.Popen[bytes]) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=20)[0].decode()
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[0].decode()


@pytest.mark.nats
@pytest.mark.slow
def test_police_and_center_connect_with_the_files_as_written(
    deployed_nats: tuple[Path, int], tmp_path: Path
) -> None:
    creds, _ = deployed_nats
    police, police_port = _serve(
        tmp_path,
        creds / "police.env",
        ["police", "serve"],
        {"SAFENET_POLICE__CENTERS": '["seocho"]'},
    )
    try:
        health = _health(police_port, "up")
        assert health["ok"] is True
        center, center_port = _serve(tmp_path, creds / "seocho.env", ["center", "serve"], {})
        try:
            assert _health(center_port, "up")["site"] == "seocho"
        finally:
            center_log = _stop(center)
    finally:
        police_log = _stop(police)
    assert "link: police connected" in police_log
    assert "link: seocho connected" in center_log


@pytest.mark.nats
@pytest.mark.slow
def test_a_wrong_password_is_logged_and_shown_on_healthz_never_a_silent_hang(
    deployed_nats: tuple[Path, int], tmp_path: Path
) -> None:
    creds, _ = deployed_nats
    police, police_port = _serve(
        tmp_path,
        creds / "police.env",
        ["police", "serve"],
        {"SAFENET_POLICE__NATS_PASSWORD": "not-the-password"},
    )
    try:
        health = _health(police_port, "down", timeout=30, reason="authorization")
        assert health["ok"] is False
    finally:
        output = _stop(police)
    assert "cannot connect to NATS" in output
    assert "wrong NATS user or password" in output
    assert "retrying in" in output


async def _old_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Just enough of a nats-server 2.9 to let a client connect."""
    info = {"server_id": "OLD", "version": "2.9.25", "proto": 1, "max_payload": 1048576}
    writer.write(f"INFO {json.dumps(info)}\r\n".encode())
    await writer.drain()
    while line := await reader.readline():
        if line.startswith(b"PING"):
            writer.write(b"PONG\r\n")
            await writer.drain()
    writer.close()


async def test_a_service_refuses_a_nats_server_older_than_2_10_when_it_connects() -> None:
    server = await asyncio.start_server(_old_server, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport = NatsTransport(f"nats://127.0.0.1:{port}", "seocho", connect_wait_s=5)
    try:
        with pytest.raises(LinkConfigError, match=r"2\.9\.25 is too old.*2\.10 or newer"):
            await transport.start()
        assert not transport.connected
    finally:
        await transport.close()
        server.close()
        await server.wait_closed()


@pytest.mark.nats
async def test_a_wrong_password_makes_the_link_down_with_its_reason(
    deployed_nats: tuple[Path, int],
) -> None:
    _, port = deployed_nats
    transport = NatsTransport(f"nats://127.0.0.1:{port}", "seocho", user="seocho", password="x")
    starting = asyncio.create_task(transport.start())
    try:
        for _ in range(100):
            if transport.problem and "authorization" in transport.problem:
                break
            await asyncio.sleep(0.05)
        health = link_health(transport)
        assert health["link"] == "down"
        assert "wrong NATS user or password" in health["link_error"]
        assert not starting.done()  # still trying, not given up and not hung silently
    finally:
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        await transport.close()
