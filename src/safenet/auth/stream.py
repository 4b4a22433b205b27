"""Server-sent event streams that end when the caller's session does.

An ``EventSource`` authenticates once, by the session cookie, when the stream opens;
the stream then runs for as long as the browser keeps it. :func:`guarded` rechecks the
session every ``recheck_s`` seconds (and before each event) and ends the stream with a
final ``event: signed-out`` once the session is revoked, idle or past its limit, so a
revocation reaches open streams too.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from safenet.auth.context import AuthContext
from safenet.auth.types import Principal

SIGNED_OUT = "event: signed-out\ndata: {}\n\n"


async def guarded(
    events: AsyncIterator[str],
    ctx: AuthContext,
    principal: Principal,
    *,
    recheck_s: float = 5.0,
) -> AsyncIterator[str]:
    """``events`` (SSE text frames) for as long as ``principal``'s session is live."""
    pending: asyncio.Task[str] | None = None
    last_check = time.monotonic()
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(events))
            done, _ = await asyncio.wait({pending}, timeout=recheck_s)
            now = time.monotonic()
            if done or now - last_check >= recheck_s:
                last_check = now
                if not await asyncio.to_thread(ctx.still_signed_in, principal):
                    yield SIGNED_OUT
                    return
            if done:
                try:
                    frame = pending.result()
                except StopAsyncIteration:
                    return
                pending = None
                yield frame
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await pending
