"""Free local ports for processes this machine starts (``safenet deploy local``, tests).

A block is chosen below the kernel's ephemeral range, where port 0 binds and every
outgoing connection take their ports: a block inside it can be taken by another
process's connection between the check and the bind (seen as Errno 98 under pytest-xdist,
2026-12-03).
"""

from __future__ import annotations

import random
import socket
from pathlib import Path


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _binds(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port_block(size: int, tries: int = 300) -> int:
    """A base port with ``size`` consecutive ports from it that can be bound on 127.0.0.1 now."""
    rng = random.Random()
    top = _ephemeral_low() - size
    for _ in range(tries):
        base = rng.randrange(20000, top)
        if all(_binds(base + i) for i in range(size)):
            return base
    raise RuntimeError(f"no block of {size} free ports below {top + size}")
