"""The police service (WASS side): its parts, wired together, and their loops.

``PoliceService(settings, db=..., transport=...)`` owns one police database and one
link transport and builds the parts: the wanted registry and its actions
(:mod:`.actions`), intake (:mod:`.intake`) fed by one subscription per message family
(:mod:`.inbound`), tracks, the live alert hub, the alert book, the live picture and the
outbound notifications. :meth:`start` migrates the database, rebuilds the tracks,
provisions the link's consumers, subscribes, and starts the outbox relay, the expiry
sweep and the heartbeat (:mod:`.loops`) and the notifiers; :meth:`stop` ends them all
(idempotent). It builds no web app: the entry point does (:mod:`safenet.police.app`).

Database work runs in worker threads; the alert hub and the notifiers live in the
event loop and are fed after each transaction commits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from safenet.audit.checkpoint import SigningKey
from safenet.audit.settings import AuditSettings
from safenet.link import EvidenceDenial, EvidencePackage, EvidencePart, Family, Relay, Transport
from safenet.link.errors import LinkUnavailable
from safenet.link.site_names import SiteNames
from safenet.link.transport import link_health
from safenet.police import distribution
from safenet.police.actions import RegistryActions
from safenet.police.alert_log import AlertBook, AlertRecord
from safenet.police.alerts import AlertHub
from safenet.police.categories import policy_table
from safenet.police.clock import Clock, utc_now
from safenet.police.districts import DistrictCheck
from safenet.police.escape import EscapeRoutes
from safenet.police.evidence_desk import EvidenceDesk, EvidencePurge
from safenet.police.gate import ExpiryLimits
from safenet.police.headsup import HeadsUpSender
from safenet.police.inbound import INTAKE, Inbound, IntakeRoute
from safenet.police.intake import Intake
from safenet.police.learned import LearnedTransitions
from safenet.police.loops import ExpirySweep, PoliceHeartbeat
from safenet.police.metrics import PoliceMetrics
from safenet.police.notify import Notifier
from safenet.police.picture import LivePicture
from safenet.police.registry import Registry
from safenet.police.retention import RetentionPurge
from safenet.police.rows import serial_write
from safenet.police.safeguards import PoliceSafeguards
from safenet.police.settings import PoliceSettings
from safenet.police.tracks import TrackBook
from safenet.privacy import PrivacySettings
from safenet.store import Database, migrate
from safenet.tracking import DEFAULT_ROUTE, PlausibilityPolicy, RoadGraph, RoutePolicy
from safenet.web.boundaries import Boundaries

log = logging.getLogger(__name__)

PROVISION_RETRY_S = (0.5, 10.0)
"""First and longest pause between tries of the link's provisioning at start."""


