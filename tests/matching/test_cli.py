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
    assert "lines skipped 2" in err
    stats = json.loads(err.strip().splitlines()[-1])
    assert stats["reads"] == 5
    assert stats["matched_reads"] == 4
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


def test_match_lines_carry_the_decision_and_the_summary_counts_states(
    files: tuple[Path, Path],
) -> None:
    hotlist, reads = files
    result = runner.invoke(app, ["match", "--hotlist", str(hotlist), "--reads", str(reads)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [m["state"] for m in lines] == ["alert", "candidate", "candidate", "candidate"]
    assert lines[0]["surfaced_ts"] == "2024-05-01T00:00:00.000Z"
    assert lines[1]["surfaced_ts"] == 1714521600
    assert lines[0]["reason"]["rule"] == "exact"
    assert lines[1]["reason"]["rule"] == "no_evidence"
    assert lines[1]["group"] == ["e1", "123가4567"]
    factor = lines[1]["reason"]["factors"][1]
    assert set(factor) == {"factor", "contribution", "ko", "en", "code", "params"}
    assert factor["code"] == "plate"  # the words as data too (issue 18)
    # r3 (confidence 1.5) and "not json" are skipped; r6 matches nothing.
    assert (
        "reads 5 · matched 4 · unmatched 1 · matches 4 "
        "(alert 1, candidate 3, held 0, dropped 0) · lines skipped 2"
    ) in result.stderr


def test_match_summary_counts_reads_apart_from_matches() -> None:
    from safenet.commands.match import _Tally, summary_line

    tally = _Tally(reads=3, skipped=1)
    tally.matched_reads = {"r1", "r2"}  # r2 matched two entries: three matches
    tally.levels.update(exact=1, partial=2)
    tally.states.update(alert=1, candidate=2)
    assert summary_line(tally) == (
        "reads 3 · matched 2 · unmatched 1 · matches 3 "
        "(alert 1, candidate 2, held 0, dropped 0) · lines skipped 1"
    )


CAMERAS_CSV = """camera_id,lat,lon
a,37.5000,127.0300
b,37.5000,127.0390
far,38.0000,127.0300
"""


def test_match_with_cameras_and_descriptions_holds_surfaces_and_drops(tmp_path: Path) -> None:
    hotlist = tmp_path / "hotlist.csv"
    hotlist.write_text(
        "id,plate,colour,type\nw1,123가4567,흰색,SUV\nw2,45나6789,검정,승용\n", encoding="utf-8"
    )
    cameras = tmp_path / "cameras.csv"
    cameras.write_text(CAMERAS_CSV, encoding="utf-8")
    rows = [
        # a weak look-alike of w1, then the wanted SUV itself 800 m away 40 s later
        {"id": "r1", "camera_id": "a", "ts": 0, "plate": "123거4567", "confidence": 0.62},
        {"id": "r2", "camera_id": "x", "ts": 10, "plate": "45나6789", "confidence": 0.9,
         "vehicle_colour": "white", "vehicle_type": "truck"},
        {"id": "r3", "camera_id": "b", "ts": 40, "plate": "123가4567", "confidence": 0.93,
         "vehicle_colour": "white", "vehicle_type": "SUVMPV"},
        # a weak look-alike of w2 that nothing backs: held, then dropped
        {"id": "r4", "camera_id": "far", "ts": 50, "plate": "45너6789", "confidence": 0.6,
         "vehicle_colour": "red"},
        {"id": "r5", "camera_id": "a", "ts": 500, "plate": "11가1111", "confidence": 0.9},
    ]  # fmt: skip
    reads = tmp_path / "reads.jsonl"
    reads.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            *("match", "--hotlist", str(hotlist), "--reads", str(reads)),
            *("--cameras", str(cameras), "--json-stats"),
            *("--surface-at", "0.9"),  # pinned: the flow, whatever a refit's threshold
        ],
    )
    assert result.exit_code == 0, result.output
    lines = {m["read_id"]: m for m in map(json.loads, result.stdout.splitlines())}
    assert list(lines) == ["r1", "r2", "r3", "r4"]  # read order, held ones in their place
    assert lines["r3"]["state"] == "alert"
    assert lines["r2"]["state"] != "alert"  # exact plate, but a white truck, not a black car
    assert any("contradicts" in f["en"] for f in lines["r2"]["reason"]["factors"])
    assert lines["r4"]["state"] == "dropped"
    assert lines["r4"]["surfaced_ts"] is None
    # held when read, surfaced when the wanted SUV itself was read within reach
    assert lines["r1"]["state"] == "candidate"
    assert lines["r1"]["reason"]["rule"] == "corroborated"
    assert lines["r1"]["surfaced_ts"] == 40
    assert lines["r2"]["reason"]["rule"] == "exact_contradicted"
    stats = json.loads(result.stderr.strip().splitlines()[-1])
    assert stats["cameras"] == 3
    assert sum(stats["states"].values()) == 4
    assert "cameras: 3 loaded, 0 skipped" in result.stderr
    assert "reads from cameras not in cameras.csv: 1" in result.stderr


def test_match_refuses_an_entry_whose_description_is_not_in_the_vocabulary(
    tmp_path: Path, files: tuple[Path, Path]
) -> None:
    _, reads = files
    hotlist = tmp_path / "hotlist.csv"
    hotlist.write_text("id,plate,colour\ne1,123가4567,분홍빛\ne2,45나6789,흰색\n", encoding="utf-8")
    result = runner.invoke(app, ["match", "--hotlist", str(hotlist), "--reads", str(reads)])
    assert result.exit_code == 0, result.output
    assert "hotlist entry e1: colour: '분홍빛' is not a colour in the vocabulary" in result.stderr
    assert "hotlist: 1 entries loaded, 1 skipped" in result.stderr


def test_match_reports_a_matched_read_whose_time_is_no_time(tmp_path: Path) -> None:
    hotlist = tmp_path / "hotlist.csv"
    hotlist.write_text("id,plate\ne1,123가4567\n", encoding="utf-8")
    reads = tmp_path / "reads.jsonl"
    reads.write_text(
        '{"id":"r1","camera_id":"a","ts":"noon","plate":"123가4567","confidence":0.9}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["match", "--hotlist", str(hotlist), "--reads", str(reads)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "read r1: ts 'noon' is not a time" in result.stderr


def test_match_cameras_file_that_cannot_be_read(tmp_path: Path, files: tuple[Path, Path]) -> None:
    hotlist, reads = files
    cameras = tmp_path / "cameras.csv"
    cameras.write_text("name\nx\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["match", "--hotlist", str(hotlist), "--reads", str(reads), "--cameras", str(cameras)],
    )
    assert result.exit_code == 2
    assert "error: cameras" in result.stderr
