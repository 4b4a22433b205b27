"""Serving a service's app with uvicorn until the process is asked to stop.

``safenet center serve`` and ``safenet police serve`` run their app here and stop
their service afterwards. uvicorn would re-raise SIGINT/SIGTERM once it has stopped,
which cuts the service's own graceful stop short (queued reads finished, the outbox
drained); here the signals only tell the server to exit, and :func:`serve_app`
returns so that the caller's stop runs to its end.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from typing import Any

import uvicorn


class _Server(uvicorn.Server):
    """A uvicorn server that leaves the signals to :func:`serve_app`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_app(app: Any, *, host: str, port: int, **config: Any) -> None:
    """Serve ``app`` on ``host:port`` until SIGINT or SIGTERM; then return."""
    server = _Server(
        uvicorn.Config(app, host=host, port=port, log_config=None, lifespan="off", **config)
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
    try:
        await server.serve()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
