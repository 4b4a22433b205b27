"""The load of ``safenet bench e2e``: reads in over HTTP or MQTT, alerts out over SSE.

- :func:`drive_http` posts batches (one camera's reads a request, that camera's token)
  to the center the camera belongs to; with ``retry_s`` a batch that failed (a center
  down, a connection cut) is posted again with the same read ids, as an edge gateway
  does, until it is answered or ``retry_s`` has passed.
- :func:`drive_mqtt` publishes the same batches (a JSON array of reads) at QoS 1 to the
  camera's topic on the broker; a read counts as accepted when the broker's PUBACK came.
- :func:`watch_alerts` holds one officer's SSE alert stream open and, when it breaks
  (the police restarted), reconnects with ``Last-Event-ID``; when the police answer
  ``resync`` (a new run of the service has no ring of the old one) it re-reads the
  alerts it has not seen (``GET /api/v1/alerts?after=``). A hit delivered twice on
  the stream is counted as doubled; a hit only re-read is delivered, not doubled.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from safenet.bench.match_corpus import random_plate

WANTED_SHARE = 0.001
_HIT_ID = re.compile(r'"hit_id":\s*"(hit-[0-9a-f]+)"')


@dataclass(frozen=True)
class Camera:
    site: str
    camera_id: str


@dataclass
class Load:
    """What the driver sent and what came back."""

    sent_at: dict[str, float] = field(default_factory=dict)  # hit id -> POST start
    accepted: int = 0
    accepted_ids: dict[str, set[str]] = field(default_factory=dict)  # site -> read ids
    duplicates: int = 0
    rejected: int = 0
    failed_posts: int = 0
    retried_posts: int = 0
    wanted_accepted: set[str] = field(default_factory=set)
    hit_site: dict[str, str] = field(default_factory=dict)  # hit id -> center
    alerts: dict[str, list[float]] = field(default_factory=dict)  # hit id -> stream arrivals
    reread: set[str] = field(default_factory=set)  # hit ids only re-read after a resync
    stream_breaks: int = 0
    first_post: float = 0.0
    last_answer: float = 0.0

    def accept(self, site: str, read_ids: list[str]) -> None:
        self.accepted += len(read_ids)
        self.accepted_ids.setdefault(site, set()).update(read_ids)

    def delivered(self) -> set[str]:
        return set(self.alerts) | self.reread


class Reads:
    """The reads of a run: batch ``k`` is reads ``offset + k * size`` …, at one camera."""

    def __init__(self, cameras: list[Camera], wanted: dict[str, str], seed: int = 16) -> None:
        self.cameras = cameras
        self.wanted = wanted
        self.plates = list(wanted)
        self.rng = random.Random(seed)
        self.seq: dict[Camera, itertools.count[int]] = {}
        self.place = {c: k for k, c in enumerate(cameras)}
        self.used: dict[Camera, set[str]] = {}

    def batch(
        self, start: int, size: int, camera: Camera
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The reads, and read id -> hit id for its wanted reads.

        The n-th wanted read at camera c: plate (7c + n) mod P, so no (entry, camera) pair
        comes back before P wanted reads at that camera (a suppressed hit sends no alert).
        """
        from safenet.center.types import hit_id_for

        now = datetime.now(UTC).isoformat()
        reads = []
        hits: dict[str, str] = {}
        for k in range(start, start + size):
            read_id = f"r{k}"
            if self.rng.random() < WANTED_SHARE and self.plates:
                n = next(self.seq.setdefault(camera, itertools.count()))
                plate = self.plates[(7 * self.place.get(camera, 0) + n) % len(self.plates)]
                hits[read_id] = hit_id_for(
                    camera.site, camera.camera_id, read_id, self.wanted[plate]
                )
            else:
                # A plate the camera read before in the run would be the same pass of the
                # same car (de-duplicate stage): not stored, rightly; never one here.
                used = self.used.setdefault(camera, set())
                plate = random_plate(self.rng)
                while plate in used:
                    plate = random_plate(self.rng)
                used.add(plate)
            reads.append(
                {
                    "id": read_id,
                    "camera_id": camera.camera_id,
                    "ts": now,
                    "plate": plate,
                    "confidence": 0.95,
                }
            )
        return reads, hits


def _schedule(rate: float, duration: float, batch: int) -> tuple[int, float]:
    return max(1, int(rate * duration / batch)), batch / rate


