"""A migrated site database with accounts, and a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import Request

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


SECRET = b"t" * 32


def auth_app(site: Site, *, side: str = "police", site_id: str = "police") -> object:
    """A small FastAPI app with the sign-in router and a few guarded routes."""
    from fastapi import Depends, FastAPI

    from safenet.auth.context import AuthContext, install
    from safenet.auth.guard import ensure_site, require
    from safenet.auth.permissions import SiteFrom
    from safenet.auth.routes import signin_router
    from safenet.auth.types import Principal
    from safenet.service.app import create_base_app

    async def health() -> dict[str, object]:
        return {"ok": True}

    from prometheus_client import CollectorRegistry

    app: FastAPI = create_base_app(
        title="t",
        version="0",
        description="d",
        registry=CollectorRegistry(),
        health=health,
    )
    ctx = AuthContext.build(
        site.db,
        site=site_id,
        side=side,
        settings=site.settings,  # type: ignore[arg-type]
        token_secret=SECRET,
        clock=site.clock,
    )
    install(app, ctx)
    app.include_router(signin_router())

    @app.get("/wanted")
    async def wanted(who: Principal = Depends(require("wanted.read"))) -> dict[str, str]:
        return {"who": who.subject, "name": who.name}

    @app.post("/approve")
    async def approve(who: Principal = Depends(require("wanted.approve"))) -> dict[str, str]:
        return {"who": who.subject}

    @app.post("/reads")
    async def reads(
        body: dict[str, str],
        who: Principal = Depends(require("reads.post", site_from=SiteFrom.APP)),
    ) -> dict[str, str]:
        return {"camera": who.subject, "claimed": body.get("camera_id", "")}

    @app.get("/by-query")
    async def by_query(
        who: Principal = Depends(
            require("tracks.read", site_from=SiteFrom.QUERY, site_field="site")
        ),
    ) -> dict[str, str]:
        return {"who": who.subject}

    @app.post("/by-body")
    async def by_body(
        body: dict[str, str],
        who: Principal = Depends(
            require("alerts.respond", site_from=SiteFrom.BODY, site_field="site")
        ),
    ) -> dict[str, str]:
        return {"site": body["site"]}

    @app.get("/alert/{site}")
    async def alert(
        site: str,
        request: Request,
        who: Principal = Depends(require("alerts.read", site_from=SiteFrom.OBJECT)),
    ) -> dict[str, str]:
        ensure_site(request, who, site)  # the object's site, found by id
        return {"site": site}

    @app.get("/alerts/stream")
    async def stream(
        who: Principal = Depends(require("alerts.read", site_from=SiteFrom.FILTER)),
    ) -> object:
        import asyncio
        from collections.abc import AsyncIterator

        from fastapi.responses import StreamingResponse

        from safenet.auth.stream import guarded

        async def ticks() -> AsyncIterator[str]:
            while True:
                await asyncio.sleep(0.02)
                yield "data: tick\n\n"

        frames = guarded(ticks(), ctx, who, recheck_s=0.05)
        return StreamingResponse(frames, media_type="text/event-stream")

    app.state.ctx = ctx
    return app
