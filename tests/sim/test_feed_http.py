"""The HTTP feeder against a real HTTP server: batches, tokens, answers, outages, pacing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from safenet.sim import Feeder, FeedSettings, ReadEvent, SimClock
from safenet.sim.feed_http import HttpSink
from safenet.sim.snapshot import SnapshotRenderer
from tests.sim.simdata import START, default_run, pictured
from tests.support.services import free_port

TOKENS = {"seocho": "tok-seocho", "gangnam": "tok-gangnam", "eunpyeong": "tok-eunpyeong"}
FAST = FeedSettings(
    batch_interval_s=0.02, retry_initial_s=0.05, retry_max_s=0.2, drain_timeout_s=10
)
REQUIRED = {"id", "camera_id", "ts", "plate", "confidence"}
OPTIONAL = {"alternatives", "snapshot_ref", "snapshot_jpeg", "vehicle"}


@dataclass
class Center:
    """A stand-in center ingest: records what it gets, answers as the contract says."""

    max_batch: int = 1000
    invalid_sites: frozenset[str] = frozenset()
    batches: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    arrivals: list[float] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/{site}/api/v1/reads")
        async def reads(site: str, request: Request) -> JSONResponse:
            if request.headers.get("authorization") != f"Bearer {TOKENS.get(site)}":
                return JSONResponse({"detail": "bad token"}, status_code=401)
            body = await request.json()
            assert set(body) == {"reads"}
            batch = body["reads"]
            if site in self.invalid_sites:
                return JSONResponse({"error": "invalid", "message": "bad body"}, status_code=422)
            if len(batch) > self.max_batch:
                return JSONResponse(
                    {
                        "error": "batch_too_large",
                        "message": f"the batch has {len(batch)} reads; at most {self.max_batch}",
                        "field": "reads",
                        "details": {"limit": self.max_batch, "count": len(batch)},
                    },
                    status_code=422,
                )
            self.batches.append((site, batch))
            self.arrivals.append(time.monotonic())
            accepted, duplicates, rejected = [], [], []
            for i, read in enumerate(batch):
                problem = _check_read(read)
                if problem is not None:
                    rejected.append({"index": i, "id": read.get("id"), **problem})
                elif read["id"] in self.seen:
                    duplicates.append(read["id"])
                else:
                    self.seen.add(read["id"])
                    accepted.append(read["id"])
            return JSONResponse(
                {"accepted": accepted, "duplicates": duplicates, "rejected": rejected}
            )

        return app


def _check_read(read: dict[str, Any]) -> dict[str, str] | None:
    """The ingest contract's rules for one read (a refusal names the field)."""
    if not set(read) >= REQUIRED or not set(read) <= REQUIRED | OPTIONAL:
        return {"field": "read", "reason": f"keys {sorted(read)}"}
    if datetime.fromisoformat(read["ts"]).utcoffset() is None:
        return {"field": "ts", "reason": "needs an offset"}
    if not 0.0 <= read["confidence"] <= 1.0:
        return {"field": "confidence", "reason": "must be between 0 and 1"}
    return None


class Server:
    def __init__(self, center: Center, port: int) -> None:
        config = uvicorn.Config(
            center.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve())
        for _ in range(500):  # uvicorn says it is up by a flag only
            if self.server.started:
                return
            await asyncio.sleep(0.01)
        raise RuntimeError("the test HTTP server did not start within 5 s")

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
async def center(port: int) -> AsyncIterator[Center]:
    c = Center()
    server = Server(c, port)
    await server.start()
    yield c
    await server.stop()


def _urls(port: int) -> dict[str, str]:
    return {site: f"http://127.0.0.1:{port}/{site}" for site in TOKENS}


@pytest.fixture(scope="module")
def events(data_dir: Path) -> list[ReadEvent]:
    return list(default_run(data_dir)[0][:400])


async def test_reads_arrive_in_the_ingest_format_with_each_centers_token(
    center: Center, port: int, events: list[ReadEvent]
) -> None:
    report = await Feeder(HttpSink(_urls(port), TOKENS), FAST).run(events)
    got: dict[str, list[dict[str, Any]]] = {}
    for site, batch in center.batches:
        got.setdefault(site, []).extend(batch)
    renderer = SnapshotRenderer()
    for site in TOKENS:
        # Each read goes with its camera's picture, drawn from the read's truth.
        assert got[site] == [pictured(renderer, e) for e in events if e.site == site]
    assert report.queued == len(events)
    assert report.delivered == len(events)
    assert report.lost == 0
    assert {s: report.sites[s].accepted for s in TOKENS} == {
        s: sum(1 for e in events if e.site == s) for s in TOKENS
    }


