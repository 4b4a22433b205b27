"""Plays the scenario through the services' real interfaces, as people and cameras would."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from safenet.auth import Role
from safenet.demo.stack import DemoStack
from safenet.sim import Feeder, FeedReport, FeedSettings, ReadEvent, ReadTruth
from safenet.sim.feed import ReadSink, SendResult
from safenet.sim.feed_http import HttpSink

log = logging.getLogger(__name__)


@dataclass
class Registration:
    """A scenario vehicle as the police registered it."""

    spec_id: str
    entry_id: str
    plate: str
    registered_plate: str
    category: str
    registered_wall: float  # monotonic time of the approval


class _TimedSink:
    """Remembers when each read left for its center (for the alert latency)."""

    def __init__(self, inner: ReadSink, sent: dict[str, float]) -> None:
        self._inner = inner
        self._sent = sent

    async def start(self) -> None:
        await self._inner.start()

    async def close(self) -> None:
        await self._inner.close()

    async def send(self, site: str, reads: list[Any]) -> SendResult:
        now = time.monotonic()
        for read in reads:
            self._sent.setdefault(str(read["id"]), now)
        return await self._inner.send(site, reads)


@dataclass
class ScenarioDriver:
    """Registers the wanted vehicles, feeds the reads, and decides candidates like operators.

    The simulated operators know the simulator's ground truth: they confirm a candidate
    when the read really was that wanted vehicle and reject it otherwise, after
    ``operator_delay_s`` — the time a person would take to compare the snapshot. At the
    centers in ``manual_sites`` no simulated operator works: candidates wait for a person
    at that center's console. Decisions are counted from the centers' own records
    (:func:`safenet.demo.progress.decision_counts`), not here.
    """

    stack: DemoStack
    operator_delay_s: float = 5.0
    manual_sites: frozenset[str] = frozenset()
    registrations: dict[str, Registration] = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)  # read id -> monotonic
    truth: dict[str, ReadTruth] = field(default_factory=dict)  # read id -> truth
    feed: FeedReport | None = None
    problems: list[str] = field(default_factory=list)

    def _events(self, events: Iterable[ReadEvent]) -> Iterator[ReadEvent]:
        for event in events:
            self.truth[event.read_id] = event.truth
            yield event

    async def run_feed(self, stop: asyncio.Event) -> FeedReport:
        """Send every read of the scenario to its center's HTTP ingest, paced by the clock."""
        sink = HttpSink(
            {site: c.url for site, c in self.stack.centers.items()},
            self.stack.camera_token,
        )
        feeder = Feeder(_TimedSink(sink, self.sent_at), FeedSettings())
        self.feed = await feeder.run(
            self._events(self.stack.sim.events()), clock=self.stack.sim.clock, stop=stop
        )
        return self.feed

    async def register_wanted(self, stop: asyncio.Event) -> None:
        """Register and approve each wanted vehicle at its time, over the police HTTP API."""
        clock = self.stack.sim.clock
        clock.begin()
        specs = sorted(self.stack.sim.wanted, key=lambda s: s.register_at)
        async with httpx.AsyncClient(base_url=self.stack.police_url, timeout=10) as client:
            for spec in specs:
                delay = clock.wall_delay(spec.register_at)
                if delay > 0:
                    try:
                        await asyncio.wait_for(stop.wait(), delay)
                        return
                    except TimeoutError:
                        pass
                try:
                    await self._register(client, spec)
                except (httpx.HTTPError, KeyError, ValueError) as exc:
                    self.problems.append(f"registering {spec.id}: {exc}")
                    log.error("demo: could not register %s: %s", spec.id, exc)

    async def _register(self, client: httpx.AsyncClient, spec: Any) -> None:
        registrar = self.stack.officer(spec.registrar, spec.registrar, Role.REGISTRAR)
        approver = self.stack.officer(spec.approver, spec.approver, Role.APPROVER)
        draft = {
            "plate": spec.registered_plate,
            "category": spec.category,
            "case_number": spec.case_number,
            "reason": f"demo scenario {spec.id}",
            "vehicle": {
                "make": spec.vehicle.make,
                "model": spec.vehicle.model,
                "colour": spec.vehicle.colour,
                "type": spec.vehicle.type,
            },
        }
        r = await client.post(
            "/api/v1/wanted", json=draft, headers={"Authorization": f"Bearer {registrar.token}"}
        )
        if r.status_code != 201:
            raise ValueError(f"registration refused ({r.status_code}): {r.text}")
        entry_id = r.json()["entry_id"]
        r = await client.post(
            f"/api/v1/wanted/{entry_id}/approve",
            headers={"Authorization": f"Bearer {approver.token}"},
        )
        if r.status_code != 200:
            raise ValueError(f"approval refused ({r.status_code}): {r.text}")
        self.registrations[spec.id] = Registration(
            spec.id, entry_id, spec.plate, spec.registered_plate, spec.category, time.monotonic()
        )
        log.info("demo: %s registered as %s (%s)", spec.id, entry_id, spec.registered_plate)

    async def operate(self, stop: asyncio.Event) -> None:
        """The simulated operators: decide each candidate by the ground truth, after a pause."""
        simulated = [c for c in self.stack.centers.values() if c.site not in self.manual_sites]
        if not simulated:
            return
        first_seen: dict[str, float] = {}
        async with httpx.AsyncClient(timeout=10) as client:
            while not stop.is_set():
                for center in simulated:
                    try:
                        await self._decide_due(client, center, first_seen)
                    except httpx.HTTPError as exc:
                        log.warning("demo operator at %s: %s", center.site, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)

    async def _decide_due(
        self, client: httpx.AsyncClient, center: Any, seen: dict[str, float]
    ) -> None:
        headers = {"Authorization": f"Bearer {center.sim_operator_token}"}
        r = await client.get(f"{center.url}/api/v1/candidates", headers=headers)
        r.raise_for_status()
        now = time.monotonic()
        for cand in r.json()["candidates"]:
            hit_id = cand["hit_id"]
            if now - seen.setdefault(hit_id, now) < self.operator_delay_s:
                continue
            truth = self.truth.get(cand.get("read_id", ""))
            wanted_entry = (
                self.registrations[truth.wanted_id].entry_id
                if truth is not None and truth.wanted_id in self.registrations
                else None
            )
            if wanted_entry == cand["entry_id"]:
                decision, reason = "confirm", "simulated operator: snapshot shows the wanted car"
            else:
                decision, reason = "reject", "simulated operator: a different car on the snapshot"
            r = await client.post(
                f"{center.url}/api/v1/candidates/{hit_id}/{decision}",
                json={"reason": reason},
                headers=headers,
            )
            if r.status_code not in (200, 409):  # 409: decided meanwhile (a person at the console)
                log.warning("demo operator at %s: %s %s", center.site, r.status_code, r.text)
