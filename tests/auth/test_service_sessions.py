"""A person's session on the running police service: cookie + CSRF, and revocation.

Signed in with password and TOTP over HTTP, the officer's cookie admits them; a
state-changing call without the CSRF token is refused; revoking the account's
sessions ends the very next request and an alert stream that is already open.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pyotp
import sqlalchemy as sa

from safenet.auth.accounts import Accounts
from safenet.auth.settings import AuthSettings
from tests.police.support import Server, start_police

PASSWORD = "correct-horse-battery-9"


async def test_cookie_session_csrf_and_revocation_reach_an_open_stream(tmp_path: Path) -> None:
    police = await start_police(
        f"sqlite:///{tmp_path / 'police.db'}",
        auth=AuthSettings(cookie_secure=False),
        sse_keepalive_s=1.0,
    )
    try:
        accounts = Accounts(police.db, "police", police.service.settings.auth)
        creds = accounts.add(
            "jung.dispatch",
            name="정상황",
            rank="경사",
            roles=["dispatcher"],
            password=PASSWORD,
            actor="test",
        )
        assert creds.enrolment is not None
        async with (
            Server(police.app) as server,
            httpx.AsyncClient(base_url=server.url, timeout=10) as http,
        ):
            step = await http.post(
                "/auth/login", json={"user_id": "jung.dispatch", "password": PASSWORD}
            )
            assert step.status_code == 200, step.text
            code = pyotp.TOTP(creds.enrolment.secret).now()
            signed = await http.post("/auth/totp", json={"code": code})
            assert signed.status_code == 200, signed.text
            csrf = signed.json()["csrf_token"]
            assert (await http.get("/api/v1/alerts")).status_code == 200  # the cookie alone

            no_csrf = await http.post("/api/v1/alerts/1/acknowledge")
            assert no_csrf.status_code == 403
            assert "CSRF" in no_csrf.json()["message"]
            with_csrf = await http.post(
                "/api/v1/alerts/1/acknowledge", headers={"X-CSRF-Token": csrf}
            )
            assert with_csrf.status_code == 404  # past the guard: there is no alert 1

            async with http.stream("GET", "/api/v1/alerts/stream") as stream:
                assert stream.status_code == 200
                lines = stream.aiter_lines()
                while (await anext(lines)) != ": connected":
                    pass
                revoked = await asyncio.to_thread(
                    accounts.revoke_sessions, "jung.dispatch", actor="admin"
                )
                assert revoked == 1

                async def signed_out() -> None:
                    async for line in lines:
                        if line == "event: signed-out":
                            return

                await asyncio.wait_for(signed_out(), 10)
            after = await http.get("/api/v1/alerts")
            assert after.status_code == 401
        with police.db.read() as conn:
            actions = set(conn.execute(sa.text("SELECT action FROM audit_log")).scalars())
        assert {"auth.user_added", "auth.login", "auth.sessions_revoked"} <= actions
    finally:
        await police.close()
