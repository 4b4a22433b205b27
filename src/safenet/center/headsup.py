"""Heads-ups from the police: which of this center's cameras a wanted vehicle may pass next.

The police send a :class:`~safenet.link.messages.HeadsUp` after a hit that alerted
(``safenet.police.headsup``). The center keeps the ones addressed to it in memory
until their ``expires_at`` (they are void within minutes; one that arrives already
void is only recorded), shows them on the operators' console (``GET
/api/v1/heads-up``), and records each arrival once in its audit chain
(``headsup.receive``, keyed by the heads-up's id so a redelivery adds nothing). A
newer sighting of the same vehicle replaces the older heads-up. A heads-up names the
wanted entry and the center's own cameras; it carries no read.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from safenet.audit import store as audit
from safenet.center.tables import hotlist_entries
from safenet.center.types import Clock
from safenet.link.messages import HeadsUp, Message
from safenet.store import Database
from safenet.vehicles import describe

log = logging.getLogger(__name__)


def heads_up_view(
    message: HeadsUp, now: datetime, described: dict[str, str | None] | None = None
) -> dict[str, Any]:
    """A heads-up as the console shows it.

    ``described`` is the entry's description as vocabulary codes (from this center's
    hotlist), which the console words; ``vehicle`` is the police's text as sent.
    """
    return {
        "heads_up_id": message.heads_up_id,
        "entry_id": message.entry_id,
        "plate": message.plate,
        "vehicle": message.vehicle,
        "described": described,
        "last_seen_at": message.last_seen_at.isoformat(),
        "last_seen": {"lat": message.last_seen.lat, "lon": message.last_seen.lon},
        "last_site": message.last_site,
        "direction_deg": message.direction_deg,
        "direction_ko": message.direction_ko,
        "issued_at": message.issued_at.isoformat(),
        "expires_at": message.expires_at.isoformat(),
        "expires_in_s": max(0.0, round((message.expires_at - now).total_seconds(), 1)),
        "cameras": [
            {
                "camera_id": c.camera_id,
                "rank": c.rank,
                "earliest": None if c.earliest is None else c.earliest.isoformat(),
                "latest": None if c.latest is None else c.latest.isoformat(),
                "reason": c.reason,
                "reason_ko": c.reason_ko,
                "reason_words": [
                    {"code": w.code, "params": dict(w.params)} for w in c.reason_words
                ],
            }
            for c in message.cameras
        ],
    }


class HeadsUpBoard:
    """The heads-ups in force at one center; the handler of the link's heads-up family."""

    def __init__(self, db: Database, site: str, clock: Clock) -> None:
        self.db = db
        self.site = site
        self.clock = clock
        self._lock = threading.Lock()
        self._items: dict[str, HeadsUp] = {}

    async def __call__(self, message: Message) -> None:
        if not isinstance(message, HeadsUp):
            log.warning("center %s: %s on the heads-up family ignored", self.site, message)
            return
        await asyncio.to_thread(self.take, message)

    def take(self, message: HeadsUp) -> bool:
        """Record a heads-up once and keep it while it is in force; True when it is shown."""
        if message.site != self.site:
            log.warning(
                "center %s: heads-up %s for %s ignored",
                self.site,
                message.heads_up_id,
                message.site,
            )
            return False
        now = self.clock()
        live = message.expires_at > now
        with self.db.begin() as conn:
            audit.record_once(
                conn,
                f"headsup:{message.heads_up_id}",
                "police",
                "headsup.receive",
                f"headsup:{message.heads_up_id}",
                {
                    "entry_id": message.entry_id,
                    "cameras": [c.camera_id for c in message.cameras],
                    "expires_at": message.expires_at.isoformat(),
                    "void_on_arrival": not live,
                },
                ts=now,
            )
        if live:
            with self._lock:
                # A newer sighting of the same vehicle replaces what the older one said.
                for key, known in list(self._items.items()):
                    if known.entry_id == message.entry_id and key != message.heads_up_id:
                        if known.last_seen_at > message.last_seen_at:
                            return False
                        del self._items[key]
                self._items[message.heads_up_id] = message
        return live

    def active(self) -> list[dict[str, Any]]:
        """The heads-ups still in force, newest first (the void ones are dropped)."""
        now = self.clock()
        with self._lock:
            for key in [k for k, m in self._items.items() if m.expires_at <= now]:
                del self._items[key]
            items = sorted(self._items.values(), key=lambda m: m.issued_at, reverse=True)
        described = self._described({m.entry_id for m in items})
        return [heads_up_view(m, now, described.get(m.entry_id)) for m in items]

    def _described(self, entry_ids: set[str]) -> dict[str, dict[str, str | None]]:
        """The entries' descriptions as vocabulary codes, from this center's hotlist."""
        if not entry_ids:
            return {}
        t = hotlist_entries.c
        query = sa.select(t.entry_id, t.colour, t.vehicle_type, t.make, t.model).where(
            t.entry_id.in_(sorted(entry_ids))
        )
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        out: dict[str, dict[str, str | None]] = {}
        for row in rows:
            d, _ = describe(row.colour, row.vehicle_type, row.make, row.model)
            out[row.entry_id] = d.codes()
        return out

    def __len__(self) -> int:
        return len(self.active())
