"""One smart-city center in one object: its parts, wired together, and their loops.

Built from its settings, its own database and its connection to the link, so that the
embedded demo can run several centers and the police in one process and event loop::

    service = CenterService(settings, db=db, transport=MemoryTransport(broker, "seocho"))
    app = build_app(service, token_secret=secret)   # safenet.center.app: the HTTP API
    await service.start()          # migrate, load cameras and hotlist, start the loops
    ...
    await service.stop()           # graceful and idempotent

The service builds the parts (camera registry, hotlist, pipeline, confirmation queue,
status) and starts one loop per long-running job: the pipeline worker
(:class:`~safenet.center.runner.PipelineRunner`; with ``center.ingest_mode = "queue"``
the site's work queue instead, :class:`~safenet.center.queue_ingest.QueueIngest`,
and ``safenet center worker`` processes run the pipeline), the link connection and its outbox
relay, the link feed (one handler per message family from the police: the hotlist
today), the retrospective look-up worker, the retention purge, the
heartbeat and the expiry watch (:mod:`safenet.center.loops`), and the MQTT subscriber
when enabled. It builds no web app: the entry point does (:mod:`safenet.center.app`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from safenet.audit.checkpoint import SigningKey
from safenet.audit.settings import AuditSettings
from safenet.center.cameras import CameraList, CameraRegistry
from safenet.center.confirm import CandidateQueue
from safenet.center.context import PipelineContext
from safenet.center.decide import EXPIRY_INTERVAL_S, HeldExpiry
from safenet.center.errors import CenterSetupError
from safenet.center.evidence_desk import EvidenceDesk
from safenet.center.headsup import HeadsUpBoard
from safenet.center.hotlist import Hotlist
from safenet.center.ingest.mqtt import MqttIngest
from safenet.center.loops import (
    IDLE_S,
    ExpiryWatch,
    HeartbeatSender,
    HotlistApplier,
    LinkConnection,
    LinkFeed,
    PurgeSchedule,
    RetroWorker,
)
from safenet.center.metrics import CenterMetrics
from safenet.center.pipeline import Pipeline
from safenet.center.queue_ingest import QueueIngest, queue_config
from safenet.center.retention import PurgeResult
from safenet.center.retro import RetroLookup
from safenet.center.runner import PipelineRunner
from safenet.center.safeguards import CenterSafeguards
from safenet.center.settings import CenterSettings
from safenet.center.sink import ReadSink
from safenet.center.status import CenterStatus
from safenet.center.transitions import TransitionSender, TransitionTally
from safenet.center.types import Clock, system_clock
from safenet.evidence.signing import Signer
from safenet.link import Family, Relay
from safenet.link.nats_queue import WorkQueue
from safenet.link.site_names import SiteNames
from safenet.link.transport import Transport
from safenet.privacy import PrivacySettings
from safenet.service.loop import Loop
from safenet.store import Database, migrate

log = logging.getLogger(__name__)


class CenterService:
    """A running center; see the module docstring."""

    def __init__(
        self,
        settings: CenterSettings,
        *,
        db: Database,
        transport: Transport,
        site: str | None = None,
        clock: Clock = system_clock,
        signer: Signer | None = None,
        audit: AuditSettings | None = None,
        audit_key: SigningKey | None = None,
        privacy: PrivacySettings | None = None,
    ) -> None:
        site = site or settings.site or transport.site
        if settings.site is not None and settings.site != site:
            raise CenterSetupError(f"center.site: {settings.site!r} but the service is {site!r}")
        if transport.site != site:
            raise CenterSetupError(
                f"transport: it connects as {transport.site!r}, but this center is {site!r}"
            )
        owner = f"center {site}"
        self.settings = settings
        self.privacy = privacy or PrivacySettings()
        self.site = site
        self.db = db
        self.transport = transport
        self.clock = clock
        self.metrics = CenterMetrics()
        self.registry = CameraRegistry(db)
        self.names = SiteNames({site: (settings.display_name, settings.display_name_en)})
        """This center's own site, named (settings, else the default table)."""
        self.hotlist = Hotlist(db, site, clock=clock)
        self.relay = Relay(
            db,
            transport,
            batch_size=settings.relay_batch_size,
            poll_interval_s=settings.relay_poll_interval_s,
        )
        self.ctx = PipelineContext.from_settings(
            settings,
            site=site,
            db=db,
            registry=self.registry,
            hotlist=self.hotlist,
            metrics=self.metrics,
            clock=clock,
        )
        if settings.transitions_interval_s > 0:
            self.ctx.transitions = TransitionTally(
                site,
                clock,
                gap_s=settings.transitions_gap_s,
                min_count=settings.transitions_min_count,
            )
        self.pipeline = Pipeline(self.ctx)
        self.runner: ReadSink = (
            PipelineRunner(
                self.pipeline,
                clock=clock,
                batch_size=settings.pipeline_batch_size,
                max_wait_s=settings.pipeline_max_wait_ms / 1000,
                queue_limit=settings.pipeline_queue_reads,
            )
            if settings.ingest_mode == "inline"
            # Issue 16: the reads go to the site's work queue; `safenet center worker`
            # processes run the pipeline, this process keeps every other loop.
            else QueueIngest(
                WorkQueue(queue_config(settings, site, None)), self.ctx, self.relay.notify
            )
        )
        self.retro = RetroLookup(
            self.ctx, max_vehicles=self.privacy.lookup_max_vehicles, alarms=transport.alarms
        )
        self.candidates = CandidateQueue(db, site, self.registry, clock)
        self.cameras = CameraList(db, site)
        self.evidence = EvidenceDesk(
            db,
            site,
            self.registry,
            signer or _unheld_key(site),
            clock,
            auto_approve=settings.evidence_auto_approve,
        )
        self.mqtt = (
            MqttIngest(settings, site, self.runner, self.metrics) if settings.mqtt_enabled else None
        )
        # Issue 13: cameras announced, audit anchored and witnessed, link alarms recorded.
        self.safeguards = CenterSafeguards(
            owner,
            site,
            db=db,
            transport=transport,
            relay=self.relay,
            metrics=self.metrics,
            settings=settings,
            audit=audit or AuditSettings(),
            key=audit_key or _ephemeral_key(site),
            clock=clock,
        )
        # -- the loops ---------------------------------------------------------------------
        self.link = LinkConnection(owner, transport, self.relay)
        self.retro_worker = RetroWorker(owner, self.retro)
        self.heartbeat = HeartbeatSender(
            owner,
            site,
            transport,
            lambda: {"outbox": self.relay.depth, "pipeline": self.runner.queued},
            self.hotlist,
            clock,
            settings.heartbeat_interval_s,
            names=(settings.display_name, settings.display_name_en),
        )
        self.headsup = HeadsUpBoard(db, site, clock)
        self.transitions = (
            None
            if self.ctx.transitions is None
            else TransitionSender(
                owner,
                self.ctx.transitions,
                transport,
                clock,
                settings.transitions_interval_s,
                db=db,
            )
        )
        # What the center takes from the police: one handler per family.
        self.feed = LinkFeed(
            owner,
            transport,
            self.link.connected,
            {
                Family.HOTLIST: HotlistApplier(
                    owner, self.hotlist, on_added=self.retro_worker.wake, on_gap=self.heartbeat.send
                ),
                Family.EVIDENCE_REQUEST: self.evidence.receive,
                Family.HEADS_UP: self.headsup,
                Family.AUDIT: self.safeguards.audit.witnesses.on_audit_head,
            },
        )
        self.purge = PurgeSchedule(
            owner,
            db,
            self.metrics,
            site=site,
            read_retention=self.ctx.read_retention,
            hit_retention=timedelta(days=settings.hit_retention_days),
            clock=clock,
            interval_s=settings.purge_interval_s,
            read_partition=timedelta(hours=settings.read_partition_hours),
        )
        self.expiry = ExpiryWatch(
            owner, self.hotlist, clock, min(settings.heartbeat_interval_s or IDLE_S, IDLE_S)
        )
        self.held_expiry = (
            None
            if self.ctx.decisions is None
            else HeldExpiry(owner, self.ctx.decisions, EXPIRY_INTERVAL_S)
        )
        self.status = CenterStatus(
            site=site,
            db=db,
            transport=transport,
            relay=self.relay,
            runner=self.runner,
            hotlist=self.hotlist,
            registry=self.registry,
            metrics=self.metrics,
            heartbeat=self.heartbeat,
            mqtt=self.mqtt,
            clock=clock,
            running=lambda: self._started and not self._stopped,
        )
        self._started = False
        self._stopped = False
        self._wire_gauges()

    def _wire_gauges(self) -> None:
        m = self.metrics
        m.outbox_depth.set_function(lambda: self.relay.depth)
        m.queue_depth.set_function(lambda: self.runner.queued)
        m.hotlist_version.set_function(lambda: self.hotlist.version)
        m.hotlist_entries.set_function(lambda: len(self.hotlist))
        decisions = self.ctx.decisions
        if decisions is not None:
            m.decisions_held.set_function(lambda: decisions.held)
            m.decisions_settled.labels(outcome="corroborated").set_function(
                lambda: decisions.corroborated
            )
            m.decisions_settled.labels(outcome="dropped").set_function(lambda: decisions.dropped)

    def _loops(self) -> list[Loop]:
        loops: list[Loop] = [self.feed, self.retro_worker, self.heartbeat, self.expiry]
        if self.transitions is not None:
            loops.append(self.transitions)
        if self.settings.purge_interval_s > 0:
            loops.append(self.purge)
        if self.held_expiry is not None:
            loops.append(self.held_expiry)
        return loops

    async def start(self) -> None:
        """Migrate, load, and start every loop (idempotent)."""
        if self._started:
            return
        self._started = True
        await asyncio.to_thread(migrate, self.db, "center")
        cameras = await asyncio.to_thread(self.registry.load)
        version = await asyncio.to_thread(self.hotlist.load)
        await asyncio.to_thread(self.ctx.recent.warm, self.db, self.clock())
        await asyncio.to_thread(self.relay.read_depth)
        if self.ctx.transitions is not None:
            await asyncio.to_thread(self.ctx.transitions.load, self.db)
        log.info(
            "center %s: %d cameras, hotlist version %d with %d entries",
            self.site,
            cameras,
            version,
            len(self.hotlist),
        )
        # The link may be down at start: ingest and matching must not wait for it.
        await self.link.start()
        await self.safeguards.start()
        await self.runner.start()
        for loop in self._loops():
            await loop.start()
        if self.mqtt is not None:
            await self.mqtt.start()
        self.retro_worker.wake()  # look-ups a crash interrupted

    async def stop(self) -> None:
        """Stop taking reads, finish the queued ones, stop the loops and drain the relay."""
        if self._stopped or not self._started:
            self._stopped = True
            return
        self._stopped = True
        if self.mqtt is not None:
            await self.mqtt.stop()
        await self.runner.stop()
        for loop in self._loops():
            await loop.stop()
        await self.safeguards.stop()
        if self.ctx.transitions is not None:
            await asyncio.to_thread(self.ctx.transitions.save, self.db)
        await self.link.close()
        log.info("center %s stopped", self.site)

    async def wait_connected(self) -> None:
        """Return once the link transport is connected (and the relay running)."""
        await self.link.connected.wait()

    async def purge_now(self, *, dry_run: bool = False) -> PurgeResult:
        """Run the retention purge now (also what the schedule runs)."""
        return await self.purge.now(dry_run=dry_run)


def _unheld_key(site: str) -> Signer:
    """A fresh signing key, for a center built without its own (tests, a bare service)."""
    log.warning("center %s: no signing key given; evidence packages get a fresh one", site)
    return SigningKey.generate()


def _ephemeral_key(site: str) -> SigningKey:
    """A signing key for this run only (tests, embedded runs): the entry points pass one."""
    log.warning("center %s: audit checkpoints signed with a key of this run only", site)
    return SigningKey.generate()
