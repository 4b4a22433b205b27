"""``safenet link nats-config``: the file, the credentials, and a real server running it."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safenet.cli import app
from safenet.link import POLICE, LinkUnavailable
from safenet.link.nats import NatsTransport
from safenet.link.nats_config import client_tls_context, read_credentials
from tests.link.conftest import make_report
from tests.support.services import NatsServer

runner = CliRunner()


def generate(tmp_path: Path, *args: str) -> tuple[str, dict[str, str]]:
    out = tmp_path / "nats.conf"
    result = runner.invoke(
        app, ["link", "nats-config", *args, "--out", str(out), "--store-dir", str(tmp_path / "js")]
    )
    assert result.exit_code == 0, result.output
    creds = {p.stem: read_credentials(p).password for p in (tmp_path / "credentials").glob("*.env")}
    return out.read_text(), creds


@pytest.mark.parametrize(
    "sites",
    [
        ["--sites", "seocho", "gangnam"],
        ["--sites", "seocho,gangnam"],
        ["--sites", "seocho", "--sites", "gangnam"],
    ],
)
def test_every_way_of_naming_sites_gives_one_user_each(tmp_path: Path, sites: list[str]) -> None:
    text, creds = generate(tmp_path, *sites)
    assert set(creds) == {"police", "seocho", "gangnam"}
    for site in creds:
        assert f'user: "{site}"' in text
    assert "sync_interval: always" in text
    assert "jetstream: enabled" in text


def test_passwords_stay_out_of_the_server_config_and_are_kept(tmp_path: Path) -> None:
    text, creds = generate(tmp_path, "--sites", "seocho")
    for password in creds.values():
        assert password not in text
    assert text.count('password: "$2b$') == 2
    for path in [tmp_path / "nats.conf", *(tmp_path / "credentials").glob("*.env")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    _, again = generate(tmp_path, "--sites", "seocho", "gangnam")
    assert again["seocho"] == creds["seocho"]  # adding a center changes no one else's
    assert again["police"] == creds["police"]
    _, rotated = generate(tmp_path, "--sites", "seocho", "--rotate")
    assert rotated["seocho"] != creds["seocho"]


@pytest.mark.parametrize("bad", ["police", "Seocho", "all", "seo.cho"])
def test_bad_site_ids_are_refused_by_name(tmp_path: Path, bad: str) -> None:
    result = runner.invoke(
        app, ["link", "nats-config", "--sites", bad, "--out", str(tmp_path / "n.conf")]
    )
    assert result.exit_code != 0
    assert "--sites" in result.output


@pytest.mark.nats
async def test_the_generated_config_runs_and_checks_passwords(
    nats_server: Callable[..., NatsServer], tmp_path: Path
) -> None:
    text, creds = generate(tmp_path, "--sites", "seocho")
    server = nats_server(text, name="cli")
    police = NatsTransport(server.url, POLICE, user=POLICE, password=creds[POLICE])
    center = NatsTransport(server.url, "seocho", user="seocho", password=creds["seocho"])
    async with police, center:
        await police.provision(["seocho"])
        await center.publish(make_report(1))
    wrong = NatsTransport(
        server.url, "seocho", user="seocho", password=creds["police"], connect_wait_s=2
    )
    with pytest.raises(LinkUnavailable, match="could not reach"):
        await wrong.start()


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(tls: Path, sites: list[str]) -> None:
    tls.mkdir()
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=safenet-ca",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
        cwd=tls,
    )
    (tls / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ["server", *sites]:
        _openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            f"/CN={name}",
            "-keyout",
            f"{name}-key.pem",
            "-out",
            f"{name}.csr",
            cwd=tls,
        )
        _openssl(
            "x509",
            "-req",
            "-in",
            f"{name}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca-key.pem",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            f"{name}-cert.pem",
            cwd=tls,
        )


@pytest.mark.nats
async def test_tls_dir_requires_tls_with_client_certificates(
    nats_server: Callable[..., NatsServer], tmp_path: Path
) -> None:
    tls = tmp_path / "tls"
    make_certificates(tls, [POLICE, "seocho"])
    text, creds = generate(tmp_path, "--sites", "seocho", "--tls-dir", str(tls))
    assert str(tls / "server-cert.pem") in text
    server = nats_server(text, name="tls")
    url = f"tls://127.0.0.1:{server.port}"
    police = NatsTransport(
        url, POLICE, user=POLICE, password=creds[POLICE], tls=client_tls_context(tls, POLICE)
    )
    center = NatsTransport(
        url,
        "seocho",
        user="seocho",
        password=creds["seocho"],
        tls=client_tls_context(tls, "seocho"),
    )
    async with police, center:
        await police.provision(["seocho"])
        await center.publish(make_report(1))
    plain = NatsTransport(
        server.url, "seocho", user="seocho", password=creds["seocho"], connect_wait_s=2
    )
    with pytest.raises(LinkUnavailable):
        await plain.start()
