"""The attacker's matrix against the running services, route by route from their OpenAPI.

Every ``/api/v1`` route of the center's and the police's OpenAPI document is called
anonymously and as every role × kind × site (own, other, police-wide), with the
expectations written out by hand in :mod:`tests.auth.test_permissions`: a caller who
may must get past the guard to the answer written out below (200, 404 for an id
naming nothing in their scope, 422 for a refused body; never a 5xx), anyone else 403,
nobody 401. Objects owned by a site outside the caller's scope answer 404 (an alert)
or are left out (a track's points). Building the app with one declaration loosened
makes the matrix fail, so a loosened route cannot go unnoticed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from safenet.audit.store import audit_log
from safenet.auth.declared import declared
from safenet.auth.permissions import CENTER_ROUTES, PERMISSIONS, POLICE_ROUTES, Route
from safenet.auth.types import Principal, PrincipalKind, Role
from safenet.center.api.access import CenterAccess
from safenet.center.app import build_app as build_center_app
from safenet.police.api.access import PoliceAccess
from safenet.police.app import build_app as build_police_app
from tests.auth.test_permissions import CENTER_EXPECTED, KIND_OF_ROLE, POLICE_EXPECTED
from tests.center.conftest import SECRET as CENTER_SECRET
from tests.center.conftest import CenterEnv, entry, read, running_center
from tests.police.support import (
    APPROVER,
    DISPATCHER,
    REGISTRAR,
    SEOCHO_OFFICER,
    T0,
    Police,
    Server,
    auth,
    draft,
    report,
    start_police,
)
from tests.police.support import SECRET as POLICE_SECRET
from tests.police.support import token as police_token

Expected = dict[tuple[str, str], tuple[set[Role], bool]]


def _openapi_routes(app: Any) -> list[tuple[str, str]]:
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return sorted(
        (method.upper(), path)
        for path, item in paths.items()
        if path.startswith("/api/")
        for method in item
    )


def _callers(own: str, other: str, police: bool) -> list[tuple[str, Principal]]:
    callers: list[tuple[str, Principal]] = []
    for role in Role:
        kind = KIND_OF_ROLE.get(role, PrincipalKind.PERSON)
        scopes = {"own": frozenset({own}), "other": frozenset({other})}
        if police:
            scopes["all"] = frozenset()
        for name, sites in scopes.items():
            subject = "SC-01" if role is Role.CAMERA else f"{role}.{name}"
            callers.append((name, Principal(subject, "시험", frozenset({role}), sites, kind=kind)))
        wrong = PrincipalKind.PERSON if kind is not PrincipalKind.PERSON else PrincipalKind.SERVICE
        subject = "SC-01" if role is Role.CAMERA else f"{role}.x"
        callers.append(
            ("wrong-kind", Principal(subject, "x", frozenset({role}), scopes["own"], kind=wrong))
        )
    return callers


# What a caller who may gets with the matrix's requests: 200, or 404 for an id that names
# nothing in their scope, or 422 for a body the route refuses (the matrix sends minimal ones).
_PASSED: dict[tuple[str, str], int] = {
    ("POST", "/api/v1/wanted"): 422,  # {} is not a draft
    ("POST", "/api/v1/wanted/{entry_id}/renew"): 422,  # a renewal names its new expiry
    ("POST", "/api/v1/alerts/{alert_id}/dispatch"): 422,  # {"reason"} is not a note
    ("POST", "/api/v1/evidence/requests"): 422,  # {"site"} alone is not a request
    ("POST", "/api/v1/evidence/requests/{request_id}/approve"): 404,  # no such request
    ("POST", "/api/v1/evidence/requests/{request_id}/deny"): 404,
}


def _allowed(who: Principal, scope: str, roles: set[Role], scoped: bool) -> bool:
    (role,) = who.roles
    return role in roles and scope != "wrong-kind" and not (scoped and scope == "other")


async def _call(
    client: httpx.AsyncClient, method: str, url: str, headers: dict[str, str], body: Any
) -> int:
    # Streamed, so that the alert stream answers its status without running forever.
    kwargs: dict[str, Any] = {"headers": headers}
    if body is not None:
        kwargs["json"] = body
    async with client.stream(method, url, **kwargs) as response:
        return response.status_code


async def _matrix(
    client: httpx.AsyncClient,
    routes: list[tuple[str, str]],
    expected: Expected,
    sign: Any,
    request_of: Any,
    *,
    own: str,
    other: str,
    police: bool,
) -> list[str]:
    wrong: list[str] = []
    assert set(routes) == set(expected), "a route was added or removed: update the matrix"
    for method, path in routes:
        roles, scoped = expected[(method, path)]
        url, body = request_of(method, path)
        status = await _call(client, method, url, {}, body)
        if status != 401:
            wrong.append(f"{method} {path} anonymous → {status}, expected 401")
        for scope, who in _callers(own, other, police):
            status = await _call(
                client, method, url, {"Authorization": f"Bearer {sign(who)}"}, body
            )
            label = f"{method} {path} {next(iter(who.roles))}/{who.kind}/{scope} → {status}"
            if status >= 500:
                wrong.append(f"{label}: a server error")
            elif _allowed(who, scope, roles, scoped):
                want = _PASSED.get((method, path), 404 if "{" in path else 200)
                if status != want:
                    wrong.append(f"{label}, expected {want} (past the guard)")
            elif status != 403:
                wrong.append(f"{label}, expected 403")
    return wrong


# -- the center ---------------------------------------------------------------------------


def _center_sign(who: Principal) -> str:
    from safenet.auth import sign_principal

    return sign_principal(who, CENTER_SECRET, site="seocho")


def _center_request(env: CenterEnv) -> Any:
    counter = iter(range(1_000_000))

    def request_of(method: str, path: str) -> tuple[str, Any]:
        url = path.replace("{hit_id}", "hit-elsewhere").replace("{request_id}", "ER-nothing")
        if path == "/api/v1/reads":
            return url, {"reads": [read(f"m-{next(counter)}", "99가9999", env.clock())]}
        if method == "POST":
            return url, {"reason": "matrix"}
        return url, None

    return request_of


async def _center_mismatches(env: CenterEnv, app: Any) -> list[str]:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://center")
    async with client:
        return await _matrix(
            client,
            _openapi_routes(app),
            CENTER_EXPECTED,
            _center_sign,
            _center_request(env),
            own="seocho",
            other="gangnam",
            police=False,
        )


def _generous(settings: Any) -> Any:
    auth_settings = settings.auth.model_copy(
        update={"rate_per_minute": 100_000, "rate_burst": 10_000}
    )
    return settings.model_copy(update={"auth": auth_settings})


async def test_every_center_route_from_openapi_by_role_and_site(
    sqlite_url: str, tmp_path: Path
) -> None:
    from tests.center.conftest import center_settings

    async with running_center(sqlite_url, tmp_path, settings=_generous(center_settings())) as env:
        await env.snapshot([entry("E1", "12가3456")])
        assert await _center_mismatches(env, env.app) == []


async def test_a_loosened_center_declaration_fails_the_matrix(
    sqlite_url: str, tmp_path: Path
) -> None:
    from tests.center.conftest import center_settings

    loosened: dict[tuple[str, str], Route] = dict(CENTER_ROUTES)
    key = ("GET", "/api/v1/hits/{hit_id}/snapshot")
    loosened[key] = dataclasses.replace(loosened[key], permission="hits.read")  # + supervisor
    async with running_center(sqlite_url, tmp_path, settings=_generous(center_settings())) as env:
        app = build_center_app(
            env.service, token_secret=CENTER_SECRET, access=CenterAccess.of(declared(loosened))
        )
        wrong = await _center_mismatches(env, app)
    assert wrong
    assert all("snapshot" in w and "supervisor" in w for w in wrong), wrong


# -- the police ---------------------------------------------------------------------------


def _police_request(method: str, path: str) -> tuple[str, Any]:
    url = (
        path.replace("{entry_id}", "W-nothing")
        .replace("{alert_id}", "999999")
        .replace("{hit_id}", "hit-x")
        .replace("{request_id}", "ER-nothing")
        .replace("{package_id}", "EP-nothing")
        .replace("{name}", "photos/x.jpg")
    )
    if path == "/api/v1/evidence/requests" and method == "POST":
        return url, {"site": "seocho"}  # the center asked: the matrix's own site
    if method == "POST":
        return url, {} if path == "/api/v1/wanted" else {"reason": "matrix"}
    return url, None


async def _police_mismatches(police: Police, app: Any) -> list[str]:
    async with Server(app) as server, httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        return await _matrix(
            client,
            _openapi_routes(app),
            POLICE_EXPECTED,
            police_token,
            _police_request,
            own="seocho",
            other="gangnam",
            police=True,
        )


async def _started_police(tmp_path: Path) -> Police:
    from safenet.auth.settings import AuthSettings

    generous = AuthSettings(rate_per_minute=100_000, rate_burst=10_000)
    return await start_police(f"sqlite:///{tmp_path / 'police.db'}", auth=generous)


async def test_every_police_route_from_openapi_by_role_and_site(tmp_path: Path) -> None:
    police = await _started_police(tmp_path)
    try:
        assert await _police_mismatches(police, police.app) == []
    finally:
        await police.close()


async def test_a_loosened_police_declaration_fails_the_matrix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (Loosening wanted.approve is caught twice: the registry itself also refuses a
    # registrar, so the matrix would not see it. Reading the hotlist has no second check.)
    police = await _started_police(tmp_path)
    table = dict(PERMISSIONS)
    table["hotlist.read"] = dataclasses.replace(
        table["hotlist.read"], roles=table["hotlist.read"].roles | {Role.OPERATOR}
    )
    monkeypatch.setattr("safenet.auth.guard.PERMISSIONS", table)
    try:
        app = build_police_app(
            police.service,
            token_secret=POLICE_SECRET,
            access=PoliceAccess.of(declared(POLICE_ROUTES)),
        )
        wrong = await _police_mismatches(police, app)
    finally:
        await police.close()
    assert wrong
    assert all("hotlist" in w and "operator" in w for w in wrong), wrong


# -- objects owned by a site outside the scope ---------------------------------------------


async def test_alerts_and_tracks_of_another_site_are_not_shown(tmp_path: Path) -> None:
    police = await _started_police(tmp_path)
    try:
        entry_obj = await police.service.actions.register(draft(), REGISTRAR)  # type: ignore[arg-type]
        await police.service.actions.approve(entry_obj.entry_id, APPROVER)
        entry_id = entry_obj.entry_id
        await police.send(report(1, entry_id, site="gangnam"))
        await police.send(report(2, entry_id, site="seocho", at=T0 + timedelta(minutes=5)))
        async with police.http() as http:
            everything = (await http.get("/api/v1/alerts", headers=auth(DISPATCHER))).json()
            by_site = {a["site"]: a["alert_id"] for a in everything["alerts"]}
            assert {"gangnam", "seocho"} <= set(by_site)
            mine = (await http.get("/api/v1/alerts", headers=auth(SEOCHO_OFFICER))).json()
            assert {a["site"] for a in mine["alerts"]} == {"seocho"}
            elsewhere = await http.post(
                f"/api/v1/alerts/{by_site['gangnam']}/acknowledge", headers=auth(SEOCHO_OFFICER)
            )
            assert elsewhere.status_code == 404
            own = await http.post(
                f"/api/v1/alerts/{by_site['seocho']}/acknowledge", headers=auth(SEOCHO_OFFICER)
            )
            assert own.status_code == 200
            with police.db.read() as conn:
                (details,) = conn.execute(
                    sa.select(audit_log.c.details).where(audit_log.c.action == "alert.acknowledge")
                ).scalars()
            assert details["by_name"] == SEOCHO_OFFICER.name  # the person, not only an id
            full = (await http.get(f"/api/v1/tracks/{entry_id}", headers=auth(DISPATCHER))).json()
            assert {p["site"] for p in full["points"]} == {"gangnam", "seocho"}
            scoped = (
                await http.get(f"/api/v1/tracks/{entry_id}", headers=auth(SEOCHO_OFFICER))
            ).json()
            assert {p["site"] for p in scoped["points"]} == {"seocho"}
            assert scoped["legs"] == []
            assert "gangnam" not in str(scoped)
    finally:
        await police.close()


async def test_a_center_refuses_every_route_to_another_centers_staff(
    sqlite_url: str, tmp_path: Path
) -> None:
    """The issue's finding: a 서초구 operator confirmed a 강남구 candidate (200)."""
    from tests.center.conftest import auth as center_auth

    async with running_center(sqlite_url, tmp_path) as env:
        await env.snapshot([entry("E1", "12가3456", category="missing_person")])
        for method, path in _openapi_routes(env.app):
            url = path.replace("{hit_id}", "hit-1")
            body: Mapping[str, Any] | None = {"reason": "x"} if method == "POST" else None
            if path == "/api/v1/reads":
                body = {"reads": [read("g1", "12가3456", env.clock())]}
            for role in (Role.OPERATOR, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN, Role.CAMERA):
                headers = center_auth(role, site="gangnam")
                r = await env.client.request(method, url, json=body, headers=headers)
                assert r.status_code == 403, (method, path, role, r.text)
                if role in CENTER_EXPECTED[(method, path)][0]:
                    assert "outside your scope" in r.json()["message"]


async def test_a_police_token_is_not_a_center_token(sqlite_url: str, tmp_path: Path) -> None:
    async with running_center(sqlite_url, tmp_path) as env:
        officer = Principal("x", "x", frozenset({Role.OPERATOR}), frozenset({"seocho"}))
        stolen = police_token(officer)  # signed for the police's audience
        r = await env.client.get("/api/v1/hits", headers={"Authorization": f"Bearer {stolen}"})
        assert r.status_code == 401
