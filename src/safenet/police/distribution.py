"""Hotlist distribution: every change is a new version, sent to the centers as a delta.

Versions are consecutive integers. Each change of the active set (an approval, a
cancellation, a resolution, a renewal that moves an expiry, the expiry sweep) writes
a version row and enqueues a :class:`HotlistDelta` for every center through the
outbox, in the same transaction as the change itself. A center that is new, whose
:class:`HotlistAck` or :class:`Heartbeat` shows it behind for longer than the grace
period, gets a :class:`HotlistSnapshot` of the current version addressed to it alone.

All functions take an open connection inside the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.link import (
    ALL_CENTERS,
    Category,
    HotlistDelta,
    HotlistEntry,
    HotlistSnapshot,
    outbox,
)
from safenet.police.categories import CategoryPolicy
from safenet.police.clock import as_utc, iso, maybe_utc
from safenet.police.rows import entry_from_row
from safenet.police.tables import centers, hotlist_versions, wanted
from safenet.police.types import Status, WantedEntry
from safenet.vehicles import body_of, colour_of, make_of


@dataclass(frozen=True)
class Change:
    """A new hotlist version, to announce once its transaction has committed."""

    version: int
    cause: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    created_at: datetime | None = None

    def as_event(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "cause": self.cause,
            "added": list(self.added),
            "removed": list(self.removed),
            "at": iso(self.created_at),
        }


@dataclass
class Snapshots:
    """Snapshots enqueued by one call, per center (for logs and tests)."""

    sent: dict[str, int] = field(default_factory=dict)


def to_link_entry(entry: WantedEntry, policy: CategoryPolicy) -> HotlistEntry:
    """What a center needs of a wanted entry to match it: no case details, no names."""
    return HotlistEntry(
        entry_id=entry.entry_id,
        plate=entry.plate,
        category=cast(Category, entry.category),  # the gate admitted only link categories
        expires_at=entry.expires_at,
        fuzzy_allowance=policy.fuzzy_allowance,
        vehicle=entry.vehicle.text()[:200],
        policy=policy.policy,
        confirm_before_send=policy.confirm_before_send or entry.hold_hits,
        **vehicle_codes(entry),
    )


def vehicle_codes(entry: WantedEntry) -> dict[str, str | None]:
    """The entry's description on the vehicle vocabulary, as the centers compare it.

    Words the registration gate admitted map onto codes; a make we do not know
    is kept as folded text when it fits a code's shape, else left out.
    """
    v = entry.vehicle
    colour = colour_of(v.colour)
    body = body_of(v.type)
    make = make_of(v.make)
    return {
        "colour": None if colour is None else colour.value,
        "vehicle_type": None if body is None else body.value,
        "make": make if make is not None and _CODE.match(make) else None,
        "model": v.model.strip()[:60] or None,
    }


_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def current_version(conn: Connection) -> int:
    """The newest hotlist version (0 before the first)."""
    value = conn.execute(sa.select(sa.func.max(hotlist_versions.c.version))).scalar_one()
    return int(value or 0)


def version_created_at(conn: Connection, version: int) -> datetime | None:
    value = conn.execute(
        sa.select(hotlist_versions.c.created_at).where(hotlist_versions.c.version == version)
    ).scalar_one_or_none()
    return maybe_utc(value)


def ensure_initial(conn: Connection, now: datetime) -> int:
    """Create version 1 (the empty hotlist) on a new database; return the current version."""
    version = current_version(conn)
    if version == 0:
        conn.execute(
            hotlist_versions.insert().values(
                version=1, created_at=now, cause="initial", added=[], removed=[], entry_count=0
            )
        )
        version = 1
    return version


def active_entries(conn: Connection, now: datetime) -> list[WantedEntry]:
    """The hotlist: approved entries that have not ended or expired."""
    rows = conn.execute(
        sa.select(wanted)
        .where(wanted.c.status == Status.ACTIVE.value, wanted.c.expires_at > now)
        .order_by(wanted.c.entry_id)
    ).all()
    return [entry_from_row(r) for r in rows]


def record_change(
    conn: Connection,
    now: datetime,
    cause: str,
    policies: Mapping[str, CategoryPolicy],
    *,
    added: Sequence[WantedEntry] = (),
    removed: Sequence[str] = (),
) -> Change:
    """Write the next version and enqueue its delta for every center."""
    base = current_version(conn)
    version = base + 1
    count = conn.execute(
        sa.select(sa.func.count())
        .select_from(wanted)
        .where(wanted.c.status == Status.ACTIVE.value, wanted.c.expires_at > now)
    ).scalar_one()
    added_ids = tuple(e.entry_id for e in added)
    conn.execute(
        hotlist_versions.insert().values(
            version=version,
            created_at=now,
            cause=cause,
            added=list(added_ids),
            removed=list(removed),
            entry_count=int(count),
        )
    )
    outbox.enqueue(
        conn,
        HotlistDelta(
            target=ALL_CENTERS,
            version=version,
            base_version=base,
            issued_at=now,
            added=[to_link_entry(e, policies[e.category]) for e in added],
            removed=list(removed),
        ),
    )
    return Change(version, cause, added_ids, tuple(removed), now)


def send_snapshot(
    conn: Connection,
    site: str,
    now: datetime,
    policies: Mapping[str, CategoryPolicy],
    part_size: int,
) -> int:
    """Enqueue the current hotlist for one center, in parts; return its version.

    The snapshot's message ids are fixed by (center, version, part), so asking twice
    for the same version is harmless: the outbox keeps one copy.
    """
    version = current_version(conn)
    entries = [to_link_entry(e, policies[e.category]) for e in active_entries(conn, now)]
    chunks = [entries[i : i + part_size] for i in range(0, len(entries), part_size)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        outbox.enqueue(
            conn,
            HotlistSnapshot(
                target=site,
                version=version,
                issued_at=now,
                entries=chunk,
                part=number,
                parts=len(chunks),
            ),
        )
    _touch_center(conn, site, now)
    conn.execute(
        centers.update()
        .where(centers.c.site == site)
        .values(snapshot_version=version, snapshot_at=now)
    )
    return version


def _touch_center(conn: Connection, site: str, now: datetime) -> bool:
    """Make sure the center has a row; True when it was new."""
    from safenet.store import insert_if_absent

    return insert_if_absent(conn, centers, {"site": site, "first_seen_at": now}, ["site"])


def introduce_centers(
    conn: Connection,
    sites: Sequence[str],
    now: datetime,
    policies: Mapping[str, CategoryPolicy],
    part_size: int,
) -> list[str]:
    """Send a first snapshot to each configured center that never had one; return them."""
    introduced: list[str] = []
    for site in sites:
        _touch_center(conn, site, now)
        row = conn.execute(sa.select(centers).where(centers.c.site == site)).one()
        if row.snapshot_version is None and row.acked_version is None:
            send_snapshot(conn, site, now, policies, part_size)
            introduced.append(site)
    return introduced


def record_ack(
    conn: Connection,
    site: str,
    version: int,
    entry_count: int,
    acked_at: datetime,
    now: datetime,
) -> bool:
    """Store a center's acknowledgement (never moving backwards); True if it is new."""
    new = _touch_center(conn, site, now)
    row = conn.execute(sa.select(centers.c.acked_version).where(centers.c.site == site)).one()
    if row.acked_version is None or version >= row.acked_version:
        conn.execute(
            centers.update()
            .where(centers.c.site == site)
            .values(acked_version=version, acked_at=acked_at, acked_entry_count=entry_count)
        )
    return new


