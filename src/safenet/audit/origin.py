"""Where an audited action came from: the caller's address, recorded with every record.

The base app of both services (:func:`safenet.service.app.create_base_app`) installs
:class:`OriginMiddleware`, which sets :data:`ORIGIN` to ``http:<client address>`` for
the request's duration; :func:`safenet.audit.store.append` writes it into the record's
details as ``from`` (unless the caller gave one). Database work in worker threads
(``asyncio.to_thread``) sees it too, since the thread runs in a copy of the request's
context.

A command-line action carries ``cli:<user>@<host>`` (:func:`cli_origin`, set by the
``safenet`` root command; the long-running ``serve`` commands and the demo clear it once
they have recorded their start, see :func:`clear`). One that goes through the API
(``safenet police wanted …``) carries ``http:<address> cli:<user>@<host>``: the address
the server saw, then the user and host the command states in :data:`CLIENT_HEADER`.
Actions no request caused (the link's intake, the sweeps) carry no ``from``: their actor
(``link:<site>``, ``center:<site>``, ``police``) says where they came from.
"""

from __future__ import annotations

import getpass
import os
import re
import socket
from contextvars import ContextVar
from typing import Any

ORIGIN: ContextVar[str | None] = ContextVar("safenet_audit_origin", default=None)

CLIENT_HEADER = "X-Safenet-Client"
"""What safenet's command-line clients send (``safenet police wanted …``): their origin."""

_CLIENT = re.compile(r"cli:[A-Za-z0-9._-]{1,64}@[A-Za-z0-9._-]{1,253}")


def current_origin() -> str | None:
    """The origin of the action being recorded now (None outside a request)."""
    return ORIGIN.get()


def cli_user() -> str:
    """The login running the command (``$USER``, else the account's name)."""
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (a container)
        return f"uid{os.getuid()}"


def cli_origin() -> str:
    """``cli:<user>@<host>``: where a command-line action came from."""
    return f"cli:{cli_user()}@{socket.gethostname() or 'unknown'}"


def clear() -> None:
    """No origin from here on: a service's own loops and link intake are no CLI action."""
    ORIGIN.set(None)


class OriginMiddleware:
    """ASGI middleware that records each HTTP request's client address as its origin."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        origin = f"http:{client[0]}" if client else "http:unknown"
        # A command-line client says which user on which host it runs as. The address is
        # what the server saw; the claim follows it, kept only when well-formed.
        claimed = dict(scope.get("headers") or ()).get(CLIENT_HEADER.lower().encode())
        if claimed is not None and _CLIENT.fullmatch(claimed.decode("latin-1")):
            origin = f"{origin} {claimed.decode('latin-1')}"
        token = ORIGIN.set(origin)
        try:
            await self.app(scope, receive, send)
        finally:
            ORIGIN.reset(token)