async def drive_http(
    urls: dict[str, str],
    tokens: dict[Camera, str],
    rate: float,
    duration: float,
    batch: int,
    reads: Reads,
    load: Load,
    offset: int = 0,
    in_flight: int = 8,
    retry_s: float = 0.0,
) -> None:
    posts, interval = _schedule(rate, duration, batch)
    gate = asyncio.Semaphore(in_flight)
    cameras = reads.cameras
    clients = {
        site: httpx.AsyncClient(
            base_url=url, timeout=60, limits=httpx.Limits(max_connections=in_flight)
        )
        for site, url in urls.items()
    }

    async def post(k: int) -> None:
        camera = cameras[(offset // batch + k) % len(cameras)]
        headers = {"Authorization": f"Bearer {tokens[camera]}", "Content-Type": "application/json"}
        rows, hits = reads.batch(offset + k * batch, batch, camera)
        body = json.dumps({"reads": rows}, ensure_ascii=False).encode()
        given_up = time.perf_counter() + retry_s
        first = True
        while True:
            async with gate:
                started = time.perf_counter()
                if first:
                    for hit_id in hits.values():
                        load.sent_at[hit_id] = started
                        load.hit_site[hit_id] = camera.site
                try:
                    response = await clients[camera.site].post(
                        "/api/v1/reads", content=body, headers=headers
                    )
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                load.last_answer = time.perf_counter()
            if ok:
                break
            if time.perf_counter() >= given_up:
                load.failed_posts += 1
                return
            first = False
            load.retried_posts += 1
            await asyncio.sleep(0.5)
        answer = response.json()
        taken = list(answer["accepted"]) + list(answer["duplicates"])
        load.accept(camera.site, taken)
        load.duplicates += len(answer["duplicates"])
        load.rejected += len(answer["rejected"])
        done = set(taken)
        load.wanted_accepted.update(h for r, h in hits.items() if r in done)

    try:
        load.first_post = time.perf_counter()
        tasks = []
        for k in range(posts):
            delay = load.first_post + k * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(k)))
        await asyncio.gather(*tasks)
    finally:
        for client in clients.values():
            await client.aclose()


def mqtt_topic(prefix: str, camera: Camera) -> str:
    return f"{prefix}/{camera.site}/cameras/{camera.camera_id}/reads"


async def drive_mqtt(
    host: str,
    port: int,
    prefix: str,
    rate: float,
    duration: float,
    batch: int,
    reads: Reads,
    load: Load,
    offset: int = 0,
    in_flight: int = 8,
) -> None:
    """Batches as JSON arrays at QoS 1; accepted = the broker's PUBACK came."""
    import aiomqtt

    posts, interval = _schedule(rate, duration, batch)
    gate = asyncio.Semaphore(in_flight)
    cameras = reads.cameras
    async with aiomqtt.Client(host, port, max_queued_outgoing_messages=0) as client:

        async def publish(k: int) -> None:
            camera = cameras[(offset // batch + k) % len(cameras)]
            rows, hits = reads.batch(offset + k * batch, batch, camera)
            body = json.dumps(rows, ensure_ascii=False).encode()
            async with gate:
                started = time.perf_counter()
                for hit_id in hits.values():
                    load.sent_at[hit_id] = started
                    load.hit_site[hit_id] = camera.site
                try:
                    await client.publish(mqtt_topic(prefix, camera), body, qos=1, timeout=60)
                except aiomqtt.MqttError:
                    load.failed_posts += 1
                    return
                load.last_answer = time.perf_counter()
            load.accept(camera.site, [r["id"] for r in rows])
            load.wanted_accepted.update(hits.values())

        load.first_post = time.perf_counter()
        tasks = []
        for k in range(posts):
            delay = load.first_post + k * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(publish(k)))
        await asyncio.gather(*tasks)


async def watch_alerts(url: str, token: str, load: Load, ready: asyncio.Event) -> None:
    """The alert stream until cancelled: reconnects, resumes, re-reads after a resync."""
    last_id: str | None = None
    seen_alert = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(10, read=None)) as http:
        while True:
            try:
                extra = {"Last-Event-ID": last_id} if last_id else {}
                async with http.stream(
                    "GET", "/api/v1/alerts/stream", headers={**headers, **extra}
                ) as response:
                    if response.status_code != 200:
                        raise httpx.TransportError(f"HTTP {response.status_code}")
                    kind = ""
                    async for line in response.aiter_lines():
                        if line.startswith(": connected"):
                            ready.set()
                        elif line.startswith("id: "):
                            last_id = line[4:].strip()
                        elif line.startswith("event: "):
                            kind = line[7:].strip()
                            if kind == "resync":
                                seen_alert = await _reread(http, headers, load, seen_alert)
                        elif line.startswith("data: ") and kind == "hit":
                            found = _HIT_ID.search(line)
                            if found is not None:
                                load.alerts.setdefault(found[1], []).append(time.perf_counter())
                            alert = re.search(r'"alert_id":\s*(\d+)', line)
                            if alert is not None:
                                seen_alert = max(seen_alert, int(alert[1]))
            except (httpx.HTTPError, OSError):
                pass
            load.stream_breaks += 1
            await asyncio.sleep(0.5)
            with _suppress():
                seen_alert = await _reread(http, headers, load, seen_alert)


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, tb: object) -> bool:
        return isinstance(value, httpx.HTTPError | OSError | ValueError)


async def _reread(http: httpx.AsyncClient, headers: dict[str, str], load: Load, after: int) -> int:
    """The alerts after ``after`` through the API: hit ids not seen on the stream."""
    r = await http.get("/api/v1/alerts", params={"after": after, "limit": 5000}, headers=headers)
    if r.status_code != 200:
        return after
    for alert in r.json()["alerts"]:
        after = max(after, int(alert.get("alert_id", 0)))
        if alert.get("kind") != "hit":
            continue
        found = _HIT_ID.search(json.dumps(alert))
        if found is not None and found[1] not in load.alerts:
            load.reread.add(found[1])
    return after
