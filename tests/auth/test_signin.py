"""Signing in: password, second factor, lockout, recovery codes, and the audit of each."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from safenet.audit import store as audit
from safenet.auth import totp
from safenet.auth.errors import AuthError, LockedOut
from tests.auth.conftest import PASSWORD, Site


def _actions(site: Site) -> list[str]:
    with site.db.read() as conn:
        return [r.action for r in audit.records(conn)]


def _code(site: Site, secret: str, offset_s: float = 0) -> str:
    return totp.code_at(secret, site.clock.now.timestamp() + offset_s)


def test_password_then_totp_opens_a_session(site: Site) -> None:
    creds = site.add()
    assert creds.enrolment is not None
    assert creds.enrolment.uri.startswith("otpauth://totp/")
    assert "<svg" in creds.enrolment.qr_svg
    pending = site.signin.password("kim.approver", PASSWORD)
    assert pending.enrolment is not None  # not yet enrolled: the QR is shown again
    signed = site.signin.second_factor(pending.token, _code(site, creds.enrolment.secret))
    principal = site.sessions.principal(token=signed.session.token)
    assert principal.subject == "kim.approver"
    assert principal.name == "경위 김민수"
    assert principal.session == signed.session.session_id
    assert site.accounts.get("kim.approver").totp_state == "active"  # type: ignore[union-attr]
    assert _actions(site)[-1] == "auth.login"


def test_pending_sign_in_is_not_a_session(site: Site) -> None:
    site.add()
    pending = site.signin.password("kim.approver", PASSWORD)
    with pytest.raises(AuthError, match="not signed in"):
        site.sessions.principal(token=pending.token)


@pytest.mark.parametrize("user", ["kim.approver", "nobody.here"])
def test_wrong_password_and_unknown_user_read_the_same(site: Site, user: str) -> None:
    site.add()
    with pytest.raises(AuthError) as info:
        site.signin.password(user, "not the password at all")
    assert info.value.reason == "user id or password is wrong"
    assert _actions(site)[-1] == "auth.login_failed"


def test_totp_replayed_code_refused(site: Site) -> None:
    creds = site.add()
    assert creds.enrolment is not None
    code = _code(site, creds.enrolment.secret)
    site.signin.second_factor(site.signin.password("kim.approver", PASSWORD).token, code)
    site.clock.advance(seconds=5)  # same 30 s window
    pending = site.signin.password("kim.approver", PASSWORD)
    with pytest.raises(AuthError, match="wrong or was used"):
        site.signin.second_factor(pending.token, code)
    # The next window's code is fine.
    site.clock.advance(seconds=30)
    site.signin.second_factor(pending.token, _code(site, creds.enrolment.secret))


def test_totp_wrong_code_refused_and_counted(site: Site) -> None:
    creds = site.add()
    assert creds.enrolment is not None
    pending = site.signin.password("kim.approver", PASSWORD)
    good = _code(site, creds.enrolment.secret)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    with pytest.raises(AuthError):
        site.signin.second_factor(pending.token, wrong)
    assert site.accounts.get("kim.approver").failed_attempts == 1  # type: ignore[union-attr]
    with pytest.raises(AuthError):  # an old window's code is as wrong as any
        site.signin.second_factor(pending.token, _code(site, creds.enrolment.secret, -300))


def test_pending_sign_in_expires(site: Site) -> None:
    creds = site.add()
    assert creds.enrolment is not None
    pending = site.signin.password("kim.approver", PASSWORD)
    site.clock.advance(minutes=6)
    with pytest.raises(AuthError, match="expired"):
        site.signin.second_factor(pending.token, _code(site, creds.enrolment.secret))


def test_five_failures_lock_for_ten_minutes_then_unlock(site: Site) -> None:
    site.add()
    for _ in range(4):
        with pytest.raises(AuthError) as info:
            site.signin.password("kim.approver", "wrong wrong wrong")
        assert not isinstance(info.value, LockedOut)
    with pytest.raises(LockedOut):
        site.signin.password("kim.approver", "wrong wrong wrong")
    # Locked: even the right password is refused.
    site.clock.advance(minutes=9, seconds=59)
    with pytest.raises(LockedOut):
        site.signin.password("kim.approver", PASSWORD)
    site.clock.advance(seconds=2)
    assert site.signin.password("kim.approver", PASSWORD).token
    actions = _actions(site)
    assert actions.count("auth.lockout") == 1
    assert actions.count("auth.login_failed") == 6


def test_recovery_code_works_once(site: Site) -> None:
    creds = site.add()
    code = creds.recovery_codes[0]
    signed = site.signin.second_factor(site.signin.password("kim.approver", PASSWORD).token, code)
    assert signed.used_recovery_code
    pending = site.signin.password("kim.approver", PASSWORD)
    with pytest.raises(AuthError):
        site.signin.second_factor(pending.token, code)
    assert "auth.recovery_code_used" in _actions(site)


def test_recovery_code_of_another_user_refused(site: Site) -> None:
    site.add()
    other = site.add("park.registrar", name="박서연", rank="경사", roles=["registrar"])
    pending = site.signin.password("kim.approver", PASSWORD)
    with pytest.raises(AuthError):
        site.signin.second_factor(pending.token, other.recovery_codes[0])


def test_disabled_account_cannot_sign_in(site: Site) -> None:
    site.add()
    site.accounts.disable("kim.approver", actor="admin.lee")
    with pytest.raises(AuthError, match="wrong"):
        site.signin.password("kim.approver", PASSWORD)


def test_secrets_are_stored_hashed(site: Site) -> None:
    creds = site.add()
    with site.db.read() as conn:
        dump = " ".join(
            str(tuple(r))
            for t in ("auth_users", "auth_recovery_codes")
            for r in conn.execute(sa.text(f"SELECT * FROM {t}"))
        )
    assert PASSWORD not in dump
    assert "$argon2id$" in dump
    assert all(c not in dump and c.replace("-", "") not in dump for c in creds.recovery_codes)
