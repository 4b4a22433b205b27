"""Retrying a transaction that lost a race for the audit chain's next place.

An audit record takes the next ``seq`` of the chain inside the caller's transaction.
On PostgreSQL two transactions appending at once (an operator's decision, a
retrospective look-up, the purge, perhaps from another process) can both pick the
same place; the loser fails on the primary key and must be run again from the start
(:mod:`safenet.audit.store` says the caller retries). SQLite serialises writers, so
there it never happens.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy.exc as sa_exc

log = logging.getLogger(__name__)

T = TypeVar("T")


def retry_on_conflict(work: Callable[[], T], *, what: str, attempts: int = 4) -> T:
    """Run ``work`` (one whole transaction); run it again when it lost a write race."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except (sa_exc.IntegrityError, sa_exc.OperationalError) as exc:
            if attempt == attempts:
                raise
            log.info("%s: transaction conflict (%s); retrying", what, type(exc.orig).__name__)
            time.sleep(random.uniform(0.005, 0.03) * attempt)
    raise AssertionError("unreachable")
