"""Over HTTP: the console's sign-in, cookies, CSRF, revocation, expiry, refresh rotation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from safenet.auth import totp
from safenet.auth.accounts import Credentials
from safenet.auth.types import Principal, PrincipalKind, Role
from tests.auth.conftest import PASSWORD, Site, auth_app


def _client(site: Site) -> TestClient:
    return TestClient(auth_app(site))  # type: ignore[arg-type]


def _sign_in(site: Site, client: TestClient, creds: Credentials) -> dict[str, Any]:
    assert creds.enrolment is not None
    r = client.post("/auth/login", json={"user_id": creds.account.user_id, "password": PASSWORD})
    assert r.status_code == 200, r.text
    enrolment = r.json()["enrolment"]
    if site.accounts.get(creds.account.user_id).totp_state == "pending":  # type: ignore[union-attr]
        assert enrolment["qr"].startswith("data:image/svg+xml")
    else:
        assert enrolment is None  # the secret is not shown again once set up
    code = totp.code_at(creds.enrolment.secret, site.clock.now.timestamp())
    r = client.post("/auth/totp", json={"code": code})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_console_sign_in_sets_strict_httponly_cookie(site: Site) -> None:
    creds = site.add()
    client = _client(site)
    creds_view = _sign_in(site, client, creds)
    assert creds_view["display_name"] == "경위 김민수"
    cookies = client.cookies
    assert cookies.get("safenet_session")
    # The Set-Cookie header, as the browser sees it.
    r = client.post("/auth/login", json={"user_id": "kim.approver", "password": PASSWORD})
    code = totp.code_at(creds.enrolment.secret, site.clock.now.timestamp() + 30)  # type: ignore[union-attr]
    site.clock.advance(seconds=30)
    r = client.post("/auth/totp", json={"code": code})
    headers = [v for k, v in r.headers.multi_items() if k == "set-cookie"]
    session = next(h for h in headers if h.startswith("safenet_session="))
    assert "HttpOnly" in session
    assert "SameSite=strict" in session or "SameSite=Strict" in session
    csrf = next(h for h in headers if h.startswith("safenet_csrf="))
    assert "HttpOnly" not in csrf
    assert client.get("/wanted").json()["name"] == "경위 김민수"


def test_csrf_required_for_state_changing_cookie_requests(site: Site) -> None:
    client = _client(site)
    view = _sign_in(site, client, site.add())
    assert client.post("/approve").status_code == 403  # no header: a forged form post
    assert client.post("/approve", headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    assert client.post("/approve", headers={"X-CSRF-Token": view["csrf_token"]}).status_code == 200
    # GETs need no CSRF token.
    assert client.get("/wanted").status_code == 200


def test_csrf_token_of_another_session_refused(site: Site) -> None:
    a, b = _client(site), _client(site)
    view_a = _sign_in(site, a, site.add())
    site.clock.advance(seconds=30)
    _sign_in(site, b, site.add("park.approver", name="박서연", rank="경사"))
    # b's browser made to send a's token in both the header and the cookie.
    b.cookies.set("safenet_csrf", view_a["csrf_token"])
    r = b.post("/approve", headers={"X-CSRF-Token": view_a["csrf_token"]})
    assert r.status_code == 403


def test_sign_out_is_effective_on_the_next_request(site: Site) -> None:
    client = _client(site)
    view = _sign_in(site, client, site.add())
    bearer = {"Authorization": f"Bearer {view['access_token']}"}
    assert client.get("/wanted", headers=bearer).status_code == 200
    r = client.post("/auth/logout", headers={"X-CSRF-Token": view["csrf_token"]})
    assert r.status_code == 204
    # The still-unexpired access token is refused: the session decides.
    other = TestClient(client.app)
    assert other.get("/wanted", headers=bearer).status_code == 401
    assert client.get("/wanted").status_code == 401  # the cookie is cleared and void


@pytest.mark.parametrize("how", ["disable", "revoke"])
def test_disable_or_revoke_all_is_effective_at_once(site: Site, how: str) -> None:
    client = _client(site)
    view = _sign_in(site, client, site.add())
    assert client.get("/wanted").status_code == 200
    if how == "disable":
        site.accounts.disable("kim.approver", actor="admin.lee")
    else:
        site.accounts.revoke_sessions("kim.approver", actor="admin.lee")
    assert client.get("/wanted").status_code == 401
    bearer = {"Authorization": f"Bearer {view['access_token']}"}
    assert TestClient(client.app).get("/wanted", headers=bearer).status_code == 401


def test_idle_timeout_and_absolute_limit(site: Site) -> None:
    client = _client(site)
    creds = site.add()
    _sign_in(site, client, creds)
    # Activity every 29 minutes keeps the session…
    for _ in range(3):
        site.clock.advance(minutes=29)
        assert client.get("/wanted").status_code == 200
    # …30 minutes without a request ends it.
    site.clock.advance(minutes=30)
    r = client.get("/wanted")
    assert r.status_code == 401
    assert "inactivity" in r.json()["message"]

    site.clock.advance(seconds=30)
    _sign_in(site, client, creds)
    signed_in_at = site.clock.now
    # Active all along, it still ends 12 hours after sign-in.
    while (r := client.get("/wanted")).status_code == 200:
        site.clock.advance(minutes=25)
        assert site.clock.now - signed_in_at < timedelta(hours=13)
    assert r.status_code == 401
    assert "time limit" in r.json()["message"]
    assert site.clock.now - signed_in_at >= timedelta(hours=12)


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(site: Site) -> None:
    client = _client(site)
    view = _sign_in(site, client, site.add())
    first = view["refresh_token"]
    r = client.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 200, r.text
    second = r.json()["refresh_token"]
    new_access = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert TestClient(client.app).get("/wanted", headers=new_access).status_code == 200
    # The first one again: someone else holds a copy. Both lose the session.
    assert client.post("/auth/refresh", json={"refresh_token": first}).status_code == 401
    assert client.post("/auth/refresh", json={"refresh_token": second}).status_code == 401
    assert TestClient(client.app).get("/wanted", headers=new_access).status_code == 401


def test_access_token_lifetime_cap(site: Site) -> None:
    from safenet.auth.tokens import TokenSigner

    client = _client(site)
    _sign_in(site, client, site.add())
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    session = client.get("/auth/me").json()
    principal = Principal(
        session["subject"],
        "x",
        frozenset({Role.APPROVER}),
        kind=PrincipalKind.PERSON,
        session="0" * 24,
    )
    with pytest.raises(ValueError, match="over the cap"):
        ctx.signer.access(principal, ttl_s=16 * 60)
    # A token minted with the same secret and a long life is refused on arrival.
    long_lived = TokenSigner(
        b"t" * 32,
        issuer="safenet",
        audience="police",
        access_ttl_s=900,
        max_service_ttl_s=100 * 365 * 86400,
    ).access(
        Principal("svc", "svc", frozenset({Role.APPROVER}), kind=PrincipalKind.SERVICE),
        ttl_s=100 * 365 * 86400,
    )
    r = client.get("/wanted", headers={"Authorization": f"Bearer {long_lived}"})
    assert r.status_code == 401
    assert "cap" in r.json()["message"]


def test_human_and_camera_credentials_do_not_stand_in(site: Site) -> None:
    client = TestClient(auth_app(site, side="center", site_id="seocho"))  # type: ignore[arg-type]
    view = _sign_in(site, client, site.add(roles=["admin", "operator"], sites=["seocho"]))
    # A person — even an admin — cannot post reads.
    r = client.post("/reads", json={}, headers={"X-CSRF-Token": view["csrf_token"]})
    assert r.status_code == 403
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    key = ctx.cameras.issue("SC-01", actor="admin.lee")
    camera = TestClient(client.app)
    r = camera.post("/reads", json={"camera_id": "SC-05"}, headers={"X-Camera-Key": key})
    assert r.json() == {"camera": "SC-01", "claimed": "SC-05"}  # the key says who it is
    # A camera cannot act as a person.
    assert camera.get("/wanted", headers={"X-Camera-Key": key}).status_code == 403
    ctx.cameras.revoke("SC-01", actor="admin.lee")
    assert camera.post("/reads", json={}, headers={"X-Camera-Key": key}).status_code == 401


def test_rate_limit_names_the_limit(site: Site) -> None:
    site.settings = site.settings.model_copy(update={"rate_per_minute": 60, "rate_burst": 3})
    client = _client(site)
    _sign_in(site, client, site.add())
    codes = [client.get("/wanted").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    r = client.get("/wanted")
    assert r.status_code == 429
    assert "60 requests per minute" in r.json()["message"]
    assert int(r.headers["Retry-After"]) >= 1


def test_sse_by_cookie_ends_when_the_session_is_revoked(site: Site) -> None:
    import threading

    client = _client(site)
    view = _sign_in(site, client, site.add())
    # Never from the URL: a token in the query string is not a credential.
    anonymous = TestClient(client.app)
    r = anonymous.get(f"/alerts/stream?access_token={view['access_token']}")
    assert r.status_code == 401
    timer = threading.Timer(
        0.5, lambda: site.accounts.revoke_sessions("kim.approver", actor="admin.lee")
    )
    timer.start()
    r = client.get("/alerts/stream")  # returns when the stream ends
    timer.join()
    assert r.status_code == 200
    assert "data: tick" in r.text
    assert r.text.endswith("event: signed-out\ndata: {}\n\n")


@pytest.mark.parametrize(
    ("scope", "allowed"), [(["seocho"], {"seocho"}), ([], {"seocho", "gangnam"})]
)
def test_site_from_query_body_and_object(site: Site, scope: list[str], allowed: set[str]) -> None:
    from safenet.auth.types import PrincipalKind as K

    client = _client(site)
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    who = Principal("han.field", "경장 한", frozenset({Role.FIELD_OFFICER}), frozenset(scope))
    assert who.kind is K.PERSON
    bearer = {"Authorization": f"Bearer {ctx.signer.access(who, ttl_s=300)}"}
    for s in ("seocho", "gangnam"):
        want = 200 if s in allowed else 403
        assert client.get(f"/by-query?site={s}", headers=bearer).status_code == want
        assert client.post("/by-body", json={"site": s}, headers=bearer).status_code == want
        # An object owned by a site outside the scope does not exist for the caller.
        assert client.get(f"/alert/{s}", headers=bearer).status_code == (
            200 if s in allowed else 404
        )
    r = client.get("/by-query", headers=bearer)
    assert r.status_code == 422
    assert r.json()["field"] == "site"
