"""The read format every ingest path accepts (HTTP, MQTT, replay), checked one read at a time.

One JSON object per read::

    {"id": "cam7-000123", "camera_id": "EP-0101", "ts": "2026-11-25T12:00:00+09:00",
     "plate": "123가4567", "confidence": 0.93,
     "alternatives": [{"plate": "123가4557", "confidence": 0.04}],      optional, at most 10
     "snapshot_jpeg": "<base64>",                                         optional
     "snapshot_ref": "cam-7/2026-11-25T12:00:00Z.jpg",                    optional, no URL
     "vehicle": {"colour": "white", "type": "SUV"}}                       optional

A read that breaks any rule is refused with the field and the reason; the others in
its batch go on. The plate is only checked for being text here: the pipeline's
normalize stage decides whether it can be a plate.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from safenet.center.types import IncomingRead, RejectCode, Rejection

READ_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
MAX_ALTERNATIVES = 10
MAX_CAMERA_ID = 100
MAX_RAW_PLATE = 64
MAX_SNAPSHOT_REF = 200
MAX_VEHICLE_TEXT = 40
_JPEG_MAGIC = b"\xff\xd8\xff"
_FIELDS = frozenset(
    {
        "id",
        "camera_id",
        "ts",
        "plate",
        "confidence",
        "alternatives",
        "snapshot_jpeg",
        "snapshot_ref",
        "vehicle",
    }
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class ReadProblem(Exception):
    """A read that breaks the format; carries the rejection to report."""

    def __init__(self, field: str, reason: str, code: RejectCode = RejectCode.SCHEMA) -> None:
        super().__init__(f"{field}: {reason}")
        self.rejection = Rejection(field, reason, code)


def read_id_of(obj: object) -> str | None:
    """The read's id when it has a usable one (for the rejection list), else None."""
    if isinstance(obj, Mapping):
        value = obj.get("id")
        if isinstance(value, str) and READ_ID.match(value):
            return value
    return None


