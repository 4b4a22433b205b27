"""``safenet bench route`` end to end on a tiny plan: the figures the issue asks for, in range."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safenet.bench.route import KS, Plan, Score, run


def test_a_score_counts_top_k() -> None:
    score = Score()
    score.add(["a", "b", "c"], "b")
    score.add(["a", "b", "c"], "z")
    assert score.shares() == {"1": 0.0, "3": 0.5, "5": 0.5, "10": 0.5}


@pytest.mark.slow
def test_a_tiny_run_writes_the_figures(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "route.json"
    tiny = Plan(
        train_days=1,
        train_s=240.0,
        train_rate=6.0,
        test_s=180.0,
        test_rate=5.0,
        questions=30,
        timed=5,
    )
    figures = run(quick=True, json_path=out, data_dir=data_dir, plan=tiny)
    written = json.loads(out.read_text(encoding="utf-8"))
    for key in ("model", "model_counts_sent", "nearest"):
        shares = written["topk"][key]
        assert set(shares) == {str(k) for k in KS}
        assert all(0.0 <= v <= 1.0 for v in shares.values())
        assert list(shares.values()) == sorted(shares.values())  # top-10 finds at least top-1
    assert written["compute_ms"]["p50"] > 0
    assert written["compute_ms"]["p99"] >= written["compute_ms"]["p50"]
    assert written["compute_ms"]["graph"] == "seoul_central_osm_drive"
    assert figures["questions"]["background"] > 0
    assert written["tables"]
