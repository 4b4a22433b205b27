"""The police service: registry, distribution, intake, tracks and alerts, wired together.

``PoliceService(settings, db=..., transport=...)`` owns one police database and one
link transport. :meth:`start` migrates the database, rebuilds the tracks, provisions
the link's consumers, subscribes to the centers' reports, updates, acks and
heartbeats, and starts the outbox relay, the expiry sweep, the heartbeat and the
outbound notifications; :meth:`stop` ends them all (idempotent). ``.app`` is the
FastAPI app (see :mod:`safenet.police.app`).

Database work runs in worker threads; the alert hub and the notifiers live in the
event loop and are fed after each transaction commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from safenet import __version__
from safenet.auth import Principal
from safenet.link import (
    Family,
    Heartbeat,
    HitUpdate,
    HotlistAck,
    LinkError,
    LocationReport,
    Message,
    Relay,
    Subscription,
    Transport,
    inbox,
)
from safenet.police import alert_log, distribution
from safenet.police.alert_log import AlertRecord
from safenet.police.alerts import AlertHub
from safenet.police.categories import policy_table
from safenet.police.clock import Clock, utc_now
from safenet.police.distribution import Change
from safenet.police.gate import ExpiryLimits
from safenet.police.intake import Intake, IntakeResult
from safenet.police.metrics import PoliceMetrics
from safenet.police.notify import Notifier
from safenet.police.registry import Outcome, Registry
from safenet.police.rows import serial_write
from safenet.police.settings import PoliceSettings
from safenet.police.tracks import TrackBook
from safenet.police.types import Ending, Renewal, WantedDraft, WantedEntry
from safenet.service.errors import ServiceError
from safenet.store import Database, migrate
from safenet.tracking import PlausibilityPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")

INBOX_KEEP = timedelta(days=7)


class PoliceService:
    """One police (WASS) installation; see the module docstring."""

    def __init__(
        self,
        settings: PoliceSettings,
        *,
        db: Database,
        transport: Transport,
        clock: Clock = utc_now,
        token_secret: bytes | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.settings = settings
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
        )
        self.registry = Registry(
            db,
            self.policies,
            clock=clock,
            limits=ExpiryLimits(
                default=timedelta(hours=settings.default_expiry_hours),
                maximum=timedelta(days=settings.max_expiry_days),
            ),
        )
        self.intake = Intake(
            db,
            self.tracks,
            self.policies,
            clock=clock,
            resync_grace=timedelta(seconds=settings.resync_grace_s),
            snapshot_part_size=settings.snapshot_part_size,
        )
        self.hub = AlertHub(queue_size=settings.sse_queue_size, ring_size=settings.sse_ring_size)
        self.notifier = notifier or Notifier.from_settings(settings, self.metrics)
        self.relay = Relay(db, transport, poll_interval_s=0.5)
        if token_secret is None and settings.token_secret is not None:
            token_secret = settings.token_secret.get_secret_value().encode()
        if token_secret is None:
            log.warning("police: no token secret given; using a random one for this run only")
            token_secret = secrets.token_bytes(32)
        self.token_secret = token_secret
        self._subscriptions: list[Subscription] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False
        self._stopped = False

        from safenet.police.app import build_app

        self.app = build_app(self)

    # -- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Migrate, rebuild, subscribe and start every background loop."""
        if self._started:
            return
        self._started = True
        await asyncio.to_thread(migrate, self.db, "police")
        version, introduced, known = await asyncio.to_thread(self._prepare)
        await self.transport.provision(sorted({*self.settings.centers, *known}))
        handlers: dict[Family, Callable[[Message], Awaitable[None]]] = {
            Family.REPORT: self._on_message,
            Family.UPDATE: self._on_message,
            Family.ACK: self._on_message,
            Family.HEARTBEAT: self._on_message,
        }
        for family, handler in handlers.items():
            self._subscriptions.append(await self.transport.subscribe_family(family, handler))
        await self.relay.start()
        await self.notifier.start()
        self._tasks = [
            asyncio.create_task(self._sweep_loop(), name="police-sweep"),
            asyncio.create_task(self._heartbeat_loop(), name="police-heartbeat"),
        ]
        log.info(
            "police: started (hotlist v%d, %d tracks, first snapshots to %s)",
            version,
            len(self.tracks),
            ", ".join(introduced) or "nobody",
        )

    async def stop(self) -> None:
        """Stop everything that :meth:`start` started; safe to call twice."""
        if self._stopped or not self._started:
            self._stopped = True
            return
        self._stopped = True
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for sub in self._subscriptions:
            await sub.stop()
        self._subscriptions.clear()
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
            self.tracks.rebuild_all(conn)
        return version, introduced, known

    # -- registry (HTTP and CLI) -----------------------------------------------------------

    async def register(self, draft: WantedDraft, registrar: Principal) -> WantedEntry:
        return await self._action("register", self.registry.register, draft, registrar)

    async def approve(self, entry_id: str, approver: Principal) -> Outcome:
        return await self._changed(
            await self._action("approve", self.registry.approve, entry_id, approver)
        )

    async def renew(self, entry_id: str, renewal: Renewal, officer: Principal) -> Outcome:
        return await self._changed(
            await self._action("renew", self.registry.renew, entry_id, renewal, officer)
        )

    async def cancel(self, entry_id: str, ending: Ending, officer: Principal) -> Outcome:
        return await self._changed(
            await self._action("cancel", self.registry.cancel, entry_id, ending, officer)
        )

    async def resolve(self, entry_id: str, ending: Ending, officer: Principal) -> Outcome:
        return await self._changed(
            await self._action("resolve", self.registry.resolve, entry_id, ending, officer)
        )

    async def sweep(self) -> Change | None:
        """End expired entries now (the loop does this every ``expiry_sweep_s``)."""
        change = await asyncio.to_thread(self.registry.sweep)
        if change is not None:
            self._announce(change)
        return change

    async def _action(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        try:
            result = await asyncio.to_thread(fn, *args)
        except ServiceError:
            self.metrics.registry_actions.labels(name, "refused").inc()
            raise
        self.metrics.registry_actions.labels(name, "done").inc()
        return result

    async def _changed(self, outcome: Outcome) -> Outcome:
        if outcome.change is not None:
            self._announce(outcome.change)
        return outcome

    def _announce(self, change: Change) -> None:
        self.metrics.hotlist_version.set(change.version)
        self.hub.publish("hotlist", None, change.as_event())
        log.info(
            "hotlist: v%d (%s: +%d -%d)",
            change.version,
            change.cause,
            len(change.added),
            len(change.removed),
        )

    # -- alerts ----------------------------------------------------------------------------

    async def acknowledge(self, alert_id: int, officer: Principal) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            with serial_write(self.db) as conn:
                return alert_log.acknowledge(conn, alert_id, officer, self.clock())

        return await asyncio.to_thread(work)

    async def dispatch(self, alert_id: int, officer: Principal, note: str) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            with serial_write(self.db) as conn:
                return alert_log.dispatch(conn, alert_id, officer, note, self.clock())

        return await asyncio.to_thread(work)

    async def recent_alerts(
        self, officer: Principal, limit: int, entry_id: str | None, after: int | None
    ) -> list[dict[str, Any]]:
        def work() -> list[dict[str, Any]]:
            with self.db.read() as conn:
                return alert_log.recent(conn, officer.sites, limit, entry_id, after)

        return await asyncio.to_thread(work)

    def publish_alerts(self, alerts: list[AlertRecord]) -> None:
        """Push committed alerts to the live stream and the outbound receivers."""
        for alert in alerts:
            self.hub.publish(alert.kind, alert.site, alert.data)
            self.metrics.alerts.labels(alert.kind).inc()
        if alerts:
            self.notifier.offer(alerts)

    # -- the link --------------------------------------------------------------------------

    async def _on_message(self, message: Message) -> None:
        kind = type(message).__name__
        started = time.perf_counter()
        result: IntakeResult
        try:
            if isinstance(message, LocationReport):
                result = await asyncio.to_thread(self.intake.report, message)
                self.metrics.intake_seconds.observe(time.perf_counter() - started)
            elif isinstance(message, HitUpdate):
                result = await asyncio.to_thread(self.intake.update, message)
            elif isinstance(message, HotlistAck):
                result = await asyncio.to_thread(self.intake.ack, message)
            elif isinstance(message, Heartbeat):
                result = await asyncio.to_thread(self.intake.heartbeat, message)
            else:  # pragma: no cover - the consumers carry only these families
                log.warning("intake: ignoring unexpected %s", kind)
                return
        except Exception:
            self.metrics.messages.labels(kind, "error").inc()
            log.exception("intake: %s %s failed; it will be redelivered", kind, message.message_id)
            raise
        outcome = "duplicate" if result.duplicate else "waiting" if result.waiting else "new"
        self.metrics.messages.labels(kind, outcome).inc()
        self.publish_alerts(result.alerts)
        if result.new_center is not None:
            await self._provision(result.new_center)
        if result.snapshot_to is not None:
            self.metrics.snapshots.inc()

    async def _provision(self, site: str) -> None:
        """Create the link consumers of a center first heard of now."""
        try:
            await self.transport.provision([site])
            log.info("police: new center %s; its link consumers are provisioned", site)
        except LinkError as exc:
            log.warning("police: could not provision the consumers of new center %s: %s", site, exc)

    # -- background loops ------------------------------------------------------------------

    async def _sweep_loop(self) -> None:
        last_prune = 0.0
        while True:
            await asyncio.sleep(self.settings.expiry_sweep_s)
            try:
                await self.sweep()
                resynced = await asyncio.to_thread(self._resync_lagging)
                if resynced:
                    self.metrics.snapshots.inc(len(resynced))
                if time.monotonic() - last_prune > 3600:
                    last_prune = time.monotonic()
                    await asyncio.to_thread(self._prune_inbox)
                self.metrics.outbox_depth.set(await asyncio.to_thread(self.relay.read_depth))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("police: sweep failed; trying again next round")

    def _resync_lagging(self) -> list[str]:
        now = self.clock()
        grace = timedelta(seconds=self.settings.resync_grace_s)
        with self.db.begin() as conn:
            lagging = distribution.lagging_centers(conn, now, grace)
            for site in lagging:
                distribution.send_snapshot(
                    conn, site, now, self.policies, self.settings.snapshot_part_size
                )
                log.info("hotlist: %s lags behind; snapshot sent", site)
            status = distribution.center_status(conn)
            self.metrics.centers_behind.set(sum(1 for c in status["centers"] if not c["in_sync"]))
            self.metrics.active_entries.set(len(distribution.active_entries(conn, now)))
        return lagging

    def _prune_inbox(self) -> None:
        with self.db.begin() as conn:
            inbox.prune_received(conn, self.clock() - INBOX_KEEP)

    async def _heartbeat_loop(self) -> None:
        while True:
            try:
                version = await asyncio.to_thread(self._current_version)
                await self.transport.publish(
                    Heartbeat(
                        site="police",
                        software_version=f"safenet {__version__}",
                        hotlist_version=version,
                        queue_depths={"outbox": self.relay.depth},
                        sent_at=self.clock(),
                    )
                )
            except asyncio.CancelledError:
                raise
            except LinkError as exc:
                log.debug("police: heartbeat not sent: %s", exc)
            except Exception:
                log.exception("police: heartbeat failed")
            await asyncio.sleep(self.settings.heartbeat_s)

    def _current_version(self) -> int:
        with self.db.read() as conn:
            return distribution.current_version(conn)

    # -- health ----------------------------------------------------------------------------

    async def health(self) -> dict[str, Any]:
        try:
            version = await asyncio.to_thread(self._current_version)
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
        }
