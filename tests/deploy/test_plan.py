"""``safenet deploy plan`` writes nats-server configurations that nats-server accepts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from safenet.deploy.plan import PlanOptions, center_ids, write_plan
from safenet.link.errors import LinkConfigError
from safenet.link.nats_config import read_env_file, server_binary


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
    # Without --workers each center runs its own pipeline: no worker unit.
    assert not any("worker" in name for name in units)
    police_env = (tmp_path / "plan/env/police.env").read_text()
    assert "SAFENET_POLICE__NATS_URL=nats://127.0.0.1:4222,nats://127.0.0.1:4223" in police_env
    hub = (tmp_path / "plan/nats/hub1.conf").read_text()
    assert 'domain: "hub"' in hub
    assert "$JS.hub.API.CONSUMER.MSG.NEXT.SAFENET_HOTLIST.seocho-hotlist" in hub


def test_workers_put_the_centers_in_queue_mode_with_a_unit_template(tmp_path: Path) -> None:
    binary = server_binary()
    assert binary is not None
    opts = PlanOptions(store_root=str(tmp_path / "js"), workers=3)
    write_plan(["seocho", "gangnam"], tmp_path / "plan", opts)
    units = tmp_path / "plan/systemd"
    template = (units / "safenet-worker-seocho@.service").read_text()
    assert "ExecStart=safenet center worker --site seocho" in template
    assert "EnvironmentFile=/etc/safenet/env/seocho-worker.env" in template
    env = (tmp_path / "plan/env/seocho.env").read_text()
    assert "SAFENET_CENTER__INGEST_MODE=queue" in env
    assert "SAFENET_CENTER__QUEUE_NATS_USER=seocho-ingest" in env
    # The workers' file: their own queue identity, neither the ingest's nor the link's.
    worker_env = read_env_file(tmp_path / "plan/env/seocho-worker.env")
    center_env = read_env_file(tmp_path / "plan/env/seocho.env")
    assert worker_env["SAFENET_CENTER__QUEUE_NATS_USER"] == "seocho-worker"
    assert worker_env["SAFENET_CENTER__INGEST_MODE"] == "queue"
    assert worker_env["SAFENET_CENTER__DATABASE_URL"] == center_env["SAFENET_CENTER__DATABASE_URL"]
    secrets = {center_env["SAFENET_CENTER__QUEUE_NATS_PASSWORD"]}
    secrets.add(center_env["SAFENET_CENTER__NATS_PASSWORD"])
    assert not secrets & set(worker_env.values())
    assert worker_env["SAFENET_CENTER__QUEUE_NATS_PASSWORD"] not in center_env.values()
    listing = json.loads((tmp_path / "plan/processes.json").read_text())["processes"]
    names = [p["name"] for p in listing]
    assert names[:5] == ["hub1", "hub2", "hub3", "leaf-seocho", "leaf-gangnam"]
    workers = [p for p in listing if p["kind"] == "worker"]
    assert [w["unit"] for w in workers if w["site"] == "seocho"] == [
        "safenet-worker-seocho@1.service",
        "safenet-worker-seocho@2.service",
        "safenet-worker-seocho@3.service",
    ]
    leaf = tmp_path / "plan/nats/leaf-seocho.conf"
    text = leaf.read_text()
    # The work queue's JetStream is the leaf's own, in an account never joined to the hub.
    assert "QUEUE: { jetstream: enabled" in text
    assert 'user: "seocho-ingest"' in text
    assert 'user: "seocho-worker"' in text
    assert "seocho-queue" not in text
    assert '"$JS.API.>": "$JS.hub.API.>"' in text
    done = subprocess.run([binary, "-t", "-c", str(leaf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_site_ids_must_match_the_count() -> None:
    with pytest.raises(LinkConfigError, match="--site-ids"):
        center_ids(3, "seocho,gangnam")
    assert center_ids(2, None) == ["center1", "center2"]


def test_a_hub_domain_adds_only_the_centers_own_consumer_subjects() -> None:
    from safenet.link.fencing import permissions_for

    plain = permissions_for("seocho")
    domained = permissions_for("seocho", "hub")
    added = set(domained.publish) - set(plain.publish)
    assert added
    assert all(s.startswith("$JS.hub.API.CONSUMER.") for s in added)
    assert all(".seocho-" in s for s in added)
    assert not any(s.startswith("$JS.hub.API.STREAM") for s in domained.publish)
    assert permissions_for("police", "hub") == permissions_for("police")


def test_the_check_names_what_did_not_arrive() -> None:
    from safenet.deploy.local_check import CenterResult, CheckResult

    good = CenterResult("center1", ack_s=0.2, workers_s=0.5, posted=20, accepted=20)
    good.alert_s = 0.3
    late = CenterResult("center2", ack_s=0.2, workers_s=None, posted=20, accepted=19)
    late.hit_id, late.error = "hit-00", "HTTP 503"
    result = CheckResult(centers=[good, late], version=2)
    assert good.ok
    assert not result.ok
    assert result.missing() == [
        "center2: its workers did not load hotlist version 2",
        "center2: 19 of 20 reads accepted (HTTP 503)",
        "center2: no alert at the police for hit-00",
    ]
    assert "19/20" in result.table()
    assert CheckResult(centers=[good]).ok
    assert not CheckResult(centers=[good], problems=["hub: holds x"]).ok