class PoliceService:
    """One police (WASS) installation; see the module docstring."""

    def __init__(
        self,
        settings: PoliceSettings,
        *,
        db: Database,
        transport: Transport,
        clock: Clock = utc_now,
        notifier: Notifier | None = None,
        trusted_keys: Mapping[str, Sequence[str]] | None = None,
        roads: RoadGraph | None = None,
        route_policy: RoutePolicy = DEFAULT_ROUTE,
        audit: AuditSettings | None = None,
        audit_key: SigningKey | None = None,
        privacy: PrivacySettings | None = None,
        boundaries: Boundaries | None = None,
    ) -> None:
        self.settings = settings
        self.privacy = privacy or PrivacySettings()
        self.db = db
        self.transport = transport
        self.clock = clock
        self.policies = policy_table(settings.category_policies)
        self.metrics = PoliceMetrics()
        self.tracks = TrackBook(
            PlausibilityPolicy(
                max_speed_kmh=settings.max_speed_kmh, min_distance_m=settings.min_distance_m
            ),
            motion_window_s=settings.motion_window_s,
            roads=roads,
            route_policy=route_policy,
        )
        # Tracks measure legs and direction along roads where ``roads`` has them.
        self.learned = LearnedTransitions()
        self.escape = EscapeRoutes(
            db, self.tracks, roads, route_policy, clock=clock, learned=self.learned
        )
        self.learned.owner_of = self.escape.site_of
        self.tracks.facing = self.escape.facing
        self.registry = Registry(
            db,
            self.policies,
            clock=clock,
            limits=ExpiryLimits(
                default=timedelta(hours=settings.default_expiry_hours),
                maximum=timedelta(days=settings.max_expiry_days),
            ),
            pattern_policy=self.privacy.pattern_policy(),
        )
        self.names = SiteNames({site: (n.ko, n.en) for site, n in settings.center_names.items()})
        """The centers' names: settings, then their heartbeats, then the default table."""
        self.intake = Intake(
            db,
            self.tracks,
            self.policies,
            clock=clock,
            resync_grace=timedelta(seconds=settings.resync_grace_s),
            snapshot_part_size=settings.snapshot_part_size,
            learned=self.learned,
            names=self.names,
        )
        self.hub = AlertHub(queue_size=settings.sse_queue_size, ring_size=settings.sse_ring_size)
        self.notifier = notifier or Notifier.from_settings(settings, self.metrics)
        self.relay = Relay(db, transport, poll_interval_s=0.5)
        self.actions = RegistryActions(self.registry, self.metrics, self.hub)
        self.alerts = AlertBook(db, clock)
        self.headsup = HeadsUpSender(
            db, self.escape, self.registry, clock, notify=self.relay.notify
        )
        self.picture = LivePicture(db, self.registry, self.tracks, self.policies, clock)
        # Issue 13: reports held to their sender's cameras, audit anchored, alarms seen.
        self.safeguards = PoliceSafeguards(
            db=db,
            transport=transport,
            relay=self.relay,
            hub=self.hub,
            metrics=self.metrics,
            audit=audit or AuditSettings(),
            key=audit_key or _ephemeral_key(),
            clock=clock,
            camera_check=settings.camera_check,
            districts=None
            if boundaries is None or not settings.center_districts
            else DistrictCheck(boundaries, settings.center_districts, settings.district_margin_m),
        )
        self.evidence = EvidenceDesk(
            db,
            clock,
            trusted_keys if trusted_keys is not None else settings.evidence_trusted_keys,
            transport.alarms,
            on_event=lambda site, data: self.hub.publish("evidence", site, data),
        )
        self.evidence_purge = EvidencePurge("police", self.evidence, settings.evidence_purge_s)
        evidence_route = IntakeRoute(
            Family.EVIDENCE_REPLY,
            (EvidencePackage, EvidencePart, EvidenceDenial),
            lambda _intake, message: self.evidence.take(message),
        )
        self.inbound = Inbound(
            transport,
            self.intake,
            self.metrics,
            publish=self.publish_alerts,
            routes=(*INTAKE, evidence_route),
            guard=self.safeguards.guard,
        )
        self.sweeper = ExpirySweep(
            "police",
            db,
            self.actions,
            self.relay,
            self.metrics,
            self.policies,
            clock=clock,
            interval_s=settings.expiry_sweep_s,
            resync_grace=timedelta(seconds=settings.resync_grace_s),
            snapshot_part_size=settings.snapshot_part_size,
        )
        self.retention = RetentionPurge(
            "police",
            db,
            self.tracks,
            clock,
            keep=timedelta(days=settings.ended_retention_days),
            interval_s=settings.retention_purge_s,
        )
        self.heartbeat = PoliceHeartbeat(
            "police", db, transport, self.relay, clock, settings.heartbeat_s
        )
        self._started = False
        self._stopped = False

    async def start(self) -> None:
        """Migrate, rebuild, subscribe and start every background loop."""
        if self._started:
            return
        self._started = True
        await asyncio.to_thread(migrate, self.db, "police")
        version, introduced, known = await asyncio.to_thread(self._prepare)
        await self._provision(sorted({*self.settings.centers, *known}))
        await self.safeguards.start()
        await self.inbound.start()
        await self.relay.start()
        await self.notifier.start()
        await self.sweeper.start()
        await self.heartbeat.start()
        await self.evidence_purge.start()
        await self.retention.start()
        log.info(
            "police: started (hotlist v%d, %d tracks, first snapshots to %s)",
            version,
            len(self.tracks),
            ", ".join(introduced) or "nobody",
        )

    async def _provision(self, centers: list[str]) -> None:
        """The link's streams and consumers; a link that fails to answer (a hub node just
        lost, a stream leader being elected) is tried again with a growing pause, said in
        the log: given up, the police would serve with no consumer and take no hit."""
        pause = PROVISION_RETRY_S[0]
        while True:
            try:
                await self.transport.provision(centers)
                return
            except LinkUnavailable as exc:
                log.warning("police: link provisioning failed (%s); again in %.1f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(PROVISION_RETRY_S[1], pause * 2)

    async def stop(self) -> None:
        """Stop everything that :meth:`start` started; safe to call twice."""
        if self._stopped or not self._started:
            self._stopped = True
            return
        self._stopped = True
        await self.sweeper.stop()
        await self.heartbeat.stop()
        await self.evidence_purge.stop()
        await self.retention.stop()
        await self.inbound.stop()
        await self.safeguards.stop()
        await self.headsup.drain()
        await self.relay.stop()
        await self.notifier.stop()
        self.hub.close()
        log.info("police: stopped")

    def _prepare(self) -> tuple[int, list[str], list[str]]:
        now = self.clock()
        with serial_write(self.db) as conn:
            version = distribution.ensure_initial(conn, now)
            introduced = distribution.introduce_centers(
                conn, self.settings.centers, now, self.policies, self.settings.snapshot_part_size
            )
            self.metrics.hotlist_version.set(version)
            self.metrics.active_entries.set(len(distribution.active_entries(conn, now)))
            known = [c["site"] for c in distribution.center_status(conn)["centers"]]
        with self.db.read() as conn:
            self.escape.reload(conn)
            self.tracks.rebuild_all(conn)
        return version, introduced, known

    def publish_alerts(self, alerts: list[AlertRecord]) -> None:
        """Push committed alerts to the live stream and the outbound receivers."""
        for alert in alerts:
            self.hub.publish(alert.kind, alert.site, alert.data)
            self.metrics.alerts.labels(alert.kind).inc()
        if alerts:
            self.notifier.offer(alerts)
            self.headsup.offer(alerts)

    async def health(self) -> dict[str, Any]:
        """``GET /healthz``: is the service up and can it read its database?"""
        try:
            version = await asyncio.to_thread(self.heartbeat.current_version)
            database = "ok"
        except Exception as exc:
            version, database = None, f"error: {type(exc).__name__}"
        return {
            "ok": database == "ok" and self._started and not self._stopped,
            "service": "police",
            "database": database,
            "hotlist_version": version,
            "outbox_depth": self.relay.depth,
            "tracks": len(self.tracks),
            "sse_clients": self.hub.subscriber_count,
            "receivers": self.notifier.status(),
            **link_health(self.transport),
        }


def _ephemeral_key() -> SigningKey:
    """A signing key for this run only (tests, embedded runs): the entry points pass one."""
    log.warning("police: audit checkpoints signed with a key of this run only")
    return SigningKey.generate()