def parse_read(obj: object, *, max_snapshot_bytes: int) -> IncomingRead:
    """Check one read object and return it typed; raises :class:`ReadProblem`."""
    if not isinstance(obj, Mapping):
        raise ReadProblem("", f"a read must be a JSON object, not {_json_type(obj)}")
    unknown = sorted(str(k) for k in obj if k not in _FIELDS)
    if unknown:
        raise ReadProblem(unknown[0], "is not a field of a read")
    read_id = _text(obj, "id", required=True)
    assert read_id is not None
    if not READ_ID.match(read_id):
        raise ReadProblem("id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
    camera_id = _text(obj, "camera_id", required=True, max_length=MAX_CAMERA_ID)
    assert camera_id is not None
    ts = _timestamp(obj.get("ts"))
    plate = _text(obj, "plate", required=True, max_length=MAX_RAW_PLATE)
    assert plate is not None
    confidence = _probability(obj.get("confidence"), "confidence")
    alternatives = _alternatives(obj.get("alternatives"))
    snapshot = _snapshot(obj.get("snapshot_jpeg"), max_snapshot_bytes)
    snapshot_ref = _snapshot_ref(obj.get("snapshot_ref"))
    colour, kind = _vehicle(obj.get("vehicle"))
    return IncomingRead(
        read_id=read_id,
        camera_id=camera_id,
        ts=ts,
        plate=plate,
        confidence=confidence,
        alternatives=alternatives,
        snapshot_jpeg=snapshot,
        snapshot_ref=snapshot_ref,
        vehicle_colour=colour,
        vehicle_type=kind,
    )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _text(
    obj: Mapping[str, Any],
    name: str,
    *,
    required: bool,
    max_length: int = 64,
    label: str | None = None,
) -> str | None:
    value = obj.get(name)
    name = label or name
    if value is None:
        if required:
            raise ReadProblem(name, "is required")
        return None
    if not isinstance(value, str):
        raise ReadProblem(name, f"must be a string, not {_json_type(value)}")
    if not value.strip():
        raise ReadProblem(name, "must not be empty")
    if len(value) > max_length:
        raise ReadProblem(name, f"must be at most {max_length} characters")
    return value


def _timestamp(value: object) -> datetime:
    if value is None:
        raise ReadProblem("ts", "is required", RejectCode.TIMESTAMP)
    if not isinstance(value, str):
        raise ReadProblem(
            "ts", f"must be an RFC 3339 string, not {_json_type(value)}", RejectCode.TIMESTAMP
        )
    if len(value) < 20 or value[10] not in "Tt ":
        raise ReadProblem(
            "ts",
            "must be an RFC 3339 date and time with an offset, e.g. 2026-11-25T12:00:00+09:00",
            RejectCode.TIMESTAMP,
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ReadProblem(
            "ts", f"{value!r} is not an RFC 3339 date and time", RejectCode.TIMESTAMP
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ReadProblem(
            "ts",
            "needs a UTC offset (Z or +09:00): a camera's local time is ambiguous",
            RejectCode.TIMESTAMP,
        )
    return parsed.astimezone(UTC)


def _probability(value: object, name: str) -> float:
    if value is None:
        raise ReadProblem(name, "is required")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReadProblem(name, f"must be a number, not {_json_type(value)}")
    number = float(value)
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise ReadProblem(name, "must be between 0 and 1")
    return number


def _alternatives(value: object) -> tuple[tuple[str, float], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ReadProblem("alternatives", f"must be an array, not {_json_type(value)}")
    if len(value) > MAX_ALTERNATIVES:
        raise ReadProblem("alternatives", f"must hold at most {MAX_ALTERNATIVES} plates")
    found: list[tuple[str, float]] = []
    for i, item in enumerate(value):
        where = f"alternatives[{i}]"
        if not isinstance(item, Mapping):
            raise ReadProblem(where, f"must be an object, not {_json_type(item)}")
        extra = sorted(str(k) for k in item if k not in ("plate", "confidence"))
        if extra:
            raise ReadProblem(f"{where}.{extra[0]}", "is not a field of an alternative")
        plate = _text(
            item, "plate", required=True, max_length=MAX_RAW_PLATE, label=f"{where}.plate"
        )
        assert plate is not None
        found.append((plate, _probability(item.get("confidence"), f"{where}.confidence")))
    return tuple(found)


def _snapshot(value: object, max_bytes: int) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReadProblem(
            "snapshot_jpeg",
            f"must be a base64 string, not {_json_type(value)}",
            RejectCode.SNAPSHOT,
        )
    # base64 grows by 4/3: refuse before decoding what cannot fit.
    if len(value) > (max_bytes * 4) // 3 + 8:
        raise ReadProblem(
            "snapshot_jpeg", f"is larger than {max_bytes:,} bytes decoded", RejectCode.SNAPSHOT
        )
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ReadProblem("snapshot_jpeg", "is not valid base64", RejectCode.SNAPSHOT) from None
    if len(data) > max_bytes:
        raise ReadProblem(
            "snapshot_jpeg", f"is larger than {max_bytes:,} bytes decoded", RejectCode.SNAPSHOT
        )
    if not data.startswith(_JPEG_MAGIC):
        raise ReadProblem("snapshot_jpeg", "is not a JPEG image", RejectCode.SNAPSHOT)
    return data


def _snapshot_ref(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ReadProblem("snapshot_ref", "must be a non-empty string", RejectCode.SNAPSHOT)
    if len(value) > MAX_SNAPSHOT_REF:
        raise ReadProblem(
            "snapshot_ref", f"must be at most {MAX_SNAPSHOT_REF} characters", RejectCode.SNAPSHOT
        )
    if "://" in value or _CONTROL.search(value):
        raise ReadProblem(
            "snapshot_ref",
            "must be a reference without a URL scheme, spaces or control characters",
            RejectCode.SNAPSHOT,
        )
    return value


def _vehicle(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, Mapping):
        raise ReadProblem("vehicle", f"must be an object, not {_json_type(value)}")
    extra = sorted(str(k) for k in value if k not in ("colour", "type"))
    if extra:
        raise ReadProblem(f"vehicle.{extra[0]}", "is not a field of vehicle (colour, type)")
    colour = _text(
        value, "colour", required=False, max_length=MAX_VEHICLE_TEXT, label="vehicle.colour"
    )
    kind = _text(value, "type", required=False, max_length=MAX_VEHICLE_TEXT, label="vehicle.type")
    return colour, kind
