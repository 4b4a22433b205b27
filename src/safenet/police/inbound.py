"""What the police do with each message family the centers send: one table, one subscription each.

:data:`INTAKE` maps a link family to the message type it carries and the
:class:`~safenet.police.intake.Intake` method that stores it. :class:`Inbound`
subscribes every family of the table at start and runs each message the same way: the
intake in a worker thread, the outcome counted
(``safenet_police_link_messages_total{type,outcome}``), the alerts it raised handed to
the live stream and the notifications, a center first heard of provisioned on the
link. A new message from the centers is a line in :data:`INTAKE` (and its intake
method); nothing else sorts messages.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from safenet.link import (
    Family,
    Heartbeat,
    HitUpdate,
    HotlistAck,
    LinkError,
    LinkMessage,
    LocationReport,
    Message,
    Subscription,
    Transport,
)
from safenet.link.messages import TransitionReport
from safenet.link.transport import Handler
from safenet.police.alert_log import AlertRecord
from safenet.police.intake import Intake, IntakeResult
from safenet.police.metrics import PoliceMetrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeRoute:
    """One family of messages from the centers, the types it carries, and what stores them."""

    family: Family
    kinds: tuple[type[LinkMessage], ...]
    store: Callable[[Intake, Any], IntakeResult]
    timed: bool = False
    """Observe ``safenet_police_intake_seconds`` (the hits, whose latency matters)."""


INTAKE: Final[tuple[IntakeRoute, ...]] = (
    IntakeRoute(Family.REPORT, (LocationReport,), Intake.report, timed=True),
    IntakeRoute(Family.UPDATE, (HitUpdate,), Intake.update),
    IntakeRoute(Family.ACK, (HotlistAck,), Intake.ack),
    IntakeRoute(Family.HEARTBEAT, (Heartbeat,), Intake.heartbeat),
    IntakeRoute(Family.TRANSITIONS, (TransitionReport,), Intake.transitions),
)
"""Every family the police take from the centers, and what each becomes."""


class Inbound:
    """The police's subscriptions to the centers' families; see the module docstring."""

    def __init__(
        self,
        transport: Transport,
        intake: Intake,
        metrics: PoliceMetrics,
        *,
        publish: Callable[[list[AlertRecord]], None],
        routes: tuple[IntakeRoute, ...] = INTAKE,
        guard: Callable[[Handler], Handler] | None = None,
    ) -> None:
        self.transport = transport
        self.intake = intake
        self.metrics = metrics
        self.publish = publish
        self.routes = routes
        self.guard = guard
        """Wraps every family's handler (the camera check of the reports)."""
        self._subscriptions: list[Subscription] = []

    async def start(self) -> None:
        for route in self.routes:
            handler = self._handler(route)
            if self.guard is not None:
                handler = self.guard(handler)
            self._subscriptions.append(await self.transport.subscribe_family(route.family, handler))

    async def stop(self) -> None:
        for sub in self._subscriptions:
            await sub.stop()
        self._subscriptions.clear()

    def _handler(self, route: IntakeRoute) -> Callable[[Message], Awaitable[None]]:
        async def handle(message: Message) -> None:
            await self.take(route, message)

        return handle

    async def take(self, route: IntakeRoute, message: Message) -> None:
        """Store one message as its route says; raising asks the link to redeliver it."""
        kind = type(message).__name__
        if not isinstance(message, route.kinds):
            log.warning("intake: %s on the %s family ignored", kind, route.family)
            return
        started = time.perf_counter()
        try:
            result = await asyncio.to_thread(route.store, self.intake, message)
        except Exception:
            self.metrics.messages.labels(kind, "error").inc()
            log.exception("intake: %s %s failed; it will be redelivered", kind, message.message_id)
            raise
        if route.timed:
            self.metrics.intake_seconds.observe(time.perf_counter() - started)
        outcome = "duplicate" if result.duplicate else "waiting" if result.waiting else "new"
        self.metrics.messages.labels(kind, outcome).inc()
        self.publish(result.alerts)
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
