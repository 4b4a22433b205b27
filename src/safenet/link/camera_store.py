"""The police's store of the camera registries the centers announced over the link.

Tables of the police chain (migration ``police_0006``): the parts received per center
and version, each center's applied version, and its cameras. :func:`record` keeps a
part in the caller's transaction and, once every part of a version newer than the
applied one is in, replaces the center's cameras with it (older versions are kept
out). :func:`load_directory` reads every center's cameras into the pure
:class:`~safenet.link.cameras.CameraDirectory`; :class:`RegistryKeeper` keeps that
directory current for a running police service::

    keeper = RegistryKeeper(db); await keeper.start()
    await transport.subscribe_family(Family.REGISTRY, keeper.on_registry)
    handler = guard_reports(intake_handler, keeper.directory, transport.alarms)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.link import inbox
from safenet.link.cameras import CameraDirectory
from safenet.link.messages import CameraAnnouncement, CameraRegistry, Coordinates, Message
from safenet.store import Database
from safenet.store.sql import UtcDateTime, insert_if_absent

metadata = sa.MetaData()

registry_parts = sa.Table(
    "police_camera_registry_parts",
    metadata,
    sa.Column("site", sa.String(32), primary_key=True),
    sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("part", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("parts", sa.Integer(), nullable=False),
    sa.Column("cameras", sa.JSON(), nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)
"""Registry parts as they arrived, until their version is complete and applied."""

registry_versions = sa.Table(
    "police_camera_registry_versions",
    metadata,
    sa.Column("site", sa.String(32), primary_key=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("cameras", sa.Integer(), nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("applied_at", UtcDateTime(), nullable=False),
)
"""Each center's applied registry version."""

registry_cameras = sa.Table(
    "police_camera_registry",
    metadata,
    sa.Column("site", sa.String(32), primary_key=True),
    sa.Column("camera_id", sa.String(64), primary_key=True),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("heading", sa.Float(), nullable=True),
    sa.Column("facing", sa.String(8), nullable=True),
    sa.Column("address", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)
"""Each center's announced cameras at its applied version."""

_encoder = msgspec.json.Encoder()
_cameras = msgspec.json.Decoder(list[CameraAnnouncement])


@dataclass(frozen=True)
class RegistryUpdate:
    """What one registry part did: waiting for parts, applied, or older than the applied one."""

    site: str
    version: int
    applied: bool
    stale: bool = False
    cameras: int = 0


def applied_version(conn: Connection, site: str) -> int:
    """The registry version applied for ``site`` (0 when none)."""
    value = conn.execute(
        sa.select(registry_versions.c.version).where(registry_versions.c.site == site)
    ).scalar_one_or_none()
    return int(value or 0)


def record(
    conn: Connection, message: CameraRegistry, now: datetime | None = None
) -> RegistryUpdate:
    """Keep one registry part; apply its version once every part of it is in."""
    now = now or datetime.now(UTC)
    current = applied_version(conn, message.site)
    if message.version <= current:
        return RegistryUpdate(message.site, message.version, applied=False, stale=True)
    insert_if_absent(
        conn,
        registry_parts,
        {
            "site": message.site,
            "version": message.version,
            "part": message.part,
            "parts": message.parts,
            "cameras": msgspec.json.decode(_encoder.encode(message.cameras)),
            "issued_at": message.issued_at,
            "received_at": now,
        },
        ["site", "version", "part"],
    )
    rows = conn.execute(
        sa.select(registry_parts.c.part, registry_parts.c.cameras)
        .where(registry_parts.c.site == message.site, registry_parts.c.version == message.version)
        .order_by(registry_parts.c.part)
    ).all()
    if {int(r.part) for r in rows} != set(range(1, message.parts + 1)):
        return RegistryUpdate(message.site, message.version, applied=False)
    cameras = [c for r in rows for c in _cameras.decode(_encoder.encode(r.cameras))]
    _apply(conn, message, cameras, now)
    return RegistryUpdate(message.site, message.version, applied=True, cameras=len(cameras))


def _apply(
    conn: Connection, message: CameraRegistry, cameras: list[CameraAnnouncement], now: datetime
) -> None:
    site = message.site
    conn.execute(sa.delete(registry_cameras).where(registry_cameras.c.site == site))
    if cameras:
        conn.execute(
            registry_cameras.insert(),
            [
                {
                    "site": site,
                    "camera_id": c.camera_id,
                    "lat": c.coordinates.lat,
                    "lon": c.coordinates.lon,
                    "heading": c.heading,
                    "facing": c.facing,
                    "address": c.address,
                    "version": message.version,
                }
                for c in cameras
            ],
        )
    conn.execute(sa.delete(registry_versions).where(registry_versions.c.site == site))
    conn.execute(
        registry_versions.insert().values(
            site=site,
            version=message.version,
            cameras=len(cameras),
            issued_at=message.issued_at,
            applied_at=now,
        )
    )
    conn.execute(
        sa.delete(registry_parts).where(
            registry_parts.c.site == site, registry_parts.c.version <= message.version
        )
    )


def load_directory(conn: Connection) -> CameraDirectory:
    """Every center's applied registry, as the pure directory the report check uses."""
    registries: dict[str, dict[str, CameraAnnouncement]] = {}
    for site in conn.execute(sa.select(registry_versions.c.site)).scalars():
        registries[str(site)] = {}
    for r in conn.execute(sa.select(registry_cameras)):
        registries.setdefault(r.site, {})[r.camera_id] = CameraAnnouncement(
            camera_id=r.camera_id,
            coordinates=Coordinates(lat=r.lat, lon=r.lon),
            heading=r.heading,
            facing=r.facing,
            address=r.address,
        )
    return CameraDirectory(registries)


class RegistryKeeper:
    """The police's live view of the announced registries, kept current from the link."""

    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.clock = clock or (lambda: datetime.now(UTC))
        self._directory = CameraDirectory({})

    def directory(self) -> CameraDirectory:
        """The registries as last loaded (cheap: no database work)."""
        return self._directory

    def camera_belongs(self, site: str, camera_id: str) -> bool:
        return self._directory.camera_belongs(site, camera_id)

    def reload(self) -> CameraDirectory:
        """Read the registries from the database (a worker thread's job)."""
        with self.db.read() as conn:
            self._directory = load_directory(conn)
        return self._directory

    async def start(self) -> None:
        await asyncio.to_thread(self.reload)

    async def on_registry(self, message: Message) -> None:
        """The link handler for CameraRegistry messages: keep, apply, reload."""
        if not isinstance(message, CameraRegistry):
            return

        def store() -> RegistryUpdate | None:
            with self.db.begin() as conn:
                if not inbox.first_receipt(conn, message):
                    return None
                return record(conn, message, self.clock())

        update = await asyncio.to_thread(store)
        if update is not None and update.applied:
            await asyncio.to_thread(self.reload)
