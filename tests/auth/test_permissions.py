"""The declared permissions, enforced by require(): every route × role × kind × site.

The expectations below are written out by hand, independently of
:mod:`safenet.auth.permissions`, so loosening a declaration there makes this matrix
fail (the last tests show that it does).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from safenet.auth import permissions as perms
from safenet.auth.context import AuthContext, install
from safenet.auth.guard import require_route
from safenet.auth.permissions import CENTER_ROUTES, POLICE_ROUTES, Permission, Route
from safenet.auth.settings import AuthSettings
from safenet.auth.types import Principal, PrincipalKind, Role
from safenet.service.app import create_base_app
from safenet.store import Database, migrate, open_database

SECRET = b"m" * 32
R = Role
STAFF = {R.REGISTRAR, R.APPROVER, R.DISPATCHER, R.FIELD_OFFICER, R.AUDITOR}
VIEWERS = {R.OPERATOR, R.SUPERVISOR}

# (method, path) → (roles that may, site-scoped to the center's own site)
CENTER_EXPECTED: dict[tuple[str, str], tuple[set[Role], bool]] = {
    ("POST", "/api/v1/reads"): ({R.CAMERA}, True),
    ("GET", "/api/v1/candidates"): (VIEWERS, True),
    ("POST", "/api/v1/candidates/{hit_id}/confirm"): ({R.OPERATOR}, True),
    ("POST", "/api/v1/candidates/{hit_id}/reject"): ({R.OPERATOR}, True),
    ("GET", "/api/v1/hits"): (VIEWERS, True),
    ("GET", "/api/v1/hits/{hit_id}"): (VIEWERS, True),
    ("GET", "/api/v1/hits/{hit_id}/snapshot"): ({R.OPERATOR}, True),
    ("GET", "/api/v1/status"): (VIEWERS | {R.AUDITOR, R.ADMIN}, True),
    ("GET", "/api/v1/cameras"): (VIEWERS | {R.AUDITOR, R.ADMIN}, True),
    ("GET", "/api/v1/heads-up"): (VIEWERS, True),
    ("GET", "/api/v1/evidence/requests"): (VIEWERS, True),
    ("GET", "/api/v1/evidence/requests/{request_id}"): (VIEWERS, True),
    ("POST", "/api/v1/evidence/requests/{request_id}/approve"): ({R.OPERATOR}, True),
    ("POST", "/api/v1/evidence/requests/{request_id}/deny"): ({R.OPERATOR}, True),
    ("GET", "/api/v1/evidence/register"): (VIEWERS | {R.AUDITOR}, True),
    ("GET", "/api/v1/evidence/register.csv"): (VIEWERS | {R.AUDITOR}, True),
}
POLICE_EXPECTED: dict[tuple[str, str], tuple[set[Role], bool]] = {
    ("POST", "/api/v1/wanted"): ({R.REGISTRAR}, False),
    ("POST", "/api/v1/wanted/{entry_id}/approve"): ({R.APPROVER}, False),
    ("POST", "/api/v1/wanted/{entry_id}/renew"): ({R.REGISTRAR, R.APPROVER}, False),
    ("POST", "/api/v1/wanted/{entry_id}/cancel"): ({R.REGISTRAR, R.APPROVER}, False),
    ("POST", "/api/v1/wanted/{entry_id}/resolve"): ({R.REGISTRAR, R.APPROVER}, False),
    ("GET", "/api/v1/wanted"): (STAFF, False),
    ("GET", "/api/v1/wanted/{entry_id}"): (STAFF, False),
    ("GET", "/api/v1/alerts"): (STAFF, False),
    ("GET", "/api/v1/alerts/stream"): (STAFF, False),
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): ({R.DISPATCHER, R.FIELD_OFFICER}, False),
    ("POST", "/api/v1/alerts/{alert_id}/dispatch"): ({R.DISPATCHER, R.FIELD_OFFICER}, False),
    ("GET", "/api/v1/tracks/{entry_id}"): (STAFF, False),
    ("GET", "/api/v1/centers"): (STAFF, False),
    ("GET", "/api/v1/hotlist"): (STAFF, False),
    ("GET", "/api/v1/hotlist/versions"): (STAFF, False),
    ("GET", "/api/v1/tracks/{entry_id}/route"): (STAFF, False),
    # The body names the center asked: an officer scoped elsewhere is refused.
    ("POST", "/api/v1/evidence/requests"): ({R.DISPATCHER, R.FIELD_OFFICER}, True),
    ("GET", "/api/v1/evidence/requests"): (STAFF, False),
    ("GET", "/api/v1/evidence/requests/{request_id}"): (STAFF, False),
    ("GET", "/api/v1/evidence/packages/{package_id}/files/{name}"): (STAFF, False),
    ("POST", "/api/v1/evidence/packages/{package_id}/hold"): (
        {R.DISPATCHER, R.FIELD_OFFICER},
        False,
    ),
    ("POST", "/api/v1/evidence/packages/{package_id}/release"): (
        {R.DISPATCHER, R.FIELD_OFFICER},
        False,
    ),
    ("GET", "/api/v1/evidence/packages/{package_id}/views"): (STAFF, False),
}
KIND_OF_ROLE = {R.CAMERA: PrincipalKind.CAMERA, R.LINK: PrincipalKind.LINK}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("perm") / "site.db"
    database = open_database(f"sqlite:///{path}")
    migrate(database, "center")
    yield database
    database.dispose()


def _app(
    db: Database, table: Mapping[tuple[str, str], Route], side: str, site: str
) -> tuple[TestClient, AuthContext]:
    async def health() -> dict[str, object]:
        return {"ok": True}

    app: FastAPI = create_base_app(
        title="m",
        version="0",
        description="d",
        registry=CollectorRegistry(),
        health=health,
    )
    settings = AuthSettings(rate_per_minute=100_000, rate_burst=10_000)
    ctx = AuthContext.build(db, site=site, side=side, settings=settings, token_secret=SECRET)  # type: ignore[arg-type]
    install(app, ctx)
    for (method, path), _rule in table.items():

        async def ok() -> dict[str, bool]:
            return {"ok": True}

        app.add_api_route(
            path, ok, methods=[method], dependencies=[Depends(require_route(table, method, path))]
        )
    return TestClient(app), ctx


def _url(path: str) -> str:
    for name, value in {
        "{hit_id}": "h1",
        "{entry_id}": "e1",
        "{alert_id}": "7",
        "{request_id}": "r1",
        "{package_id}": "p1",
        "{name}": "f.jpg",
    }.items():
        path = path.replace(name, value)
    return path


def _cases(side: str, own: str, other: str) -> list[tuple[str, Principal]]:
    cases: list[tuple[str, Principal]] = []
    for role in Role:
        kind = KIND_OF_ROLE.get(role, PrincipalKind.PERSON)
        scopes = {"own": frozenset({own}), "other": frozenset({other})}
        if side == "police":
            scopes["all"] = frozenset()
        for scope_name, sites in scopes.items():
            who = Principal(f"{role}.{scope_name}", "시험", frozenset({role}), sites, kind=kind)
            cases.append((scope_name, who))
        # The wrong kind holding the role: a person token claiming the camera role, etc.
        wrong = PrincipalKind.PERSON if kind is not PrincipalKind.PERSON else PrincipalKind.SERVICE
        impostor = Principal(f"{role}.x", "x", frozenset({role}), scopes["own"], kind=wrong)
        cases.append(("wrong-kind", impostor))
    return cases


def _mismatches(
    db: Database,
    table: Mapping[tuple[str, str], Route],
    expected: dict[tuple[str, str], tuple[set[Role], bool]],
    side: str,
) -> list[str]:
    own, other = ("seocho", "gangnam")
    client, ctx = _app(db, table, side, own if side == "center" else "police")
    wrong: list[str] = []
    assert set(table) == set(expected), "a route was added or removed: update the matrix"
    for (method, path), (roles, scoped) in expected.items():
        # A site named in the body (the center an evidence request asks) is the own site.
        body = {"site": own} if method == "POST" else None
        r = client.request(method, _url(path), json=body)
        if r.status_code != 401:
            wrong.append(f"{method} {path} anonymous → {r.status_code}, expected 401")
        for scope_name, who in _cases(side, own, other):
            token = ctx.signer.access(who, ttl_s=300)
            r = client.request(
                method, _url(path), json=body, headers={"Authorization": f"Bearer {token}"}
            )
            (role,) = who.roles
            allowed = (
                role in roles
                and scope_name != "wrong-kind"
                and not (scoped and scope_name not in ("own", "all"))
            )
            want = 200 if allowed else 403
            if r.status_code != want:
                wrong.append(
                    f"{method} {path} {role}/{who.kind}/{scope_name} → {r.status_code}, "
                    f"expected {want}"
                )
    return wrong


def test_center_matrix(db: Database) -> None:
    assert _mismatches(db, CENTER_ROUTES, CENTER_EXPECTED, "center") == []


def test_police_matrix(db: Database) -> None:
    assert _mismatches(db, POLICE_ROUTES, POLICE_EXPECTED, "police") == []


def _loosened(name: str, **change: object) -> dict[str, Permission]:
    import dataclasses

    table = dict(perms.PERMISSIONS)
    table[name] = dataclasses.replace(table[name], **change)  # type: ignore[arg-type]
    return table


@pytest.mark.parametrize(
    ("name", "change", "side"),
    [
        ("hits.snapshot", {"roles": frozenset({R.OPERATOR, R.SUPERVISOR})}, "center"),
        ("reads.post", {"kinds": frozenset(PrincipalKind)}, "center"),
        ("candidates.decide", {"site_scoped": False}, "center"),
        ("wanted.approve", {"roles": frozenset({R.APPROVER, R.REGISTRAR})}, "police"),
    ],
)
def test_loosening_one_declaration_fails_the_matrix(
    db: Database, monkeypatch: pytest.MonkeyPatch, name: str, change: dict[str, object], side: str
) -> None:
    loosened = _loosened(name, **change)
    monkeypatch.setattr("safenet.auth.guard.PERMISSIONS", loosened)
    monkeypatch.setattr("safenet.auth.permissions.PERMISSIONS", loosened)
    if change.get("site_scoped") is False:
        # A route table may not even declare a site source for an unscoped permission.
        with pytest.raises(ValueError, match="does not fit"):
            Route("POST", "/x", name, perms.SiteFrom.APP)
        table = {
            k: Route(r.method, r.path, r.permission) if r.permission == name else r
            for k, r in CENTER_ROUTES.items()
        }
    else:
        table = dict(CENTER_ROUTES if side == "center" else POLICE_ROUTES)
    expected = CENTER_EXPECTED if side == "center" else POLICE_EXPECTED
    assert _mismatches(db, table, expected, side) != []


def test_a_misspelt_permission_is_an_error_at_declaration() -> None:
    with pytest.raises(ValueError, match="unknown permission"):
        Route("GET", "/x", "hits.raed")
    with pytest.raises(KeyError, match="no declared permission"):
        require_route(CENTER_ROUTES, "DELETE", "/api/v1/hits")


def test_undeclared_routes_are_listed() -> None:
    routes = [*CENTER_ROUTES, ("DELETE", "/api/v1/everything")]
    assert perms.undeclared(CENTER_ROUTES, routes) == ["DELETE /api/v1/everything"]
