"""``safenet bench e2e`` as a short smoke run: real processes, every figure reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safenet.cli import app
from tests.support.services import PG_ADMIN_URL


@pytest.mark.nats
@pytest.mark.pg
@pytest.mark.slow
def test_bench_e2e_runs_and_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "e2e.json"
    args = ["bench", "e2e", "--rate", "2000", "--duration", "3", "--no-baselines"]
    result = CliRunner().invoke(app, [*args, "--pg-url", PG_ADMIN_URL, "--json", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    assert figures["sustained_reads_per_s"] > 0
    assert figures["lost"] == 0
    assert figures["duplicates"] == 0
    latency = figures["alert_latency_ms"]
    assert latency["max"] >= latency["p99"] >= latency["p50"] > 0
    assert figures["hotlist_ack_ms"]["p50"] > 0
    names = {
        row["name"] for row in figures["tables"]["processes (CPU over the run, RSS at its end)"]
    }
    assert names == {"hub1", "hub2", "hub3", "leaf-center1", "police", "center-center1"}
