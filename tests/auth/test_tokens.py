"""Tokens are standard JWTs: they name their principal, expire, and cannot be forged or altered."""

from __future__ import annotations

import warnings

import jwt
import pytest

from safenet.auth import AuthError, Principal, Role, TokenSigner, issue_token, verify_token

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
    header, _body, sig = token.split(".")
    forged = issue_token(
        Principal("kim.officer", "김경위", frozenset({Role.ADMIN})), b"x" * 32, now=1000
    ).split(".")[1]
    with pytest.raises(AuthError, match="signature"):
        verify_token(f"{header}.{forged}.{sig}", SECRET, now=1001)


def test_tokens_are_jwts_with_issuer_and_audience() -> None:
    token = issue_token(KIM, SECRET, ttl_s=60, now=1000)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["iss"] == "safenet"
    assert claims["aud"] == "safenet"
    assert claims["exp"] - claims["iat"] == 60
    assert claims["kind"] == "person"


def test_unsigned_and_other_algorithm_tokens_refused() -> None:
    claims = {
        "sub": "kim.officer",
        "name": "n",
        "roles": ["admin"],
        "sites": [],
        "typ": "access",
        "iss": "safenet",
        "aud": "safenet",
        "iat": 1000,
        "exp": 2000,
    }
    none_alg = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(AuthError):
        verify_token(none_alg, SECRET, now=1001)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT thinks 32 bytes short for HS512; beside the point
        hs512 = jwt.encode(claims, SECRET, algorithm="HS512")
    with pytest.raises(AuthError):
        verify_token(hs512, SECRET, now=1001)


def test_refresh_token_is_not_an_access_token() -> None:
    signer = TokenSigner(SECRET, issuer="safenet", audience="safenet")
    refresh = signer.refresh("kim.officer", "s" * 24, "j" * 24, now=1000)
    with pytest.raises(AuthError, match="not an access token"):
        signer.verify_access(refresh, now=1001)


def test_other_audience_refused() -> None:
    seocho = TokenSigner(SECRET, issuer="safenet", audience="seocho")
    gangnam = TokenSigner(SECRET, issuer="safenet", audience="gangnam")
    with pytest.raises(AuthError, match="audience"):
        gangnam.verify_access(seocho.access(KIM, ttl_s=60))


def test_lifetime_cap() -> None:
    with pytest.raises(ValueError, match="ttl_s"):
        issue_token(KIM, SECRET, ttl_s=876000 * 3600)  # the "100-year token"
    long_lived = jwt.encode(
        {
            "sub": "kim.officer",
            "name": "n",
            "roles": ["admin"],
            "sites": [],
            "typ": "access",
            "iss": "safenet",
            "aud": "safenet",
            "iat": 1000,
            "exp": 1000 + 10 * 365 * 86400,
        },
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(AuthError, match="cap"):
        verify_token(long_lived, SECRET, now=1001)


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
