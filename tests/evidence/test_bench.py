"""``safenet bench evidence`` as a smoke run: every case runs and reports its figures."""

from __future__ import annotations

import math

import pytest

from safenet.bench.evidence import run_evidence_bench

pytestmark = [pytest.mark.nats, pytest.mark.slow]


def test_bench_evidence_runs_every_case_and_reports_every_figure() -> None:
    report = run_evidence_bench(pictures=3, paced=2, burst=2, quick=True)
    package, services, render = report.tables
    assert [row["case"] for row in package.rows] == [
        "memory bare link",
        "memory evidence",
        "nats bare link",
        "nats evidence",
    ]
    for row in package.rows:
        assert all(math.isfinite(v) and v > 0 for k, v in row.items() if k != "case"), row
    assert [row["case"] for row in services.rows] == ["memory services", "nats services"]
    for row in services.rows:
        assert all(math.isfinite(v) and v > 0 for k, v in row.items() if k != "case"), row
    assert render.rows[0]["mean_kb"] > 1
