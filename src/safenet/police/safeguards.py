"""The police's safeguards, wired: reports held to their cameras, audit anchored, alarms seen.

:class:`PoliceSafeguards` is built by :class:`~safenet.police.service.PoliceService`
and started with it:

- the :class:`~safenet.link.camera_store.RegistryKeeper` keeps every center's announced
  camera registry (the ``registry`` family), and :meth:`PoliceSafeguards.guard` wraps
  the intake's handlers with :func:`~safenet.link.cameras.guard_reports`: a report
  naming a camera its sender did not announce is refused and alarmed
  (``police.camera_check``);
- the :class:`~safenet.audit.site.SiteAudit` signs checkpoints of the police chain by
  itself, sends each head to the centers, keeps every center's heads (the ``audit``
  family), and writes every link alarm to the audit log;
- each alarm goes to the dispatchers' console as a ``link_alarm`` event on the live
  stream, and is counted on ``/metrics`` (``safenet_police_link_alarms_total{kind,site}``).
"""

from __future__ import annotations

import asyncio

from safenet.audit.checkpoint import SigningKey
from safenet.audit.settings import AuditSettings
from safenet.audit.site import SiteAudit
from safenet.link import (
    CameraRegistry,
    Family,
    LookupCapExceeded,
    Message,
    Relay,
    Subscription,
    Transport,
    inbox,
)
from safenet.link.alarms import Alarm, AlarmKind
from safenet.link.camera_store import RegistryKeeper
from safenet.link.cameras import guard_reports
from safenet.link.errors import MessageRefused
from safenet.link.transport import Handler
from safenet.police.alerts import AlertHub
from safenet.police.clock import Clock
from safenet.police.districts import DistrictCheck
from safenet.police.metrics import PoliceMetrics
from safenet.police.rows import serial_write
from safenet.store import Database

POLICE = "police"


class PoliceSafeguards:
    """The police's share of issue 13's safeguards; see the module docstring."""

    def __init__(
        self,
        *,
        db: Database,
        transport: Transport,
        relay: Relay,
        hub: AlertHub,
        metrics: PoliceMetrics,
        audit: AuditSettings,
        key: SigningKey,
        clock: Clock,
        camera_check: bool = True,
        districts: DistrictCheck | None = None,
    ) -> None:
        self.db = db
        self.transport = transport
        self.hub = hub
        self.camera_check = camera_check
        self.districts = districts
        self.cameras = RegistryKeeper(db, clock)
        self.audit = SiteAudit(
            db,
            transport,
            POLICE,
            audit,
            key,
            notify=relay.notify,
            clock=clock,
            show=self.show,
            writer=serial_write,
        )
        metrics.registry.register(transport.alarms.collector("safenet_police"))
        self._registry_sub: Subscription | None = None

    def guard(self, handler: Handler) -> Handler:
        """``handler`` behind the camera check (every family; only reports are checked)."""
        guarded = (
            guard_reports(handler, self.cameras.directory, self.transport.alarms)
            if self.camera_check
            else handler
        )

        async def checked(message: Message) -> None:
            if isinstance(message, LookupCapExceeded):
                await self.on_lookup_cap(message)
                return
            await guarded(message)

        return checked

    async def on_registry(self, message: Message) -> None:
        """Keep a center's camera registry, unless it places a camera outside its district."""
        if isinstance(message, CameraRegistry) and self.districts is not None:
            reason = await asyncio.to_thread(self.districts.outside, message.site, message.cameras)
            if reason is not None:
                self.transport.alarms.raise_alarm(
                    AlarmKind.FOREIGN_CAMERA,
                    site=message.site,
                    subject=message.subject,
                    message_id=message.message_id,
                    detail=reason,
                )
                raise MessageRefused(reason)
        await self.cameras.on_registry(message)

    async def on_lookup_cap(self, message: LookupCapExceeded) -> None:
        """A center's look-up found more vehicles than the cap: the police alarm too."""

        def first() -> bool:
            with self.db.begin() as conn:
                return inbox.first_receipt(conn, message)

        if await asyncio.to_thread(first):
            self.transport.alarms.raise_alarm(
                AlarmKind.LOOKUP_CAP,
                site=message.site,
                subject=message.subject,
                message_id=message.message_id,
                detail=f"look-up for entry {message.entry_id} at {message.site} found "
                f"{message.vehicles} vehicles (cap {message.max_vehicles})",
            )

    async def start(self) -> None:
        """Load the registries and subscribe to them; anchor and witness the audit chain."""
        await self.cameras.start()
        self._registry_sub = await self.transport.subscribe_family(
            Family.REGISTRY, self.on_registry
        )
        await self.audit.start()

    async def stop(self) -> None:
        await self.audit.stop()
        if self._registry_sub is not None:
            sub, self._registry_sub = self._registry_sub, None
            await sub.stop()

    def show(self, alarm: Alarm) -> None:
        """Put an alarm on the dispatchers' live stream (the console shows it in Korean)."""
        self.hub.publish("link_alarm", alarm.site, alarm.as_dict())
