"""A center's safeguards, wired: its cameras announced, its audit anchored, its alarms seen.

:class:`CenterSafeguards` is built by :class:`~safenet.center.service.CenterService`
and started with it:

- the :class:`~safenet.center.announce.RegistryAnnouncer` announces the center's camera
  registry at start and after every camera import (the police accept reports only of
  announced cameras);
- the :class:`~safenet.audit.site.SiteAudit` signs checkpoints of the center's audit
  chain by itself, sends each head to the police, keeps the police's heads, and writes
  every link alarm to the audit log;
- the link alarms are counted on ``/metrics``
  (``safenet_center_link_alarms_total{kind,site}``) and listed in the center's status
  (``GET /api/v1/status`` → ``link_alarms``), which the health console shows.
"""

from __future__ import annotations

from safenet.audit.checkpoint import SigningKey
from safenet.audit.settings import AuditSettings
from safenet.audit.site import SiteAudit
from safenet.center.announce import RegistryAnnouncer
from safenet.center.metrics import CenterMetrics
from safenet.center.settings import CenterSettings
from safenet.center.types import Clock
from safenet.link import Relay
from safenet.link.transport import Transport
from safenet.store import Database


class CenterSafeguards:
    """The center's share of issue 13's safeguards; see the module docstring."""

    def __init__(
        self,
        owner: str,
        site: str,
        *,
        db: Database,
        transport: Transport,
        relay: Relay,
        metrics: CenterMetrics,
        settings: CenterSettings,
        audit: AuditSettings,
        key: SigningKey,
        clock: Clock,
    ) -> None:
        self.transport = transport
        self.announcer = RegistryAnnouncer(
            owner,
            site,
            db,
            clock,
            notify=relay.notify,
            interval_s=settings.camera_announce_s,
        )
        self.audit = SiteAudit(
            db, transport, site, audit, key, notify=relay.notify, clock=clock, subscribe=False
        )
        metrics.registry.register(transport.alarms.collector("safenet_center"))

    async def start(self) -> None:
        await self.announcer.start()
        await self.audit.start()

    async def stop(self) -> None:
        await self.announcer.stop()
        await self.audit.stop()
