"""Request limits every service applies: a per-identity rate and a body size.

Both answer with the project's error body and name the limit, so a caller (or the
operator reading the log) knows what to change: 429 says how many requests per minute
an identity may make and when to retry; 413 says how many bytes a body may have.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from safenet.service.errors import TooManyRequests


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets per identity: ``burst`` at once, refilled at ``per_minute``.

    Memory is bounded: at most ``max_identities`` buckets, the least recently used
    dropped first (a dropped identity starts again with a full bucket, which only
    errs towards letting a real caller through).
    """

    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        max_identities: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0 or burst <= 0:
            raise ValueError("per_minute and burst must be positive")
        self.per_minute = per_minute
        self.burst = burst
        self._rate = per_minute / 60.0
        self._max = max_identities
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, identity: str) -> None:
        """Spend one request of ``identity``'s allowance, or raise 429 naming the limit."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(identity, None) or _Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self._rate)
            bucket.at = now
            self._buckets[identity] = bucket
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            wait = (1.0 - bucket.tokens) / self._rate
        raise TooManyRequests(
            f"rate limit: {self.per_minute} requests per minute per identity "
            f"(bursts of {self.burst}); retry in {wait:.1f} s",
            retry_after_s=wait,
            limit_per_minute=self.per_minute,
            burst=self.burst,
        )


def _too_large_body(limit: int) -> bytes:
    return json.dumps(
        {
            "error": "too_large",
            "message": f"the request body is over the limit of {limit} bytes",
            "field": "body",
            "details": {"limit_bytes": limit},
        }
    ).encode()


class BodySizeLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413.

    A declared ``Content-Length`` over the limit is refused before reading; a body
    without one (chunked) is read up to the limit and refused the moment it passes it,
    so no more than ``max_bytes`` is ever held.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send)
            return
        if declared is not None:
            await self.app(scope, receive, send)  # the server stops at Content-Length
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        body = _too_large_body(self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def limit_responses() -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of the 413/429 answers, for routes to declare."""
    return {
        413: {"description": "The request body is over the size limit (the limit is named)"},
        429: {"description": "Over the per-identity request rate (the limit is named)"},
    }
