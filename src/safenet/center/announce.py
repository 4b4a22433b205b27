"""The center announces its cameras to the police: at start, and whenever its cameras change.

The police accept a LocationReport only for a camera its sender announced
(:func:`safenet.link.cameras.guard_reports`). :class:`RegistryAnnouncer` reads the
cameras in service from the center's database — ids, positions, headings, addresses,
never a read — and, when they differ from what it announced last (always at start),
puts a new version of the registry into the link outbox
(:func:`safenet.link.cameras.registry_messages`). Camera files are imported by the
CLI, possibly while the service runs, so the announcer looks every ``interval_s``
seconds (``center.camera_announce_s``, 5 s: about when the pipeline itself sees a new
camera) — a cheap summary query first, the cameras themselves only when it changed;
:meth:`RegistryAnnouncer.wake` announces at once after an import in the same process.

A version is the announcement's time in seconds (at least one above the last), so a
restarted center's announcement is always newer than what the police hold.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from safenet.center.tables import cameras
from safenet.link import outbox
from safenet.link.cameras import registry_messages
from safenet.link.messages import CameraAnnouncement, Coordinates
from safenet.service.loop import Periodic
from safenet.store import Database

log = logging.getLogger(__name__)


def announced_cameras(db: Database) -> list[CameraAnnouncement]:
    """The center's cameras in service, as the registry announces them (no reads)."""
    query = (
        sa.select(
            cameras.c.camera_id,
            cameras.c.lat,
            cameras.c.lon,
            cameras.c.heading,
            cameras.c.address,
        )
        .where(cameras.c.retired_at.is_(None))
        .order_by(cameras.c.camera_id)
    )
    with db.read() as conn:
        rows = conn.execute(query).all()
    found: list[CameraAnnouncement] = []
    for r in rows:
        heading = None if r.heading is None else float(r.heading) % 360.0
        try:
            found.append(
                CameraAnnouncement(
                    camera_id=r.camera_id,
                    coordinates=Coordinates(lat=float(r.lat), lon=float(r.lon)),
                    heading=heading,
                    address=(r.address or "")[:200],
                )
            )
        except (ValueError, TypeError) as exc:  # one bad row never hides the others
            log.warning("registry: camera %s left out of the announcement: %s", r.camera_id, exc)
    return found


def registry_stamp(db: Database) -> tuple[object, ...]:
    """A cheap summary that changes whenever a camera is imported, moved or retired."""
    query = sa.select(
        sa.func.count(),
        sa.func.max(cameras.c.imported_at),
        sa.func.count(cameras.c.retired_at),
        sa.func.max(cameras.c.retired_at),
    ).select_from(cameras)
    with db.read() as conn:
        return tuple(conn.execute(query).one())


def fingerprint(items: list[CameraAnnouncement]) -> str:
    """A digest of an announcement's content (to tell whether the cameras changed)."""
    h = hashlib.sha256()
    for c in items:
        h.update(
            f"{c.camera_id}|{c.coordinates.lat}|{c.coordinates.lon}|{c.heading}|{c.address}\n".encode()
        )
    return h.hexdigest()


class RegistryAnnouncer(Periodic):
    """Announces the center's camera registry when it changes; see the module docstring."""

    name = "camera-announce"

    def __init__(
        self,
        owner: str,
        site: str,
        db: Database,
        clock: Callable[[], datetime],
        *,
        notify: Callable[[], None],
        interval_s: float,
    ) -> None:
        super().__init__(owner, interval_s)
        self.site = site
        self.db = db
        self.clock = clock
        self.notify = notify
        self.version = 0
        self.announced = 0
        self._fingerprint: str | None = None
        self._stamp: tuple[object, ...] | None = None

    async def start(self) -> None:
        await asyncio.to_thread(self.announce_if_changed)  # at start, before any report
        await super().start()

    async def step(self) -> None:
        await asyncio.to_thread(self.announce_if_changed)

    def announce_if_changed(self) -> int | None:
        """Queue a new registry version if the cameras changed; its version, or None."""
        stamp = registry_stamp(self.db)
        if stamp == self._stamp:
            return None  # nothing imported or retired since the last look
        self._stamp = stamp
        items = announced_cameras(self.db)
        digest = fingerprint(items)
        if digest == self._fingerprint:
            return None
        now = self.clock()
        version = max(self.version + 1, int(now.timestamp()))
        messages = registry_messages(self.site, version, items, now)
        with self.db.begin() as conn:
            for message in messages:
                outbox.enqueue(conn, message)
        self.version, self._fingerprint = version, digest
        self.announced += 1
        log.info(
            "center %s: camera registry v%d announced (%d cameras, %d parts)",
            self.site,
            version,
            len(items),
            len(messages),
        )
        self.notify()
        return version
