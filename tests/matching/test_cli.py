"""``safenet match`` and ``safenet bench match`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safenet.cli import app

runner = CliRunner()

HOTLIST = """id,plate,policy
e1,123가4567,default
e2,12가34??,default
bad,12X3456,default
e3,45나6789,strict
e4,99가9999,nosuch
,11가1111,default
"""

READS = [
    '{"id":"r1","camera_id":"c1","ts":"2024-05-01T00:00:00Z","plate":"123가4567","confidence":0.97}',
    '{"id":"r2","camera_id":"c1","ts":1714521600,"plate":"123거4567","confidence":0.6}',
    "not json",
    '{"id":"r3","camera_id":"c1","ts":1714521600,"plate":"12가3499","confidence":1.5}',
    "",
    '{"id":"r4","camera_id":"c1","ts":1714521600,"plate":"99가1111","confidence":0.5,'
    '"alternatives":[{"plate":"123가4567","confidence":0.3}]}',
    '{"id":"r5","camera_id":"c1","ts":1714521600,"plate":"12 가 3499","confidence":0.9}',
    '{"id":"r6","camera_id":"c1","ts":1714521600,"plate":"45너6789","confidence":0.2}',
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    hotlist = tmp_path / "hotlist.csv"
    hotlist.write_text(HOTLIST, encoding="utf-8")
    reads = tmp_path / "reads.jsonl"
    reads.write_text("\n".join(READS) + "\n", encoding="utf-8")
    return hotlist, reads


def test_match_prints_one_line_per_match_and_reports_bad_lines(files: tuple[Path, Path]) -> None:
    hotlist, reads = files
    result = runner.invoke(
        app, ["match", "--hotlist", str(hotlist), "--reads", str(reads), "--json-stats"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(m["read_id"], m["entry_id"], m["level"]) for m in lines] == [
        ("r1", "e1", "exact"),
        ("r2", "e1", "equivalent"),
        ("r4", "e1", "equivalent"),  # only an OCR alternative: a candidate
        ("r5", "e2", "partial"),
    ]
    assert set(lines[0]) >= {"read_id", "entry_id", "level", "score", "explanation"}
    assert lines[1]["explanation"].endswith("read as 거, registered 가 (look-alike)")
    err = result.stderr
    assert "line 7: id is empty" in err
    assert "hotlist entry bad: bad plate" in err
    assert "hotlist entry e4: unknown policy 'nosuch'" in err
    assert "hotlist: 3 entries loaded, 3 skipped" in err
    assert "reads.jsonl line 3: JSON is malformed" in err
    assert "reads.jsonl line 4: Expected float <= 1.0" in err
    assert "2 lines skipped" in err
    stats = json.loads(err.strip().splitlines()[-1])
    assert stats["reads"] == 5
    assert stats["skipped"] == 2
    assert stats["matches"] == {"exact": 1, "equivalent": 2, "fuzzy": 0, "partial": 1}
    assert stats["reads_per_s"] > 0
    assert "elapsed_s" in stats


def test_match_out_file_and_min_score(files: tuple[Path, Path], tmp_path: Path) -> None:
    hotlist, reads = files
    out = tmp_path / "matches.jsonl"
    result = runner.invoke(
        app,
        [
            *("match", "--hotlist", str(hotlist), "--reads", str(reads)),
            *("--out", str(out), "--min-score", "0.5"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [m["read_id"] for m in found] == ["r1", "r5"]
    assert all(m["score"] >= 0.5 for m in found)


def test_match_hotlist_as_jsonl(tmp_path: Path, files: tuple[Path, Path]) -> None:
    _, reads = files
    hotlist = tmp_path / "hotlist.jsonl"
    hotlist.write_text('{"id":"j1","plate":"123가4567","policy":"strict"}\n', encoding="utf-8")
    result = runner.invoke(app, ["match", "--hotlist", str(hotlist), "--reads", str(reads)])
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.stdout.splitlines()]
    # strict is exact only: the read whose top text differs (r4) is not reported.
    assert [(m["read_id"], m["level"]) for m in found] == [("r1", "exact")]


def test_match_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["match", "--hotlist", str(tmp_path / "none.csv"), "--reads", str(tmp_path / "r")],
    )
    assert result.exit_code == 2
    assert "cannot read hotlist" in result.stderr


def test_bench_measures_one_small_size() -> None:
    from safenet.bench.match import measure

    result = measure(size=300, wanted=10, other=2_000, budget=0.02)
    assert result["speed"]["reads/s end to end"] > 0
    assert result["quality"]["exact"] == 1.0
    assert {row["name"] for row in result["baselines"]} >= {"set lookup (exact only)"}
    assert result["curve"]
