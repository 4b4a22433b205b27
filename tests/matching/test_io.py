"""Hotlist and read files: formats, and bad lines reported with their number."""

from __future__ import annotations

from safenet.matching import HotlistEntry, parse_hotlist, parse_reads

GOOD = (
    b'{"id":"r1","camera_id":"c","ts":"2024-05-01T00:00:00Z",'
    b'"plate":"12\xea\xb0\x803456","confidence":0.9}'
)


def test_reads_decode_in_one_go() -> None:
    chunk = parse_reads([GOOD, GOOD.replace(b'"r1"', b'"r2"')])
    assert [r.id for r in chunk.reads] == ["r1", "r2"]
    assert chunk.problems == []
    assert chunk.reads[0].alternatives == []


def test_bad_read_lines_are_reported_and_skipped() -> None:
    lines = [
        GOOD,
        b"not json",
        b"",
        GOOD.replace(b"0.9", b"1.5"),
        GOOD.replace(b'"camera_id":"c",', b""),
        GOOD.replace(b"}", b',"alternatives":[{"plate":"12\xea\xb0\x803458","confidence":0.1}]}'),
        b'{"id":"r9","camera_id":"c","ts":17e8,"plate":"x","confidence":0}',
    ]
    chunk = parse_reads(lines, first_line=101)
    assert [r.id for r in chunk.reads] == ["r1", "r1", "r9"]
    assert chunk.reads[1].alternatives[0].plate == "12가3458"
    assert [p.line for p in chunk.problems] == [102, 104, 105]
    assert "malformed" in chunk.problems[0].reason
    assert "confidence" in chunk.problems[1].reason
    assert "camera_id" in chunk.problems[2].reason
    assert str(chunk.problems[1]).startswith("line 104: ")


def test_hotlist_csv() -> None:
    text = (
        "id,plate,policy\n"
        "a,123가4567,default\n"
        "b,12가34??,strict\n"
        ",11가1111,default\n"
        "c,,default\n"
        "d,1,2,3\n"
        "\n"
        "e,45나 6789,\n"
    )
    entries, problems = parse_hotlist(text.encode())
    assert entries == [
        HotlistEntry("a", "123가4567"),
        HotlistEntry("b", "12가34??", "strict"),
        HotlistEntry("e", "45나 6789"),
    ]
    assert [(p.line, p.entry_id) for p in problems] == [(4, None), (5, "c"), (6, None)]
    assert "id is empty" in problems[0].reason
    assert "plate is empty" in problems[1].reason
    assert "expected 3 fields" in problems[2].reason


def test_hotlist_csv_header_must_name_id_and_plate() -> None:
    entries, problems = parse_hotlist("plate,policy\n12가3456,default\n")
    assert entries == []
    assert "id" in problems[0].reason
    assert parse_hotlist("")[1][0].reason.startswith("hotlist is empty")


def test_hotlist_jsonl() -> None:
    text = (
        '{"id":"a","plate":"123가4567"}\n'
        '{"id":"b","plate":"*3456","policy":"lenient","priority":5}\n'
        '{"id":"c"}\n'
        "oops\n"
    )
    entries, problems = parse_hotlist(text)
    assert entries == [
        HotlistEntry("a", "123가4567"),
        HotlistEntry("b", "*3456", "lenient", 5),
    ]
    assert [(p.line, p.entry_id) for p in problems] == [(3, "c"), (4, None)]
    assert "plate" in problems[0].reason
