"""The police service's sense of time: UTC everywhere, injectable so tests can move it.

Everything is stored and sent as tz-aware UTC; the consoles show Asia/Seoul. SQLite
keeps no offset, so every time read back from the database goes through
:func:`as_utc`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
"""A callable returning the current time, tz-aware."""

SEOUL = ZoneInfo("Asia/Seoul")


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A database time as tz-aware UTC (SQLite hands back naive UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def maybe_utc(value: datetime | None) -> datetime | None:
    """:func:`as_utc` for a time that may be missing."""
    return None if value is None else as_utc(value)


def iso(value: datetime | None) -> str | None:
    """RFC 3339 text of a time in UTC, or None."""
    return None if value is None else as_utc(value).isoformat()
