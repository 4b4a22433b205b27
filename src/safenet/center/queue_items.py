"""One queue item per vehicle and entry: the pending hits an operator decides together.

The decision chain names each hit's vehicle (``group_plate``: the plate the vehicle
appears to carry, the wanted plate for the entry's own car, the read's text for a
look-alike that keeps being read as itself or for a witness pattern). Pending hits of
one entry with the same vehicle are one item in the queue: the first of them stands
for the item, the others come with it as its ``reads``, and one decision decides them
all. Hits the chain did not decide (written before it ran, or when it failed) group
by the entry's plate, or for a pattern entry by the plate read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safenet.vehicles import Description, describe

MAX_PENDING = 5000
"""Pending hits read to build the queue (the oldest first)."""


def group_key(row: Any) -> tuple[str, str]:
    """The queue item a hit row belongs to: (entry id, the vehicle's plate)."""
    if row.group_plate:
        return (row.entry_id, row.group_plate)
    plate = row.entry_plate or ""
    if not plate or "?" in plate or "*" in plate:
        plate = row.plate_read
    return (row.entry_id, plate)


def read_line(view: dict[str, Any]) -> dict[str, Any]:
    """One read of a queue item, as the item lists it."""
    keys = (
        "hit_id",
        "camera_id",
        "read_at",
        "plate_read",
        "level",
        "score",
        "read_confidence",
        "vehicle_seen",
        "reported",
        "assessment",
    )
    return {k: view.get(k) for k in keys}


def queue_items(
    rows: Iterable[Any], views: Iterable[dict[str, Any]], limit: int
) -> list[dict[str, Any]]:
    """The queue: one item per (entry, vehicle), oldest first, each with all its reads."""
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for row, view in zip(rows, views, strict=True):
        key = group_key(row)
        item = items.get(key)
        if item is None:
            if len(items) >= limit:
                continue
            item = {**view, "group": {"entry_id": key[0], "plate": key[1]}, "reads": []}
            items[key] = item
        item["reads"].append(read_line(view))
    for item in items.values():
        item["read_count"] = len(item["reads"])
    return list(items.values())


def description_view(
    colour: str | None, vehicle_type: str | None, make: str | None, model: str | None
) -> dict[str, Any]:
    """A description in the vocabulary's words, Korean and English (codes kept)."""
    d: Description
    d, _ = describe(colour, vehicle_type, make, model)
    return {
        "colour": None if d.colour is None else d.colour.value,
        "type": None if d.body is None else d.body.value,
        "make": d.make,
        "model": d.model,
        "ko": d.label("ko"),
        "en": d.label("en"),
    }
