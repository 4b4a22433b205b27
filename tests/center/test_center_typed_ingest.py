"""The typed (msgspec) fast path accepts exactly what the per-read checks accept, no more."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from safenet.center.ingest.schema import ReadProblem, parse_read
from safenet.center.ingest.typed import decode_batch, decode_message

JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"0" * 32).decode()
GOOD: dict[str, Any] = {
    "id": "cam7-000123",
    "camera_id": "SC-01",
    "ts": "2026-11-25T12:00:00+09:00",
    "plate": "12가3456",
    "confidence": 0.93,
    "alternatives": [{"plate": "12가3458", "confidence": 0.04}],
    "snapshot_jpeg": JPEG,
    "snapshot_ref": "cam-7/a.jpg",
    "vehicle": {"colour": "white", "type": "SUV"},
}

# One change each; every one of them must be refused by the per-read checks.
BAD: list[tuple[str, Any]] = [
    ("id", "has space"),
    ("id", ""),
    ("id", 7),
    ("camera_id", "   "),
    ("camera_id", "C" * 101),
    ("ts", "2026-11-25T12:00:00"),
    ("ts", "2026-11-25"),
    ("ts", "2026-11-25T12:00Z"),
    ("ts", 1764000000),
    ("plate", " "),
    ("plate", None),
    ("confidence", 1.5),
    ("confidence", True),
    ("confidence", "0.9"),
    ("alternatives", [{"plate": " ", "confidence": 0.1}]),
    ("alternatives", [{"plate": "12가3456", "confidence": 0.1, "x": 1}]),
    ("alternatives", [{"plate": "1", "confidence": 0.1}] * 11),
    ("snapshot_jpeg", "not base64!"),
    ("snapshot_jpeg", base64.b64encode(b"GIF89a").decode()),
    ("snapshot_ref", "http://evil/x.jpg"),
    ("snapshot_ref", ""),
    ("vehicle", {"colour": ""}),
    ("vehicle", {"wheels": 4}),
    ("vehicle", "white"),
    ("extra", 1),
]


def _body(reads: list[Any]) -> bytes:
    return json.dumps({"reads": reads}, ensure_ascii=False).encode()


def test_a_good_batch_decodes_to_what_the_per_read_checks_make() -> None:
    minimal = {k: GOOD[k] for k in ("id", "camera_id", "ts", "plate", "confidence")}
    reads = [GOOD, minimal, {**minimal, "id": "n2", "confidence": 1}]
    typed = decode_batch(_body(reads), max_reads=10, max_snapshot_bytes=1000)
    assert typed == [parse_read(r, max_snapshot_bytes=1000) for r in reads]


@pytest.mark.parametrize(("field", "value"), BAD, ids=[f"{f}={v!r}"[:40] for f, v in BAD])
def test_a_batch_with_any_bad_read_goes_to_the_per_read_path(field: str, value: Any) -> None:
    bad = {**GOOD, field: value}
    with pytest.raises(ReadProblem):
        parse_read(bad, max_snapshot_bytes=1000)
    assert decode_batch(_body([GOOD, bad]), max_reads=10, max_snapshot_bytes=1000) is None
    assert decode_message(_body([bad])[10:-1], max_reads=10, max_snapshot_bytes=1000) is None


def test_limits_send_the_batch_to_the_per_read_path() -> None:
    assert decode_batch(_body([GOOD] * 3), max_reads=2, max_snapshot_bytes=1000) is None
    assert decode_batch(_body([GOOD]), max_reads=2, max_snapshot_bytes=10) is None
    assert decode_batch(b'{"reads": [], "x": 1}', max_reads=2, max_snapshot_bytes=10) is None


def test_an_mqtt_message_is_one_read_or_an_array() -> None:
    one = json.dumps(GOOD, ensure_ascii=False).encode()
    assert decode_message(one, max_reads=5, max_snapshot_bytes=1000) == [
        parse_read(GOOD, max_snapshot_bytes=1000)
    ]
    many = json.dumps([GOOD, GOOD], ensure_ascii=False).encode()
    typed = decode_message(many, max_reads=5, max_snapshot_bytes=1000)
    assert typed is not None
    assert len(typed) == 2
