"""The ingest read format: each field checked on its own, with the field and reason named."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from safenet.center.ingest.schema import ReadProblem, parse_read
from safenet.center.types import RejectCode

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 10


def _read(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "cam7-000123",
        "camera_id": "EP-0101",
        "ts": "2026-11-25T12:00:00+09:00",
        "plate": "123가4567",
        "confidence": 0.93,
    }
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


def _problem(obj: object) -> tuple[str, str, RejectCode]:
    with pytest.raises(ReadProblem) as caught:
        parse_read(obj, max_snapshot_bytes=1024)
    r = caught.value.rejection
    return r.field, r.reason, r.code


def test_a_full_read_is_taken_with_its_time_in_utc() -> None:
    parsed = parse_read(
        _read(
            alternatives=[{"plate": "123가4557", "confidence": 0.04}],
            snapshot_jpeg=base64.b64encode(JPEG).decode(),
            snapshot_ref="cam-7/2026-11-25T12:00:00Z.jpg",
            vehicle={"colour": "white", "type": "SUV"},
        ),
        max_snapshot_bytes=1024,
    )
    assert parsed.ts == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    assert parsed.alternatives == (("123가4557", 0.04),)
    assert parsed.snapshot_jpeg == JPEG
    assert (parsed.vehicle_colour, parsed.vehicle_type) == ("white", "SUV")


@pytest.mark.parametrize(
    ("obj", "field", "fragment", "code"),
    [
        ([1], "", "must be a JSON object", RejectCode.SCHEMA),
        (_read(id="bad id!"), "id", "1-64 characters", RejectCode.SCHEMA),
        (_read(id=None), "id", "is required", RejectCode.SCHEMA),
        (_read(camera_id=7), "camera_id", "must be a string", RejectCode.SCHEMA),
        (_read(ts="2026-11-25T12:00:00.000"), "ts", "needs a UTC offset", RejectCode.TIMESTAMP),
        (_read(ts="2026-11-25"), "ts", "RFC 3339", RejectCode.TIMESTAMP),
        (_read(ts="2026-13-45T12:00:00Z"), "ts", "is not an RFC 3339", RejectCode.TIMESTAMP),
        (_read(confidence=True), "confidence", "must be a number", RejectCode.SCHEMA),
        (_read(confidence=-0.1), "confidence", "between 0 and 1", RejectCode.SCHEMA),
        (_read(alternatives=[{}] * 11), "alternatives", "at most 10", RejectCode.SCHEMA),
        (
            _read(alternatives=[{"plate": "1", "confidence": 2}]),
            "alternatives[0].confidence",
            "between 0 and 1",
            RejectCode.SCHEMA,
        ),
        (_read(snapshot_jpeg="***"), "snapshot_jpeg", "base64", RejectCode.SNAPSHOT),
        (
            _read(snapshot_jpeg=base64.b64encode(b"GIF89a").decode()),
            "snapshot_jpeg",
            "not a JPEG",
            RejectCode.SNAPSHOT,
        ),
        (
            _read(snapshot_jpeg=base64.b64encode(JPEG * 200).decode()),
            "snapshot_jpeg",
            "larger than",
            RejectCode.SNAPSHOT,
        ),
        (
            _read(snapshot_ref="https://cam/7.jpg"),
            "snapshot_ref",
            "without a URL",
            RejectCode.SNAPSHOT,
        ),
        (_read(vehicle={"color": "red"}), "vehicle.color", "not a field", RejectCode.SCHEMA),
        (_read(vehicle={"colour": "r" * 41}), "vehicle.colour", "at most 40", RejectCode.SCHEMA),
        (_read(speed=80), "speed", "not a field of a read", RejectCode.SCHEMA),
    ],
)
def test_each_problem_names_the_field_and_the_reason(
    obj: object, field: str, fragment: str, code: RejectCode
) -> None:
    got_field, reason, got_code = _problem(obj)
    assert got_field == field
    assert fragment in reason
    assert got_code is code
