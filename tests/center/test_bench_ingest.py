"""``safenet bench ingest`` runs its four cases against its baseline and accepts every read."""

from __future__ import annotations

from safenet.bench.ingest import run_ingest_bench


def test_bench_ingest_runs_every_case_without_a_failure() -> None:
    report = run_ingest_bench(seconds=1, in_flight=4, batch=10, sqlite=True)
    rows = report.as_dict()["tables"]["HTTP ingest, closed loop"]
    assert [r["case"] for r in rows] == [
        "bare app, 1 read a request",
        "center, 1 read a request, token",
        "center (route through the framework), 1 read a request, token",
        "center, 1 read a request, camera key",
        "center, 10 reads a request, token",
    ]
    for row in rows:
        assert row["failures"] == "", row  # every read accepted: none refused, none lost
        assert row["requests/s"] > 0
    assert rows[0]["vs bare requests/s"] == 1.0
    assert any("bare-framework rate" in note for note in report.notes)
