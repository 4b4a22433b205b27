"""A migrated site database with accounts, and a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from safenet.auth.accounts import Accounts, Credentials
from safenet.auth.sessions import Sessions
from safenet.auth.settings import AuthSettings
from safenet.auth.signin import SignIn
from safenet.store import Database, migrate, open_database

PASSWORD = "correct horse battery"


@dataclass
class TestClock:
    """A clock that moves only when the test says so."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 1, 0, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Site:
    """One site's accounts, sign-in and sessions on a real, migrated database."""

    db: Database
    clock: TestClock
    settings: AuthSettings
    accounts: Accounts
    signin: SignIn
    sessions: Sessions

    def add(self, user_id: str = "kim.approver", **kw: object) -> Credentials:
        values: dict[str, object] = {
            "name": "김민수",
            "rank": "경위",
            "roles": ["approver"],
            "password": PASSWORD,
            "actor": "admin.lee",
        }
        values.update(kw)
        return self.accounts.add(user_id, **values)  # type: ignore[arg-type]


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:
    db = open_database(db_url)
    migrate(db, "police")
    clock = TestClock()
    settings = AuthSettings(cookie_secure=False)
    yield Site(
        db,
        clock,
        settings,
        Accounts(db, "police", settings, clock),
        SignIn(db, "police", settings, clock),
        Sessions(db, settings, clock),
    )
    db.dispose()
