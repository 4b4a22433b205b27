"""The first connection of a site to NATS: one attempt at a time, each failure said aloud.

nats-py, asked to reconnect forever, also retries the first connection forever and
only tells its error callback, so a service with a wrong password used to wait in
silence. :func:`connect` makes each attempt on its own, logs why it failed in words
an operator can act on, and waits a pause that doubles up to
:data:`CONNECT_BACKOFF_S`; the caller reads the last failure for ``/healthz``.
Once connected, the client is told to reconnect forever, and a server older than
nats-server 2.10 is refused (:func:`safenet.link.nats_config.check_server_version`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import nats
import nats.errors
from nats.aio.client import Client

from safenet.link.errors import LinkConfigError, LinkUnavailable
from safenet.link.nats_config import check_server_version

log = logging.getLogger("safenet.link.nats")

CONNECT_BACKOFF_S = (0.5, 30.0)
"""First pause after a failed connection attempt, and the longest (doubling between)."""


def describe_error(exc: BaseException) -> str:
    """A connection failure in words an operator can act on."""
    if isinstance(exc, nats.errors.AuthorizationError) or "authorization" in str(exc).lower():
        return "authorization violation: wrong NATS user or password (see the site's .env file)"
    if isinstance(exc, nats.errors.NoServersError | ConnectionRefusedError):
        return "no server answers (is nats-server running at that address?)"
    if isinstance(exc, TimeoutError | nats.errors.TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


async def connect(
    site: str,
    servers: list[str],
    options: dict[str, Any],
    wait_s: float | None,
    failed: Callable[[BaseException], None],
) -> Client:
    """A connected client (``options`` with ``allow_reconnect`` False for the attempts).

    ``failed`` is told every failure. Raises LinkUnavailable once ``wait_s`` has passed
    (never when None), LinkConfigError for a server older than 2.10.
    """
    where = ", ".join(servers)
    deadline = None if wait_s is None else time.monotonic() + wait_s
    delay = CONNECT_BACKOFF_S[0]
    attempt = 0
    while True:
        attempt += 1
        try:
            nc = await nats.connect(**options)
        except Exception as exc:
            failed(exc)
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise LinkUnavailable(
                    f"link: {site} could not reach {where} within {wait_s}s: {describe_error(exc)}"
                ) from exc
            pause = delay if left is None else min(delay, left)
            log.warning(
                "link: %s cannot connect to NATS at %s (attempt %d): %s; retrying in %.1fs",
                site,
                where,
                attempt,
                describe_error(exc),
                pause,
            )
            await asyncio.sleep(pause)
            delay = min(delay * 2, CONNECT_BACKOFF_S[1])
            continue
        break
    try:
        info = nc._server_info  # what the server said in its INFO line
        check_server_version(str(info.get("version", "")), where=f"nats-server at {where}")
    except LinkConfigError:
        with contextlib.suppress(Exception):
            await nc.close()
        raise
    nc.options["allow_reconnect"] = True
    return nc
