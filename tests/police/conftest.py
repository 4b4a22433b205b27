"""Fixtures for the police tests (see tests/police/support.py for the helpers)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.police.support import Clock, Police, start_police


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def police(sqlite_url: str, clock: Clock) -> AsyncIterator[Police]:
    p = await start_police(sqlite_url, clock)
    yield p
    await p.close()


@pytest.fixture
async def police_db(db_url: str, clock: Clock) -> AsyncIterator[Police]:
    """A police service on SQLite and on PostgreSQL."""
    p = await start_police(db_url, clock)
    yield p
    await p.close()
