"""``safenet bench pipeline`` runs end to end and reports every stage and baseline."""

from __future__ import annotations

from safenet.bench.pipeline import run_pipeline_bench


def test_a_short_sqlite_run_reports_every_stage_and_the_baselines() -> None:
    report = run_pipeline_bench(reads=1_000, pg_url=None, sqlite=True, batch_sizes=[500])
    summary, wall, cpu = (t.rows for t in report.tables)
    (row,) = summary
    assert row["case"] == "sqlite / 500"
    assert row["accepted"] == 1_000
    for column in ("pipeline reads/s", "matcher alone reads/s", "COPY alone reads/s"):
        assert row[column] > 0
    stages = {"normalize", "deduplicate", "match", "decide", "persist", "learn"}
    assert stages <= set(wall[0])
    assert stages <= set(cpu[0])
    assert "of which GC" in cpu[0]
