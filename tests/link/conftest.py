"""Fixtures for the link tests: fenced private nats-servers and message factories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from safenet.link.messages import (
    Coordinates,
    EscapeRoute,
    EvidenceRequest,
    LocationReport,
    Officer,
    PipaBasis,
    ScenePhotos,
)
from safenet.link.nats_config import SiteCredentials, read_credentials, write_nats_config
from tests.support.services import NatsServer

CENTERS = ("seocho", "gangnam")


@dataclass
class FencedNats:
    """A private nats-server running the generated fenced configuration."""

    server: NatsServer
    credentials: dict[str, SiteCredentials]

    @property
    def url(self) -> str:
        return self.server.url

    def transport(self, site: str, **kwargs: object):  # type: ignore[no-untyped-def]
        from safenet.link.nats import NatsTransport

        creds = self.credentials[site]
        return NatsTransport(
            self.url, site, user=creds.user, password=creds.password, connect_wait_s=10, **kwargs
        )


def start_fenced(
    nats_server: Callable[..., NatsServer], tmp_path: Path, centers: tuple[str, ...] = CENTERS
) -> FencedNats:
    conf = tmp_path / "fenced" / "nats.conf"
    write_nats_config(list(centers), conf, store_dir=str(tmp_path / "fenced" / "jetstream"))
    creds = {
        p.stem: read_credentials(p) for p in (tmp_path / "fenced" / "credentials").glob("*.env")
    }
    server = nats_server(conf.read_text(), name="fenced")
    return FencedNats(server, creds)


@pytest.fixture
def fenced_nats(nats_server: Callable[..., NatsServer], tmp_path: Path) -> FencedNats:
    return start_fenced(nats_server, tmp_path)


def make_report(i: int, site: str = "seocho", **overrides: object) -> LocationReport:
    fields: dict[str, object] = {
        "site": site,
        "hit_id": f"hit-{i}",
        "entry_id": "entry-1",
        "hotlist_version": 7,
        "camera_id": f"cam-{i % 13}",
        "coordinates": Coordinates(lat=37.48, lon=127.03),
        "address": "서울 서초구 반포대로 1",
        "heading": 90.0,
        "read_at": datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        "plate_read": "12가3456",
        "level": "exact",
        "score": 1.0,
        "explanation": "exact plate match",
        "read_confidence": 0.93,
        "snapshot_ref": f"snap-{i}",
        "decision": "alert",
    }
    fields.update(overrides)
    return LocationReport(**fields)  # type: ignore[arg-type]


def make_evidence_request(site: str = "seocho", **overrides: object) -> EvidenceRequest:
    fields: dict[str, object] = {
        "site": site,
        "request_id": f"req-{site}",
        "entry_id": "entry-1",
        "case_number": "2025-서초-0001",
        "category": "robbery",
        "legal_basis": PipaBasis(item=7),
        "requester": Officer(
            officer_id="officer-7", name="김민수", rank="경위", agency="서울서초경찰서 형사과"
        ),
        "purpose": "강도 피의차량 도주경로 확인",
        "items": [ScenePhotos(hit_id="hit-1", window_s=30), EscapeRoute(hit_id="hit-1")],
        "requested_at": datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    }
    fields.update(overrides)
    return EvidenceRequest(**fields)  # type: ignore[arg-type]


class LinkEnv:
    """One link (in-process or fenced NATS) with transports per site, for contract tests."""

    def __init__(self, kind: str, fenced: FencedNats | None = None) -> None:
        from safenet.link.memory import MemoryBroker

        self.kind = kind
        self.fenced = fenced
        self.broker = MemoryBroker() if kind == "memory" else None
        self._open: list[object] = []

    async def transport(self, site: str, **kwargs: object):  # type: ignore[no-untyped-def]
        from safenet.link.memory import MemoryTransport

        if self.broker is not None:
            t = MemoryTransport(self.broker, site)
        else:
            assert self.fenced is not None
            t = self.fenced.transport(site, **kwargs)
        await t.start()
        self._open.append(t)
        return t

    async def inject(self, site: str, subject: str, payload: bytes, msg_id: str) -> None:
        """Put raw bytes on a site's subject, bypassing the codec's validation."""
        from safenet.link.transport import Envelope

        envelope = Envelope(subject, msg_id, payload, "raw")
        if self.broker is not None:
            self.broker.store(envelope)
            return
        t = await self.transport(site)
        await t.publish_envelope(envelope)

    def down(self) -> None:
        if self.broker is not None:
            self.broker.set_available(False)
        else:
            assert self.fenced is not None
            self.fenced.server.kill()

    def up(self) -> None:
        if self.broker is not None:
            self.broker.set_available(True)
        else:
            assert self.fenced is not None
            self.fenced.server.start()

    async def close(self) -> None:
        for t in reversed(self._open):
            await t.close()  # type: ignore[attr-defined]


@pytest.fixture(params=["memory", pytest.param("nats", marks=pytest.mark.nats)])
async def link_env(
    request: pytest.FixtureRequest, nats_server: Callable[..., NatsServer], tmp_path: Path
):  # type: ignore[no-untyped-def]
    fenced = start_fenced(nats_server, tmp_path) if request.param == "nats" else None
    env = LinkEnv(request.param, fenced)
    yield env
    await env.close()


class Recorder:
    """A handler that records what it got and can be told to fail."""

    def __init__(self) -> None:
        import asyncio

        self.messages: list[object] = []
        self.calls = 0
        self.fail: Callable[[object, int], bool] = lambda message, attempt: False
        self.attempts: dict[str, int] = {}
        self._changed = asyncio.Event()

    async def __call__(self, message: object) -> None:
        self.calls += 1
        mid = message.message_id  # type: ignore[attr-defined]
        self.attempts[mid] = self.attempts.get(mid, 0) + 1
        self._changed.set()
        if self.fail(message, self.attempts[mid]):
            raise RuntimeError(f"handler refused {mid}")
        self.messages.append(message)

    async def wait_for(self, n: int, within_s: float = 10.0) -> None:
        import asyncio
        import contextlib

        deadline = asyncio.get_running_loop().time() + within_s
        while len(self.messages) < n:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"got {len(self.messages)} messages, expected {n}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.1))
