"""A dispatcher's view of the demo: the police alert stream, as a console receives it."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)


@dataclass
class AlertObserver:
    """Follows ``GET /api/v1/alerts/stream`` and remembers what arrived, and when."""

    police_url: str
    token: str
    kinds: Counter[str] = field(default_factory=Counter)
    hit_arrivals: dict[str, float] = field(default_factory=dict)  # hit key -> monotonic time
    repeated_hits: int = 0
    latest: dict[str, dict[str, Any]] = field(default_factory=dict)  # entry id -> last hit
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    _last_id: str | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Listen until ``stop``; reconnect with ``Last-Event-ID`` when the stream drops."""
        async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=None)) as client:
            while not stop.is_set():
                try:
                    await self._listen(client, stop)
                except (httpx.HTTPError, OSError) as exc:
                    log.warning("alert stream dropped (%s); reconnecting", exc)
                    await asyncio.sleep(0.5)

    async def _listen(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        if self._last_id is not None:
            headers["Last-Event-ID"] = self._last_id
        url = f"{self.police_url}/api/v1/alerts/stream"
        async with client.stream("GET", url, headers=headers) as response:
            response.raise_for_status()
            self.connected.set()
            event: dict[str, str] = {}
            lines = response.aiter_lines()
            while not stop.is_set():
                try:
                    line = await asyncio.wait_for(anext(lines), 0.5)
                except TimeoutError:
                    continue
                except StopAsyncIteration:
                    return
                if line == "":
                    if "data" in event:
                        self._dispatch(event)
                    event = {}
                elif not line.startswith(":") and ":" in line:
                    key, _, value = line.partition(":")
                    event[key] = value.removeprefix(" ")

    def _dispatch(self, event: dict[str, str]) -> None:
        self._last_id = event.get("id", self._last_id)
        kind = event.get("event", "message")
        self.kinds[kind] += 1
        if kind != "hit":
            return
        data = json.loads(event["data"])
        hit = data.get("hit", {})
        key = hit.get("hit_key") or f"{hit.get('site')}:{hit.get('hit_id')}"
        if key in self.hit_arrivals:
            self.repeated_hits += 1
        else:
            self.hit_arrivals[key] = time.monotonic()
        entry = data.get("entry", {})
        entry_id = entry.get("entry_id")
        if entry_id:
            self.latest[entry_id] = {**hit, "plate": entry.get("plate")}
