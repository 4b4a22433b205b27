"""The center at a glance: its health check and the figures of ``GET /api/v1/status``.

The figures come from the parts that own them: the outbox (depth, oldest waiting
message, last error), the confirmation queue, the retrospective look-ups, the
hotlist, the camera registry, the metrics, the pipeline worker and the heartbeat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safenet.center import confirm, retro
from safenet.center.cameras import CameraRegistry
from safenet.center.hotlist import Hotlist
from safenet.center.ingest.mqtt import MqttIngest
from safenet.center.loops import HeartbeatSender
from safenet.center.metrics import CenterMetrics
from safenet.center.queue_ingest import QueueIngest
from safenet.center.sink import ReadSink
from safenet.center.types import Clock
from safenet.link import Relay, outbox
from safenet.link.transport import Transport, link_health
from safenet.store import Database

log = logging.getLogger(__name__)


BACKLOG_S = 10.0
"""A message waiting longer than this, with no error, makes the link a backlog."""


@dataclass
class CenterStatus:
    """What a center says about itself (health check and status page)."""

    site: str
    db: Database
    transport: Transport
    relay: Relay
    runner: ReadSink
    hotlist: Hotlist
    registry: CameraRegistry
    metrics: CenterMetrics
    heartbeat: HeartbeatSender
    mqtt: MqttIngest | None
    clock: Clock
    running: Callable[[], bool]

    async def health(self) -> dict[str, Any]:
        """``GET /healthz``: is the center up and can it reach its database?"""

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
            "ok": db_ok and self.running(),
            "site": self.site,
            "database": "ok" if db_ok else "unreachable",
            "hotlist_version": self.hotlist.version,
            "outbox_depth": self.relay.depth,
        }
        if self.mqtt is not None:
            body["mqtt"] = "connected" if self.mqtt.connected else "disconnected"
        if isinstance(self.runner, QueueIngest):
            # Queue mode: without the work queue this center can take no read.
            queue = self.runner.queue
            body["work_queue"] = (
                "connected"
                if queue.connected
                else f"down: {queue.last_error or 'not connected yet'}"
            )
            body["ok"] = body["ok"] and queue.connected
        body.update(link_health(self.transport))
        return body

    async def status(self) -> dict[str, Any]:
        """The figures of ``GET /api/v1/status``."""
        figures = await asyncio.to_thread(self._db_figures)
        now = self.clock()
        oldest: datetime | None = figures["oldest_pending_at"]
        waiting_s = None if oldest is None else max(0.0, (now - oldest).total_seconds())
        if figures["outbox_depth"] == 0:
            link = "up"
        elif figures["last_error"] is not None:
            link = "down"
        else:
            link = "backlog" if waiting_s is not None and waiting_s > BACKLOG_S else "up"
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
                "kind": link_kind(type(self.transport).__name__),
                "outbox_depth": figures["outbox_depth"],
                "oldest_waiting_s": waiting_s,
                "last_heartbeat_at": self.heartbeat.last_sent_at,
            },
            "link_alarms": [a.as_dict() for a in reversed(self.transport.alarms.recent()[-20:])],
            "mqtt": None
            if self.mqtt is None
            else {"topic": self.mqtt.topic, "connected": self.mqtt.connected},
        }

    def _db_figures(self) -> dict[str, Any]:
        with self.db.read() as conn:
            depth = outbox.depth(conn)
            figures = {
                "outbox_depth": depth,
                "oldest_pending_at": outbox.oldest_pending_at(conn),
                "last_error": outbox.last_error(conn),
                "candidates_pending": confirm.pending_count(conn),
                "retro_pending": retro.pending_count(conn),
            }
        self.relay.depth = depth
        return figures


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


_LINK_KINDS = {"MemoryTransport": "in_process", "NatsTransport": "nats"}


def link_kind(transport: str) -> str:
    """The link's kind as a code a console words (``in_process``, ``nats``, ``other``).

    ``transport`` (the class name) stays in the status for operations staff; an
    operator's screen shows the kind from the catalogue, never a class name.
    """
    return _LINK_KINDS.get(transport, "other")
