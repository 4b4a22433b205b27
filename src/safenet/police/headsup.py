"""Heads-ups to the centers whose cameras a wanted vehicle can reach next.

After a hit that alerted, the escape route ranks the cameras reachable within the
longest horizon (docs/tracking.md). Every center with at least one of them gets a
:class:`~safenet.link.messages.HeadsUp` naming the entry (plate and vehicle, which its
hotlist already holds), where and when the vehicle was last seen, and its cameras with
their arrival windows, so its operators can watch those views. A heads-up is void once
the vehicle could have passed the last of them (the hit's time plus the longest
horizon): one for an old hit is not sent at all. Each one is enqueued in the outbox and
recorded in the police's audit chain in one transaction (``headsup.send``); its id
follows from the entry and the hit, so the same hit never sends it twice.

The work runs in a thread of its own after the alert is out: a heads-up never delays
one, nor the intake of the next hit.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from safenet.audit import store as audit
from safenet.link import Coordinates, outbox
from safenet.link.messages import HeadsUp, HeadsUpCamera, RouteWordPart
from safenet.police.alert_log import AlertRecord
from safenet.police.clock import Clock
from safenet.police.escape import EscapeRoutes
from safenet.police.registry import Registry
from safenet.police.rows import serial_write
from safenet.police.types import Status
from safenet.store import Database
from safenet.tracking import compass_label

log = logging.getLogger(__name__)

MAX_CAMERAS = 50


def heads_up_id(entry_id: str, hit_key: str, site: str) -> str:
    """The heads-up's id: one per entry, hit and center."""
    digest = hashlib.sha256(f"{entry_id}\n{hit_key}\n{site}".encode()).hexdigest()
    return f"hu-{digest[:32]}"


class HeadsUpSender:
    """Sends the heads-ups of each alerting hit; see the module docstring."""

    def __init__(
        self,
        db: Database,
        escape: EscapeRoutes,
        registry: Registry,
        clock: Clock,
        *,
        notify: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.escape = escape
        self.registry = registry
        self.clock = clock
        self.notify = notify
        self._tasks: set[asyncio.Future[Any]] = set()
        # One thread of its own: heads-ups queue behind each other, never in front of intake.
        self._worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="headsup")

    def offer(self, alerts: Iterable[AlertRecord]) -> None:
        """After committed alerts (event loop): work out heads-ups for each hit that alerted."""
        entries = {a.entry_id for a in alerts if a.kind == "hit" and a.entry_id}
        if not entries:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for entry_id in sorted(entries):
            task = loop.run_in_executor(self._worker, self._safe_send, entry_id)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the heads-ups being worked out (at stop, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _safe_send(self, entry_id: str) -> list[HeadsUp]:
        try:
            return self.send_for(entry_id)
        except Exception:
            log.exception("heads-up: could not work out the heads-ups of entry %s", entry_id)
            return []

    def send_for(self, entry_id: str) -> list[HeadsUp]:
        """Enqueue and record the heads-ups of the entry's latest hit; return those new."""
        track = self.escape.tracks.get(entry_id)
        latest = track.latest if track is not None else None
        reach = self.escape.reach(entry_id)
        if track is None or latest is None or reach is None:
            return []
        entry = self.registry.get(entry_id)
        if entry.status is not Status.ACTIVE:
            return []
        now = self.clock()
        expires = latest.ts + timedelta(seconds=self.escape.policy.horizon_s)
        if expires <= now:
            return []  # the vehicle is past every camera it could have reached
        by_site: dict[str, list[HeadsUpCamera]] = {}
        for camera in reach.cameras:
            site = self.escape.site_of(camera.camera_id)
            if site is None or camera.arrival_s is None or camera.horizon_min is None:
                continue
            cameras = by_site.setdefault(site, [])
            if len(cameras) < MAX_CAMERAS:
                cameras.append(
                    HeadsUpCamera(
                        camera_id=camera.camera_id,
                        rank=camera.rank,
                        earliest=camera.earliest,
                        latest=camera.latest,
                        reason=camera.reason[:4000],
                        reason_ko=camera.reason_ko[:4000],
                        reason_words=tuple(
                            RouteWordPart(code=word.code, params=dict(word.params))
                            for word in camera.reason_words[:12]
                        ),
                    )
                )
        direction = track.direction_deg
        vehicle = " ".join(
            v for v in (entry.vehicle.make, entry.vehicle.model, entry.vehicle.colour) if v
        )
        messages = [
            HeadsUp(
                site=site,
                heads_up_id=heads_up_id(entry_id, latest.hit_id, site),
                entry_id=entry_id,
                plate=entry.plate,
                vehicle=vehicle[:200],
                last_seen_at=latest.ts,
                last_seen=Coordinates(lat=latest.point.lat, lon=latest.point.lon),
                last_site=latest.site,
                direction_deg=None if direction is None else direction % 360.0,
                direction_ko="" if direction is None else compass_label(direction, "ko"),
                cameras=cameras,
                issued_at=now,
                expires_at=max(expires, now + timedelta(seconds=1)),
            )
            for site, cameras in sorted(by_site.items())
        ]
        sent = self._record(messages, latest.hit_id, now)
        if sent and self.notify is not None:
            self.notify()
        return sent

    def _record(self, messages: list[HeadsUp], hit_key: str, now: datetime) -> list[HeadsUp]:
        sent = []
        with serial_write(self.db) as conn:
            for message in messages:
                if not outbox.enqueue(conn, message):
                    continue  # this hit's heads-up went out before
                audit.append(
                    conn,
                    "police",
                    "headsup.send",
                    f"headsup:{message.heads_up_id}",
                    {
                        "site": message.site,
                        "entry_id": message.entry_id,
                        "hit": hit_key,
                        "cameras": [c.camera_id for c in message.cameras],
                        "expires_at": message.expires_at.isoformat(),
                    },
                    ts=now,
                )
                sent.append(message)
        if sent:
            log.info(
                "heads-up: entry %s → %s", messages[0].entry_id, ", ".join(m.site for m in sent)
            )
        return sent
