"""The old sn1 tokens (kept for the consoles not yet moved): signed, expiring, capped."""

from __future__ import annotations

import pytest

from safenet.auth import AuthError, Principal, Role, issue_token, verify_token

SECRET = b"s" * 32
KIM = Principal("kim.officer", "김경위", frozenset({Role.DISPATCHER}), frozenset({"seocho"}))


def test_round_trip() -> None:
    token = issue_token(KIM, SECRET, ttl_s=60, now=1000)
    assert verify_token(token, SECRET, now=1001) == KIM


def test_expired() -> None:
    token = issue_token(KIM, SECRET, ttl_s=60, now=1000)
    with pytest.raises(AuthError, match="expired"):
        verify_token(token, SECRET, now=1060)


def test_other_secret_refused() -> None:
    token = issue_token(KIM, SECRET, now=1000)
    with pytest.raises(AuthError, match="signature"):
        verify_token(token, b"t" * 32, now=1001)


def test_altered_payload_refused() -> None:
    token = issue_token(KIM, SECRET, now=1000)
    prefix, _body, sig = token.split(".")
    forged = issue_token(
        Principal("kim.officer", "김경위", frozenset({Role.ADMIN})), b"x" * 32, now=1000
    ).split(".")[1]
    with pytest.raises(AuthError, match="signature"):
        verify_token(f"{prefix}.{forged}.{sig}", SECRET, now=1001)


@pytest.mark.parametrize("bad", ["", "abc", "sn1.a", "jwt.a.b", "sn1.!!.??"])
def test_malformed(bad: str) -> None:
    with pytest.raises(AuthError):
        verify_token(bad, SECRET)


def test_short_secret_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        issue_token(KIM, b"short")


def test_scope() -> None:
    assert KIM.may_see_site("seocho")
    assert not KIM.may_see_site("gangnam")
    admin = Principal("root", "관리자", frozenset({Role.ADMIN}))
    assert admin.has(Role.APPROVER)
    assert admin.may_see_site("anything")


@pytest.mark.parametrize("subject", ["", "has space", "x" * 65, "-lead"])
def test_bad_subject_named(subject: str) -> None:
    with pytest.raises(ValueError, match="subject"):
        Principal(subject, "n", frozenset({Role.AUDITOR}))


def test_principal_needs_a_role() -> None:
    with pytest.raises(ValueError, match="no role"):
        Principal("a", "n", frozenset())


def test_lifetime_cap() -> None:
    with pytest.raises(ValueError, match="ttl_s"):
        issue_token(KIM, SECRET, ttl_s=876000 * 3600)  # the "100-year token"
    assert verify_token(issue_token(KIM, SECRET, ttl_s=24 * 3600, now=1000), SECRET, now=1001)


def test_long_lived_token_minted_elsewhere_refused() -> None:
    import base64
    import hashlib
    import hmac
    import json

    payload = {
        "sub": "x",
        "name": "x",
        "roles": ["admin"],
        "sites": [],
        "iat": 0,
        "exp": 100 * 365 * 86400,
    }
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    sig = hmac.new(SECRET, f"sn1.{body}".encode(), hashlib.sha256).digest()
    token = f"sn1.{body}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"
    with pytest.raises(AuthError, match="cap"):
        verify_token(token, SECRET, now=1000)
