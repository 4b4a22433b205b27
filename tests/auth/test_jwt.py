"""Access and refresh tokens are standard JWTs: issuer, audience, type, expiry and a cap."""

from __future__ import annotations

import warnings

import jwt
import pytest

from safenet.auth import AuthError, Principal, PrincipalKind, Role, TokenSigner

SECRET = b"s" * 32
KIM = Principal("kim.officer", "경위 김민수", frozenset({Role.DISPATCHER}), frozenset({"seocho"}))
SIGNER = TokenSigner(SECRET, issuer="safenet", audience="police")


def _claims(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sub": "kim.officer",
        "name": "n",
        "roles": ["admin"],
        "sites": [],
        "typ": "access",
        "iss": "safenet",
        "aud": "police",
        "iat": 1000,
        "exp": 1300,
    }
    base.update(extra)
    return base


def test_round_trip_and_claims() -> None:
    token = SIGNER.access(KIM, ttl_s=60, now=1000)
    assert SIGNER.verify_access(token, now=1001) == KIM
    claims = jwt.decode(token, options={"verify_signature": False})
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert (claims["iss"], claims["aud"], claims["typ"], claims["kind"]) == (
        "safenet",
        "police",
        "access",
        "person",
    )
    assert claims["exp"] - claims["iat"] == 60


def test_expired_and_not_yet_valid() -> None:
    token = SIGNER.access(KIM, ttl_s=60, now=1000)
    with pytest.raises(AuthError, match="expired"):
        SIGNER.verify_access(token, now=1060)
    with pytest.raises(AuthError, match="not valid yet"):
        SIGNER.verify_access(token, now=999)


def test_other_secret_audience_issuer_refused() -> None:
    token = SIGNER.access(KIM, ttl_s=60)
    with pytest.raises(AuthError, match="signature"):
        TokenSigner(b"t" * 32, issuer="safenet", audience="police").verify_access(token)
    with pytest.raises(AuthError, match="audience"):
        TokenSigner(SECRET, issuer="safenet", audience="seocho").verify_access(token)
    with pytest.raises(AuthError, match="issuer"):
        TokenSigner(SECRET, issuer="other", audience="police").verify_access(token)


def test_unsigned_and_other_algorithms_refused() -> None:
    with pytest.raises(AuthError):
        SIGNER.verify_access(jwt.encode(_claims(), None, algorithm="none"), now=1001)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT finds 32 bytes short for HS512; beside the point
        hs512 = jwt.encode(_claims(), SECRET, algorithm="HS512")
    with pytest.raises(AuthError):
        SIGNER.verify_access(hs512, now=1001)


def test_refresh_is_not_access_and_access_is_not_refresh() -> None:
    refresh = SIGNER.refresh("kim.officer", "s" * 24, "j" * 24, now=1000)
    with pytest.raises(AuthError, match="not an access token"):
        SIGNER.verify_access(refresh, now=1001)
    with pytest.raises(AuthError, match="not a refresh token"):
        SIGNER.verify_refresh(SIGNER.access(KIM, ttl_s=60, now=1000), now=1001)
    assert SIGNER.verify_refresh(refresh, now=1001).session == "s" * 24


def test_lifetime_caps() -> None:
    session_bound = Principal("kim.officer", "n", frozenset({Role.DISPATCHER}), session="a" * 24)
    with pytest.raises(ValueError, match="over the cap"):
        SIGNER.access(session_bound, ttl_s=16 * 60)
    with pytest.raises(ValueError, match="access_ttl_s"):
        TokenSigner(SECRET, issuer="safenet", audience="police", access_ttl_s=3600)
    service = Principal("bench", "n", frozenset({Role.AUDITOR}), kind=PrincipalKind.SERVICE)
    with pytest.raises(ValueError, match="max_service_token_hours"):
        SIGNER.access(service, ttl_s=13 * 3600)
    # Minted elsewhere with the secret, a long life is refused on arrival.
    long_lived = jwt.encode(_claims(exp=1000 + 10 * 365 * 86400), SECRET, algorithm="HS256")
    with pytest.raises(AuthError, match="cap"):
        SIGNER.verify_access(long_lived, now=1001)
    with_session = jwt.encode(_claims(sid="a" * 24, exp=1000 + 3600), SECRET, algorithm="HS256")
    with pytest.raises(AuthError, match="cap"):
        SIGNER.verify_access(with_session, now=1001)


@pytest.mark.parametrize("bad", ["", "abc", "sn1.a.b", "a.b.c", "eyJ.eyJ.x"])
def test_malformed(bad: str) -> None:
    with pytest.raises(AuthError):
        SIGNER.verify_access(bad)