def record_heartbeat(
    conn: Connection,
    site: str,
    version: int | None,
    software_version: str,
    sent_at: datetime,
    now: datetime,
) -> bool:
    """Store a center's heartbeat; True if the center is new."""
    new = _touch_center(conn, site, now)
    conn.execute(
        centers.update()
        .where(centers.c.site == site)
        .values(heartbeat_at=sent_at, heartbeat_version=version, software_version=software_version)
    )
    return new


def needs_snapshot(conn: Connection, site: str, now: datetime, grace: timedelta) -> bool:
    """Whether a center should be sent the current version as a snapshot now.

    A center that knows no version, or that has lagged the current version for longer
    than ``grace`` (deltas in flight are not lag), and was not yet sent this version.
    """
    version = current_version(conn)
    row = conn.execute(sa.select(centers).where(centers.c.site == site)).first()
    if row is None:
        return True
    known = max(v for v in (row.acked_version, row.heartbeat_version, -1) if v is not None)
    if known >= version:
        return False
    if row.snapshot_version is not None and row.snapshot_version >= version:
        return False
    if known <= 0:
        return True
    issued = version_created_at(conn, version)
    return issued is None or now - issued >= grace


def lagging_centers(conn: Connection, now: datetime, grace: timedelta) -> list[str]:
    """Every known center that :func:`needs_snapshot`."""
    sites = [r.site for r in conn.execute(sa.select(centers.c.site)).all()]
    return [s for s in sites if needs_snapshot(conn, s, now, grace)]


def center_status(conn: Connection) -> dict[str, Any]:
    """Which version each center acknowledged and when, against the current version."""
    version = current_version(conn)
    rows = conn.execute(sa.select(centers).order_by(centers.c.site)).all()
    listed = []
    for r in rows:
        acked = r.acked_version
        listed.append(
            {
                "site": r.site,
                "acked_version": acked,
                "acked_at": iso(maybe_utc(r.acked_at)),
                "acked_entry_count": r.acked_entry_count,
                "behind_by": version - acked if acked is not None else None,
                "in_sync": acked == version,
                "heartbeat_at": iso(maybe_utc(r.heartbeat_at)),
                "heartbeat_version": r.heartbeat_version,
                "software_version": r.software_version,
                "snapshot_version": r.snapshot_version,
                "snapshot_at": iso(maybe_utc(r.snapshot_at)),
                "first_seen_at": iso(as_utc(r.first_seen_at)),
            }
        )
    return {"version": version, "centers": listed}


def versions(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    """The newest hotlist versions, newest first."""
    rows = conn.execute(
        sa.select(hotlist_versions).order_by(hotlist_versions.c.version.desc()).limit(limit)
    ).all()
    return [
        {
            "version": r.version,
            "created_at": iso(as_utc(r.created_at)),
            "cause": r.cause,
            "added": list(r.added),
            "removed": list(r.removed),
            "entry_count": r.entry_count,
        }
        for r in rows
    ]
