"""One running service's share of the safeguards: its audit anchored, the other side's heads kept,
its link alarms recorded.

Both services build one :class:`SiteAudit` beside their other parts::

    site_audit = SiteAudit(db, transport, "police", settings.audit, key,
                           notify=relay.notify, clock=clock, show=console_hook)
    await site_audit.start()     # checkpoint loop, `audit` subscription, alarm hook
    ...
    await site_audit.stop()

- the :class:`~safenet.audit.loop.CheckpointLoop` signs the site's head by itself and
  queues it for the other side;
- the :class:`~safenet.audit.witness.WitnessKeeper` keeps the heads the other side
  sends (the police every center's, a center the police's);
- every :class:`~safenet.link.alarms.Alarm` the site's link raises is written to the
  audit log (``link.alarm.<kind>``, actor ``link:<site>``, object ``site:<sender>``)
  and handed to ``show`` (the operators' console) in the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy.engine import Connection

from safenet.audit import store
from safenet.audit.chain import AuditRecord
from safenet.audit.checkpoint import SigningKey
from safenet.audit.loop import CheckpointLoop
from safenet.audit.settings import AuditSettings
from safenet.audit.witness import WitnessKeeper
from safenet.link import Family, Subscription, Transport
from safenet.link.alarms import Alarm, AlarmKind
from safenet.store import Database

log = logging.getLogger(__name__)

Show = Callable[[Alarm], None]
Writer = Callable[[Database], AbstractContextManager[Connection]]


def _begin(db: Database) -> AbstractContextManager[Connection]:
    return db.begin()


OUTCOMES = {AlarmKind.DUPLICATE_FIRST_PUBLISH: "resent", AlarmKind.LOOKUP_CAP: "capped"}
"""What became of the message an alarm is about (every other kind: refused)."""


def record_alarm(conn: Connection, alarm: Alarm) -> AuditRecord:
    """The audit record of one link alarm (who: the link; what: the kind; object: the sender)."""
    return store.append(
        conn,
        f"link:{alarm.observed_by}",
        f"link.alarm.{alarm.kind.value}",
        f"site:{alarm.site}",
        {
            "outcome": OUTCOMES.get(alarm.kind, "refused"),
            "subject": alarm.subject,
            "message_id": alarm.message_id,
            "detail": alarm.detail,
        },
        ts=alarm.at,
    )


class SiteAudit:
    """A service's anchoring, witnessing and alarm recording; see the module docstring."""

    def __init__(
        self,
        db: Database,
        transport: Transport,
        site: str,
        settings: AuditSettings,
        key: SigningKey,
        *,
        notify: Callable[[], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        show: Show | None = None,
        writer: Writer = _begin,
        subscribe: bool = True,
    ) -> None:
        self.db = db
        self.transport = transport
        self.site = site
        self.key = key
        self.show = show
        self.writer = writer
        self.subscribe = subscribe
        """Subscribe the ``audit`` family here (False: the service's own feed does)."""
        self.anchor = CheckpointLoop(
            db, key, site, settings, notify=notify, clock=clock or (lambda: datetime.now(UTC))
        )
        self.witnesses = WitnessKeeper(db)
        self.alarms_recorded = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._subscription: Subscription | None = None
        transport.alarms.add_hook(self._on_alarm)

    async def start(self) -> None:
        """Start the checkpoint loop and keep the other side's heads."""
        self._loop = asyncio.get_running_loop()
        if self.subscribe:
            self._subscription = await self.transport.subscribe_family(
                Family.AUDIT, self.witnesses.on_audit_head
            )
        await self.anchor.start()

    async def stop(self) -> None:
        await self.anchor.stop()
        if self._subscription is not None:
            sub, self._subscription = self._subscription, None
            await sub.stop()
        for task in list(self._tasks):
            with contextlib.suppress(Exception):
                await task
        self._loop = None

    # -- alarms -----------------------------------------------------------------------

    def _on_alarm(self, alarm: Alarm) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            self._record(alarm)  # not running: record it here and now
            return
        loop.call_soon_threadsafe(self._spawn, alarm)

    def _spawn(self, alarm: Alarm) -> None:
        task = asyncio.get_running_loop().create_task(self._handle(alarm))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, alarm: Alarm) -> None:
        try:
            await asyncio.to_thread(self._record, alarm)
        except Exception:
            log.exception("audit: could not record link alarm %s", alarm.kind.value)
        if self.show is not None:
            try:
                self.show(alarm)
            except Exception:
                log.exception("audit: could not show link alarm %s", alarm.kind.value)

    def _record(self, alarm: Alarm) -> None:
        with self.writer(self.db) as conn:
            record_alarm(conn, alarm)
        self.alarms_recorded += 1
