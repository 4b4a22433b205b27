"""Request limits: a body over the size limit is 413, a caller over its rate 429, both named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from safenet.service import BodySizeLimit, RateLimiter, TooManyRequests


def _app(limit: int) -> TestClient:
    app = FastAPI()
    app.add_middleware(BodySizeLimit, max_bytes=limit)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    return TestClient(app)


def test_body_within_limit_passes() -> None:
    assert _app(1024).post("/echo", content=b"x" * 1024).json() == {"size": 1024}


def test_declared_body_over_limit_is_413_naming_the_limit() -> None:
    r = _app(1024).post("/echo", content=b"x" * 1025)
    assert r.status_code == 413
    assert r.json()["message"] == "the request body is over the limit of 1024 bytes"
    assert r.json()["details"] == {"limit_bytes": 1024}


def test_chunked_body_over_limit_is_413() -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 500

    r = _app(1024).post("/echo", content=chunks())
    assert r.status_code == 413
    assert _app(10_000).post("/echo", content=chunks()).json() == {"size": 5000}


def test_rate_limiter_refills_and_names_the_limit() -> None:
    now = [0.0]
    limiter = RateLimiter(60, 2, clock=lambda: now[0])
    limiter.take("kim")
    limiter.take("kim")
    with pytest.raises(TooManyRequests, match="60 requests per minute") as info:
        limiter.take("kim")
    assert info.value.retry_after_s == pytest.approx(1.0)
    limiter.take("park")  # another identity has its own bucket
    now[0] += 1.0
    limiter.take("kim")


def test_rate_limiter_memory_is_bounded() -> None:
    limiter = RateLimiter(60, 1, max_identities=3)
    for i in range(10):
        limiter.take(f"id{i}")
    assert len(limiter._buckets) == 3
