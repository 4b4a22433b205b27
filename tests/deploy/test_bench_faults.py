"""``safenet bench e2e --faults``: kill -9 a worker, the center, the police and a hub node.

A short run on the ``deploy local`` topology (one center in queue mode with a worker)
at 200 reads/s for 20 s; during it each of those processes is killed with SIGKILL and
started again. After quiescence the hits committed at the center, stored at the police
and delivered on the alert stream must be the same, none doubled, and every read the
center accepted must be in its reads table; the exit status says so too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safenet.cli import app
from tests.deploy.test_local import _nats_or_skip
from tests.support.services import PG_ADMIN_URL

pytestmark = [
    pytest.mark.pg,
    pytest.mark.nats,
    pytest.mark.slow,
    pytest.mark.xdist_group("deploy_local"),
    pytest.mark.timeout(400),
]


def test_bench_e2e_faults_loses_and_doubles_nothing(tmp_path: Path) -> None:
    _nats_or_skip()
    out = tmp_path / "faults.json"
    args = ["bench", "e2e", "--rate", "200", "--duration", "20", "--batch", "100"]
    args += ["--workers", "1", "--faults", "--no-baselines", "--pg-url", PG_ADMIN_URL]
    result = CliRunner().invoke(app, [*args, "--json", str(out)])
    figures = json.loads(out.read_text())
    assert {f["kind"] for f in figures["faults"]} == {"worker", "center", "police", "hub"}
    assert all(f["ready_at_s"] is not None for f in figures["faults"]), figures["faults"]
    assert figures["lost"] == 0, figures["lost_parts"]
    assert figures["duplicates"] == 0
    reconciled = figures["reconciled"]
    assert reconciled["wanted_reads_accepted"] > 0
    assert (
        reconciled["hits_committed_at_centers"]
        == reconciled["hits_stored_at_police"]
        == reconciled["hits_delivered"]
    )
    assert result.exit_code == 0, result.output
