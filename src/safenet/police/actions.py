"""The registry's actions as the police's API and CLI take them: done, counted, announced.

Each action runs the registry's transaction in a worker thread
(:class:`~safenet.police.registry.Registry`), counts it
(``safenet_police_registry_actions_total{action,result}``), and announces a new
hotlist version on the live stream once it is committed (the commit itself wakes the
outbox relay that sends the delta to the centers).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from safenet.auth import Principal
from safenet.police.alerts import AlertHub
from safenet.police.distribution import Change
from safenet.police.metrics import PoliceMetrics
from safenet.police.registry import Outcome, Registry
from safenet.police.types import Ending, Renewal, WantedDraft, WantedEntry
from safenet.service.errors import ServiceError

log = logging.getLogger(__name__)

T = TypeVar("T")


class RegistryActions:
    """Register, approve, renew, cancel, resolve, and the expiry sweep; see the module docstring."""

    def __init__(self, registry: Registry, metrics: PoliceMetrics, hub: AlertHub) -> None:
        self.registry = registry
        self.metrics = metrics
        self.hub = hub

    async def register(self, draft: WantedDraft, registrar: Principal) -> WantedEntry:
        return await self._action("register", self.registry.register, draft, registrar)

    async def approve(self, entry_id: str, approver: Principal) -> Outcome:
        return self._changed(
            await self._action("approve", self.registry.approve, entry_id, approver)
        )

    async def renew(self, entry_id: str, renewal: Renewal, officer: Principal) -> Outcome:
        return self._changed(
            await self._action("renew", self.registry.renew, entry_id, renewal, officer)
        )

    async def cancel(self, entry_id: str, ending: Ending, officer: Principal) -> Outcome:
        return self._changed(
            await self._action("cancel", self.registry.cancel, entry_id, ending, officer)
        )

    async def resolve(self, entry_id: str, ending: Ending, officer: Principal) -> Outcome:
        return self._changed(
            await self._action("resolve", self.registry.resolve, entry_id, ending, officer)
        )

    async def sweep(self) -> Change | None:
        """End expired entries now (the expiry sweep does this every ``expiry_sweep_s``)."""
        change = await asyncio.to_thread(self.registry.sweep)
        if change is not None:
            self.announce(change)
        return change

    def announce(self, change: Change) -> None:
        """Tell the live stream and the metrics about a committed hotlist version."""
        self.metrics.hotlist_version.set(change.version)
        self.hub.publish("hotlist", None, change.as_event())
        log.info(
            "hotlist: v%d (%s: +%d -%d)",
            change.version,
            change.cause,
            len(change.added),
            len(change.removed),
        )

    async def _action(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        try:
            result = await asyncio.to_thread(fn, *args)
        except ServiceError:
            self.metrics.registry_actions.labels(name, "refused").inc()
            raise
        self.metrics.registry_actions.labels(name, "done").inc()
        return result

    def _changed(self, outcome: Outcome) -> Outcome:
        if outcome.change is not None:
            self.announce(outcome.change)
        return outcome
