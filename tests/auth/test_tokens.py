"""Signed principals for a site (the CLI's token commands, the demo, tests) and principals."""

from __future__ import annotations

import pytest

from safenet.auth import AuthError, Principal, PrincipalKind, Role, sign_principal
from safenet.auth.settings import AuthSettings
from safenet.auth.tokens import kind_for, site_signer

SECRET = b"s" * 32
KIM = Principal("kim.officer", "김경위", frozenset({Role.DISPATCHER}), frozenset({"seocho"}))


def test_a_signed_principal_verifies_at_its_site_only() -> None:
    token = sign_principal(KIM, SECRET, site="police")
    assert site_signer(AuthSettings(), "police", SECRET).verify_access(token) == KIM
    with pytest.raises(AuthError, match="audience"):
        site_signer(AuthSettings(), "seocho", SECRET).verify_access(token)
    with pytest.raises(AuthError, match="signature"):
        site_signer(AuthSettings(), "police", b"t" * 32).verify_access(token)


def test_the_site_signing_secret_wins_over_the_service_secret() -> None:
    settings = AuthSettings(signing_secret="x" * 40)  # type: ignore[arg-type]
    token = sign_principal(KIM, SECRET, site="police", settings=settings)
    with pytest.raises(AuthError, match="signature"):
        site_signer(AuthSettings(), "police", SECRET).verify_access(token)
    assert site_signer(settings, "police", SECRET).verify_access(token) == KIM


def test_the_lifetime_cap_holds_when_signing() -> None:
    with pytest.raises(ValueError, match="cap"):
        sign_principal(KIM, SECRET, site="police", ttl_s=876000 * 3600)  # the "100-year token"
    with pytest.raises(ValueError, match="32 bytes"):
        sign_principal(KIM, b"short", site="police")


def test_kind_follows_the_roles() -> None:
    assert kind_for(frozenset({Role.CAMERA})) is PrincipalKind.CAMERA
    assert kind_for(frozenset({Role.LINK})) is PrincipalKind.LINK
    assert kind_for(frozenset({Role.OPERATOR, Role.AUDITOR})) is PrincipalKind.PERSON


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


def test_a_remembered_token_ends_at_its_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    import safenet.auth.tokens as tokens

    signer = site_signer(AuthSettings(), "police", SECRET)
    token = signer.access(KIM, ttl_s=60)
    assert signer.verify_access(token) == KIM
    assert signer.remembered(token) == KIM
    real = tokens.time.time
    monkeypatch.setattr(tokens.time, "time", lambda: real() + 61)
    assert signer.remembered(token) is None  # forgotten: verified afresh, and refused
    with pytest.raises(AuthError, match="expired"):
        signer.verify_access(token, now=real() + 61)  # PyJWT reads its own clock


def test_a_remembered_token_altered_in_one_character_is_verified_again() -> None:
    signer = site_signer(AuthSettings(), "police", SECRET)
    token = signer.access(KIM, ttl_s=60)
    assert signer.verify_access(token) == KIM
    head, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(AuthError, match="signature"):
        signer.verify_access(f"{head}.{payload}.{flipped}")
    forged = sign_principal(KIM, b"t" * 32, site="police")  # same claims, another secret
    with pytest.raises(AuthError, match="signature"):
        signer.verify_access(forged)


def test_a_token_remembered_at_one_site_is_not_taken_at_another() -> None:
    police = site_signer(AuthSettings(), "police", SECRET)
    token = police.access(KIM, ttl_s=60)
    assert police.verify_access(token) == KIM
    with pytest.raises(AuthError, match="audience"):
        site_signer(AuthSettings(), "seocho", SECRET).verify_access(token)


def test_a_token_checked_against_a_given_clock_is_not_remembered() -> None:
    signer = site_signer(AuthSettings(), "police", SECRET)
    token = signer.access(KIM, ttl_s=60)
    signer.verify_access(token, now=__import__("time").time())
    assert signer.remembered(token) is None
