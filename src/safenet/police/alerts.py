"""The live alert hub: every new hit, update, flag and hotlist change, pushed to officers.

One hub per police service, in its event loop. Each SSE client subscribes with its
principal's site scope and gets its own bounded queue: publishing never waits on a
client, so a slow or stalled client can never hold up intake. A client that falls
more than its queue behind loses its queue and is told to ``resync`` (reload the
recent alerts) instead. A bounded ring of recent events lets a reconnecting client
resume from its ``Last-Event-ID``; an id from before the ring (or from an earlier run
of the service) is answered with ``resync`` too.

Event ids are ``<run>-<seq>``: ``seq`` counts up in publish order within one run of
the service, ``run`` tells runs apart.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

RESYNC = "resync"


@dataclass(frozen=True)
class Event:
    """One event on the alert stream: ``hit``, ``update``, ``flag``, ``hotlist`` or ``resync``.

    ``site`` is the center it concerns (None: every officer may see it).
    """

    id: str
    seq: int
    kind: str
    site: str | None
    data: dict[str, Any]

    def encode(self) -> bytes:
        """The event in the text/event-stream wire format."""
        body = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))
        return f"id: {self.id}\nevent: {self.kind}\ndata: {body}\n\n".encode()


@dataclass(eq=False)
class Subscriber:
    """One connected client: its scope and its own queue."""

    sites: frozenset[str]
    queue: asyncio.Queue[Event | None]
    name: str = ""
    dropped: int = 0
    resyncs: int = field(default=0)

    def may_see(self, event: Event) -> bool:
        return event.site is None or not self.sites or event.site in self.sites


class AlertHub:
    """Fans events out to subscribers; see the module docstring for the guarantees."""

    def __init__(self, *, queue_size: int = 256, ring_size: int = 2000) -> None:
        if queue_size < 2:
            raise ValueError(f"queue_size: {queue_size} must be at least 2")
        self.queue_size = queue_size
        self.run = secrets.token_hex(3)
        self._seq = 0
        self._ring: deque[Event] = deque(maxlen=ring_size)
        self._subscribers: set[Subscriber] = set()
        self.published = 0
        self.overflows = 0
        self._closed = False

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def publish(self, kind: str, site: str | None, data: dict[str, Any]) -> Event:
        """Record an event and offer it to every subscriber that may see it (never blocks)."""
        self._seq += 1
        event = Event(f"{self.run}-{self._seq}", self._seq, kind, site, data)
        self._ring.append(event)
        self.published += 1
        for sub in list(self._subscribers):
            if sub.may_see(event):
                self._offer(sub, event)
        return event

    def publish_many(self, events: Iterable[tuple[str, str | None, dict[str, Any]]]) -> None:
        for kind, site, data in events:
            self.publish(kind, site, data)

    def subscribe(
        self, sites: Iterable[str] = (), last_event_id: str | None = None, name: str = ""
    ) -> Subscriber:
        """A new subscriber; with ``last_event_id``, the events it missed come first."""
        sub = Subscriber(frozenset(sites), asyncio.Queue(self.queue_size), name)
        if self._closed:
            sub.queue.put_nowait(None)
            return sub
        if last_event_id:
            missed = self._since(last_event_id)
            if missed is None:
                self._resync(sub, "the last event id is no longer held; reload recent alerts")
            else:
                for event in missed:
                    if sub.may_see(event):
                        self._offer(sub, event)
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    def close(self) -> None:
        """End every stream (service stopping)."""
        self._closed = True
        for sub in list(self._subscribers):
            while not sub.queue.empty():
                sub.queue.get_nowait()
            sub.queue.put_nowait(None)
        self._subscribers.clear()

    def recent(self, limit: int = 100) -> list[Event]:
        return list(self._ring)[-limit:]

    def _since(self, last_event_id: str) -> list[Event] | None:
        run, _, seq_text = last_event_id.strip().rpartition("-")
        if run != self.run or not seq_text.isdigit():
            return None
        seq = int(seq_text)
        if seq > self._seq:
            return None
        if seq == self._seq:
            return []
        if not self._ring or self._ring[0].seq > seq + 1:
            return None  # some of what it missed has left the ring
        return [e for e in self._ring if e.seq > seq]

    def _offer(self, sub: Subscriber, event: Event) -> None:
        try:
            sub.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflows += 1
            sub.dropped += sub.queue.qsize()
            self._resync(sub, "the client fell too far behind; reload recent alerts")

    def _resync(self, sub: Subscriber, reason: str) -> None:
        while not sub.queue.empty():
            sub.queue.get_nowait()
        sub.resyncs += 1
        # Its id is the newest seq: a client resuming from it misses nothing after it.
        marker = Event(f"{self.run}-{self._seq}", self._seq, RESYNC, None, {"reason": reason})
        sub.queue.put_nowait(marker)
