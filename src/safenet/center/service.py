"""One smart-city center in one object: ingest, pipeline, hotlist, relay, purge, HTTP API.

Built from its settings, its own database and its connection to the link, so that the
embedded demo can run several centers and the police in one process and event loop::

    service = CenterService(settings, db=db, transport=MemoryTransport(broker, "seocho"))
    await service.start()          # migrate, load cameras and hotlist, start the loops
    ...  service.app                # FastAPI app: serve it with uvicorn
    await service.stop()           # graceful and idempotent

Long-running loops (one task each): the pipeline worker, the link relay, the hotlist
subscription, the retrospective look-up worker, the retention purge, the heartbeat,
and the MQTT subscriber when enabled. Database work runs in worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from safenet import __version__
from safenet.center.app import build_app
from safenet.center.context import PipelineContext
from safenet.center.errors import CenterSetupError
from safenet.center.hotlist import Hotlist, Outcome
from safenet.center.ingest.mqtt import MqttIngest
from safenet.center.metrics import CenterMetrics
from safenet.center.pipeline import Pipeline
from safenet.center.registry import CameraRegistry
from safenet.center.retention import PurgeResult, purge
from safenet.center.retro import RetroLookup
from safenet.center.runner import PipelineRunner
from safenet.center.secret import token_secret as resolve_secret
from safenet.center.settings import CenterSettings
from safenet.center.tables import hits, retro_lookups
from safenet.center.types import Clock, HitState, system_clock
from safenet.link import Family, Heartbeat, HotlistDelta, HotlistSnapshot, Relay, outbox
from safenet.link.errors import LinkError
from safenet.link.messages import Message
from safenet.link.tables import outbox as outbox_table
from safenet.link.transport import Subscription, Transport
from safenet.store import Database, migrate

log = logging.getLogger(__name__)

SUBSCRIBE_RETRY_S = 2.0
MAINTENANCE_INTERVAL_S = 30.0


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
        var_dir: Path = Path("var"),
        token_secret: bytes | None = None,
    ) -> None:
        site = site or settings.site or transport.site
        if settings.site is not None and settings.site != site:
            raise CenterSetupError(f"center.site: {settings.site!r} but the service is {site!r}")
        if transport.site != site:
            raise CenterSetupError(
                f"transport: it connects as {transport.site!r}, but this center is {site!r}"
            )
        self.settings = settings
        self.site = site
        self.db = db
        self.transport = transport
        self.clock = clock
        self.metrics = CenterMetrics()
        self.registry = CameraRegistry(db)
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
        self.pipeline = Pipeline(self.ctx)
        self.runner = PipelineRunner(
            self.pipeline,
            clock=clock,
            batch_size=settings.pipeline_batch_size,
            max_wait_s=settings.pipeline_max_wait_ms / 1000,
            queue_limit=settings.pipeline_queue_reads,
        )
        self.retro = RetroLookup(self.ctx)
        self.mqtt = (
            MqttIngest(settings, site, self.runner, self.metrics) if settings.mqtt_enabled else None
        )
        secret = (
            token_secret if token_secret is not None else resolve_secret(settings, var_dir, site)
        )
        self.app = build_app(self, secret)
        self.last_heartbeat_at: str | None = None
        self._retro_wake = asyncio.Event()
        self._connected = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._hotlist_sub: Subscription | None = None
        self._started = False
        self._stopped = False
        self._wire_gauges()

    def _wire_gauges(self) -> None:
        m = self.metrics
        m.outbox_depth.set_function(lambda: self.relay.depth)
        m.queue_depth.set_function(lambda: self.runner.queued)
        m.hotlist_version.set_function(lambda: self.hotlist.version)
        m.hotlist_entries.set_function(lambda: len(self.hotlist))

    # -- life cycle ------------------------------------------------------------------------

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
        log.info(
            "center %s: %d cameras, hotlist version %d with %d entries",
            self.site,
            cameras,
            version,
            len(self.hotlist),
        )
        # The link may be down at start: ingest and matching must not wait for it. The
        # relay starts once connected; what is committed meanwhile waits in the outbox.
        self._spawn(self._connect_loop(), "connect")
        await self.runner.start()
        self._spawn(self._hotlist_loop(), "hotlist")
        self._spawn(self._retro_loop(), "retro")
        if self.settings.purge_interval_s > 0:
            self._spawn(self._purge_loop(), "purge")
        self._spawn(self._maintenance_loop(), "maintenance")
        if self.mqtt is not None:
            await self.mqtt.start()
        self._retro_wake.set()  # look-ups a crash interrupted

    def _spawn(self, coro: Awaitable[None], name: str) -> None:
        async def guarded() -> None:
            try:
                await coro
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("center %s: the %s loop stopped", self.site, name)

        self._tasks.append(asyncio.create_task(guarded(), name=f"center-{self.site}-{name}"))

    async def stop(self) -> None:
        """Stop taking reads, finish the queued ones, stop the loops and drain the relay."""
        if self._stopped or not self._started:
            self._stopped = True
            return
        self._stopped = True
        if self.mqtt is not None:
            await self.mqtt.stop()
        await self.runner.stop()
        if self._hotlist_sub is not None:
            with contextlib.suppress(Exception):
                await self._hotlist_sub.stop()
        for task in self._tasks:
            task.cancel()
        _, stuck = await asyncio.wait(self._tasks, timeout=5.0) if self._tasks else ((), ())
        for task in stuck:
            log.error("center %s: %s did not stop within 5 s", self.site, task.get_name())
        self._tasks.clear()
        if self._connected.is_set():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.relay.drain_once(), 5.0)
        await self.relay.stop()
        log.info("center %s stopped", self.site)

    async def wait_connected(self) -> None:
        """Return once the link transport is connected (and the relay running)."""
        await self._connected.wait()

    # -- loops -------------------------------------------------------------------------------

    async def _connect_loop(self) -> None:
        while True:
            try:
                await self.transport.start()
            except Exception as exc:
                log.warning("center %s: link not reachable (%s); retrying", self.site, exc)
                await asyncio.sleep(SUBSCRIBE_RETRY_S)
            else:
                await self.relay.start()
                self._connected.set()
                return

    async def _hotlist_loop(self) -> None:
        await self._connected.wait()
        while self._hotlist_sub is None:
            try:
                self._hotlist_sub = await self.transport.subscribe_family(
                    Family.HOTLIST, self._on_hotlist
                )
            except LinkError as exc:
                log.warning(
                    "center %s: hotlist subscription not ready (%s); retrying", self.site, exc
                )
                await asyncio.sleep(SUBSCRIBE_RETRY_S)

    async def _on_hotlist(self, message: Message) -> None:
        if not isinstance(message, HotlistSnapshot | HotlistDelta):
            log.warning(
                "center %s: %s on the hotlist subject ignored", self.site, type(message).__name__
            )
            return
        result = await asyncio.to_thread(self.hotlist.apply, message)
        if result.outcome is Outcome.APPLIED:
            if result.added:
                self._retro_wake.set()
        elif result.outcome is Outcome.GAP:
            await self.send_heartbeat()

    async def _retro_loop(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on 3.11 wait_for around an Event can swallow
            # the cancellation that stop() sends.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(MAINTENANCE_INTERVAL_S):
                    await self._retro_wake.wait()
            self._retro_wake.clear()
            try:
                await asyncio.to_thread(self.retro.run_pending)
            except Exception:
                log.exception("center %s: retrospective look-up failed; will retry", self.site)

    async def _purge_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.purge_interval_s)
            try:
                await self.purge_now()
            except Exception:
                log.exception("center %s: retention purge failed; will retry", self.site)

    async def purge_now(self, *, dry_run: bool = False) -> PurgeResult:
        """Run the retention purge now (also what the schedule runs)."""
        result = await asyncio.to_thread(
            purge,
            self.db,
            site=self.site,
            read_retention=self.ctx.read_retention,
            hit_retention=timedelta(days=self.settings.hit_retention_days),
            now=self.clock(),
            dry_run=dry_run,
        )
        if not dry_run:
            for kind in ("reads", "snapshots", "hits", "hit_reads"):
                if getattr(result, kind):
                    self.metrics.purged.labels(kind=kind).inc(getattr(result, kind))
        return result

    async def _maintenance_loop(self) -> None:
        interval = self.settings.heartbeat_interval_s or MAINTENANCE_INTERVAL_S
        while True:
            if self.settings.heartbeat_interval_s > 0:
                await self.send_heartbeat()
            await asyncio.sleep(min(interval, MAINTENANCE_INTERVAL_S))
            now = self.clock()
            if any(
                e.expired(now)
                for e in self.hotlist.entries()
                if e.entry_id in self.hotlist.matcher.index
            ):
                await asyncio.to_thread(self.hotlist.refresh_expiry)

    async def send_heartbeat(self) -> bool:
        """Tell the police this center is alive and which hotlist version it matches with."""
        now = self.clock()
        beat = Heartbeat(
            site=self.site,
            software_version=__version__,
            hotlist_version=self.hotlist.version,
            queue_depths={
                "outbox": self.relay.depth,
                "pipeline": self.runner.queued,
            },
            sent_at=now,
        )
        try:
            await self.transport.publish(beat)
        except LinkError as exc:
            log.warning("center %s: heartbeat not sent: %s", self.site, exc)
            return False
        self.last_heartbeat_at = now.isoformat()
        return True

    # -- what the API shows -----------------------------------------------------------------

    async def health(self) -> dict[str, Any]:
        def probe() -> bool:
            with self.db.read() as conn:
                conn.execute(sa.text("SELECT 1"))
            return True

        try:
            db_ok = await asyncio.to_thread(probe)
        except Exception as exc:
            log.warning("center %s: database check failed: %s", self.site, exc)
            db_ok = False
        body: dict[str, Any] = {
            "ok": db_ok and self._started and not self._stopped,
            "site": self.site,
            "database": "ok" if db_ok else "unreachable",
            "hotlist_version": self.hotlist.version,
            "outbox_depth": self.relay.depth,
        }
        if self.mqtt is not None:
            body["mqtt"] = "connected" if self.mqtt.connected else "disconnected"
        return body

    async def status(self) -> dict[str, Any]:
        """The figures of ``GET /api/v1/status``."""
        figures = await asyncio.to_thread(self._db_figures)
        now = self.clock()
        oldest = figures.pop("oldest_pending_at")
        waiting_s = None if oldest is None else max(0.0, (now - oldest).total_seconds())
        last_error = figures.pop("last_error")
        if figures["outbox_depth"] == 0:
            link = "up"
        elif last_error is not None:
            link = "down"
        else:
            link = "backlog" if waiting_s is not None and waiting_s > 10 else "up"
        return {
            "site": self.site,
            "time": now.isoformat(),
            "hotlist": {
                "version": self.hotlist.version,
                "entries": len(self.hotlist),
                "applied_at": _iso(self.hotlist.applied_at),
                "acked_at": _iso(self.hotlist.acked_at),
            },
            "cameras": len(self.registry),
            "reads_per_second_1m": round(self.metrics.read_rate.rate(), 3),
            "rejected_reads": self.metrics.rejections(),
            "pipeline_queue": self.runner.queued,
            "candidates_pending": figures["candidates_pending"],
            "retrospective_lookups_pending": figures["retro_pending"],
            "link": {
                "status": link,
                "transport": type(self.transport).__name__,
                "outbox_depth": figures["outbox_depth"],
                "oldest_waiting_s": waiting_s,
                "last_heartbeat_at": self.last_heartbeat_at,
            },
            "mqtt": None
            if self.mqtt is None
            else {"topic": self.mqtt.topic, "connected": self.mqtt.connected},
        }

    def _db_figures(self) -> dict[str, Any]:
        with self.db.read() as conn:
            depth = outbox.depth(conn)
            oldest = outbox.oldest_pending_at(conn)
            last_error = conn.execute(
                sa.select(outbox_table.c.last_error)
                .where(outbox_table.c.sent_at.is_(None), outbox_table.c.last_error.is_not(None))
                .limit(1)
            ).scalar()
            pending = conn.execute(
                sa.select(sa.func.count())
                .select_from(hits)
                .where(hits.c.state == HitState.PENDING.value)
            ).scalar_one()
            retro = conn.execute(
                sa.select(sa.func.count())
                .select_from(retro_lookups)
                .where(retro_lookups.c.done_at.is_(None))
            ).scalar_one()
        self.relay.depth = depth
        return {
            "outbox_depth": depth,
            "oldest_pending_at": oldest,
            "last_error": last_error,
            "candidates_pending": int(pending),
            "retro_pending": int(retro),
        }


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()
