"""``safenet police serve`` as a real process, and the benchmark as a smoke run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from safenet.bench.police import run_police_bench
from tests.support.services import free_port


def test_serve_answers_health_and_stops_on_interrupt(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "safenet.toml"
    config.write_text(f'var_dir = "{tmp_path / "var"}"\n\n[police]\ncenters = ["seocho"]\n')
    env = {**os.environ, "SAFENET_POLICE__PORT": str(port)}
    env.pop("SAFENET_POLICE__TOKEN_SECRET", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "safenet.cli", "police", "serve", "--config", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # A hang guard: the first start builds the compact road copies under the fresh
        # var_dir (seconds of CPU), which took over 30 s with the other xdist worker busy.
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, "the service did not come up"
        assert health["ok"] is True
        assert health["hotlist_version"] == 1
        assert (tmp_path / "var" / "police" / "police.db").exists()
        assert (tmp_path / "var" / "police" / "token_secret").stat().st_mode & 0o777 == 0o600
        unauthenticated = httpx.get(f"http://127.0.0.1:{port}/api/v1/wanted", timeout=2)
        assert unauthenticated.status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=20)[0].decode()
    assert proc.returncode == 0, output
    assert "generated a local token secret" in output
    assert "police: stopped" in output


def test_bench_police_runs_and_reports_every_figure() -> None:
    report = run_police_bench(reports=30, latency_samples=5, centers=2, cancels=2)
    tables = report.as_dict()["tables"]
    rate = tables["intake rate (LocationReports/s)"]
    assert rate[0]["per_s"] > 0
    assert rate[-1]["ratio_to_link"] == 1.0
    latency = tables["intake-to-SSE latency (ms)"][0]
    assert latency["n"] == 5
    assert latency["p99_ms"] >= latency["p50_ms"] > 0
    cancel = tables["cancel -> every center (2 centers, ms)"]
    assert [row["n"] for row in cancel] == [2, 2, 2]
