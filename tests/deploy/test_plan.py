"""``safenet deploy plan`` writes nats-server configurations that nats-server accepts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from safenet.deploy.plan import PlanOptions, center_ids, write_plan
from safenet.link.errors import LinkConfigError
from safenet.link.nats_config import server_binary


def test_every_generated_nats_config_passes_nats_server_t(tmp_path: Path) -> None:
    binary = server_binary()
    assert binary is not None
    opts = PlanOptions(store_root=str(tmp_path / "js"))
    written = write_plan(["seocho", "gangnam"], tmp_path / "plan", opts)
    confs = [p for p in written if p.suffix == ".conf"]
    assert sorted(p.name for p in confs) == [
        "hub1.conf",
        "hub2.conf",
        "hub3.conf",
        "leaf-gangnam.conf",
        "leaf-seocho.conf",
    ]
    for conf in confs:
        done = subprocess.run(
            [binary, "-t", "-c", str(conf)], capture_output=True, text=True, timeout=20
        )
        assert done.returncode == 0, (conf.name, done.stdout + done.stderr)
    assert (
        "CREATE DATABASE safenet_gangnam;" in (tmp_path / "plan/create_databases.sql").read_text()
    )
    units = {p.name for p in (tmp_path / "plan/systemd").iterdir()}
    # No unit for a command that does not exist yet (the queue worker, issue 16).
    assert not any("worker" in name for name in units)
    police_env = (tmp_path / "plan/env/police.env").read_text()
    assert "SAFENET_POLICE__NATS_URL=nats://127.0.0.1:4222,nats://127.0.0.1:4223" in police_env


def test_site_ids_must_match_the_count() -> None:
    with pytest.raises(LinkConfigError, match="--site-ids"):
        center_ids(3, "seocho,gangnam")
    assert center_ids(2, None) == ["center1", "center2"]