async def test_duplicates_and_rejected_reads_are_counted(
    center: Center, port: int, events: list[ReadEvent]
) -> None:
    sink = HttpSink(_urls(port), TOKENS)
    await Feeder(sink, FAST).run(events[:100])
    bad = replace(events[100], read={**events[100].read, "confidence": 1.7})
    report = await Feeder(HttpSink(_urls(port), TOKENS), FAST).run([*events[:100], bad])
    assert sum(s.duplicates for s in report.sites.values()) == 100
    site = report.sites[bad.site]
    assert site.rejected == 1
    assert site.rejections[0]["field"] == "confidence"
    assert report.lost == 1


async def test_a_center_that_is_down_gets_its_reads_when_it_comes_back(
    port: int, events: list[ReadEvent]
) -> None:
    center = Center()
    server = Server(center, port)
    # Without pictures: drawing 150 of them on a loaded machine can take longer than the
    # outage, and the first send would then find the center already up.
    feeder = Feeder(HttpSink(_urls(port), TOKENS), replace(FAST, snapshots=False))
    feed = asyncio.create_task(feeder.run(events[:150]))
    await asyncio.sleep(0.6)
    assert not feed.done()
    await server.start()
    try:
        report = await asyncio.wait_for(feed, 15)
    finally:
        await server.stop()
    assert report.delivered == 150
    assert report.lost == 0
    assert sum(s.retries for s in report.sites.values()) > 0
    assert len(center.seen) == 150


async def test_reads_a_center_never_takes_are_reported_not_lost_silently(
    port: int, events: list[ReadEvent]
) -> None:
    settings = replace(FAST, drain_timeout_s=0.5)
    report = await Feeder(HttpSink(_urls(port), TOKENS), settings).run(events[:50])
    assert report.delivered == 0
    assert report.lost == 50
    assert sum(s.undelivered for s in report.sites.values()) == 50
    assert "ConnectError" in (next(iter(report.sites.values())).last_error or "")
    assert "undelivered" in report.summary()


async def test_a_wrong_token_fails_the_batch_with_the_reason(
    center: Center, port: int, events: list[ReadEvent]
) -> None:
    tokens = {**TOKENS, "gangnam": "wrong"}
    report = await Feeder(HttpSink(_urls(port), tokens), FAST).run(events[:200])
    gangnam = report.sites["gangnam"]
    assert gangnam.failed == gangnam.queued > 0
    assert "HTTP 401: bad token" in (gangnam.last_error or "")
    assert report.sites["seocho"].accepted == report.sites["seocho"].queued


async def test_batches_too_large_for_the_center_are_split(
    port: int, events: list[ReadEvent]
) -> None:
    center = Center(max_batch=16)
    server = Server(center, port)
    await server.start()
    try:
        report = await Feeder(HttpSink(_urls(port), TOKENS), FAST).run(events[:200])
    finally:
        await server.stop()
    assert report.delivered == 200
    assert all(len(batch) <= 16 for _, batch in center.batches)


async def test_a_422_that_is_not_about_the_batch_size_is_not_split(
    port: int, events: list[ReadEvent]
) -> None:
    center = Center(invalid_sites=frozenset({"gangnam"}))
    server = Server(center, port)
    await server.start()
    try:
        report = await Feeder(HttpSink(_urls(port), TOKENS), FAST).run(events[:200])
    finally:
        await server.stop()
    gangnam = report.sites["gangnam"]
    assert gangnam.failed == gangnam.queued > 0
    assert "HTTP 422: bad body" in (gangnam.last_error or "")
    assert report.sites["seocho"].accepted == report.sites["seocho"].queued


async def test_reads_go_without_pictures_when_snapshots_are_off(
    center: Center, port: int, events: list[ReadEvent]
) -> None:
    await Feeder(HttpSink(_urls(port), TOKENS), replace(FAST, snapshots=False)).run(events[:30])
    sent = [read for _, batch in center.batches for read in batch]
    assert sorted(r["id"] for r in sent) == sorted(e.read_id for e in events[:30])
    assert not any("snapshot_jpeg" in r for r in sent)


async def test_reads_are_paced_by_the_simulated_clock(
    center: Center, port: int, events: list[ReadEvent]
) -> None:
    sample = [replace(e, t_s=i * 0.2) for i, e in enumerate(events[:16])]  # 3 s simulated
    clock = SimClock(START, speed_factor=5.0)  # 0.6 s of wall time
    began = time.monotonic()
    report = await Feeder(HttpSink(_urls(port), TOKENS), FAST).run(sample, clock=clock)
    elapsed = time.monotonic() - began
    assert report.delivered == 16
    assert 0.55 <= elapsed < 5
    assert center.arrivals[-1] - center.arrivals[0] >= 0.4
