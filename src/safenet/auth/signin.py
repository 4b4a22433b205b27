"""Signing a person in: password, then a second factor, then a session.

::

    password(user, pw) ──ok──▶ pending sign-in (5 min) ──second_factor(code)──▶ session
          │ wrong                      │ wrong TOTP / recovery code
          └──────── failed_attempts + 1 ┘  ── 5 in a row ──▶ locked for 10 minutes

Every attempt is audited: ``auth.login`` on success, ``auth.login_failed`` with the
reason otherwise, ``auth.lockout`` when the account locks, ``auth.recovery_code_used``.
A refusal reads the same whether the account exists or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.auth import passwords, totp
from safenet.auth.accounts import Account, account_of
from safenet.auth.errors import AuthError, LockedOut
from safenet.auth.sessions import ACTIVE, PENDING, OpenedSession, open_session, token_hash
from safenet.auth.settings import AuthSettings
from safenet.auth.tables import recovery_codes, sessions, users
from safenet.auth.types import Clock, utc_now
from safenet.store import Database

_REFUSED = "user id or password is wrong"


@dataclass(frozen=True)
class PendingSignIn:
    """The password step passed: the token that carries the person to the TOTP step."""

    token: str
    expires_at: datetime
    enrolment: totp.Enrolment | None  # the QR to scan, while the account's TOTP is pending


@dataclass(frozen=True)
class SignedIn:
    """A completed sign-in: the new session and whose it is."""

    session: OpenedSession
    account: Account
    used_recovery_code: bool


class SignIn:
    """The sign-in steps of one site."""

    def __init__(
        self, db: Database, site: str, settings: AuthSettings, clock: Clock = utc_now
    ) -> None:
        self._db = db
        self.site = site
        self._settings = settings
        self._clock = clock

    def password(self, user_id: str, password: str, *, client: str = "") -> PendingSignIn:
        """Check the password; on success the second factor is due within a few minutes."""
        now = self._clock()
        with self._db.read() as conn:
            row = conn.execute(sa.select(users).where(users.c.user_id == user_id)).first()
        # Verify even for an unknown or locked account: the time taken tells nothing.
        good = passwords.verify_password(row.password_hash if row else None, password)
        if row is None:
            with self._db.begin() as conn:
                audit.append(
                    conn,
                    user_id[:200] or "-",
                    "auth.login_failed",
                    user_id[:200] or "-",
                    {"reason": "unknown account", "client": client},
                    now,
                )
            raise AuthError(_REFUSED, code="auth.signin_failed")
        self._refuse_if_closed(row, now, client)
        if not good:
            self._fail(row.user_id, "wrong password", now, client)
        with self._db.begin() as conn:
            pending = open_session(
                conn,
                row.user_id,
                stage=PENDING,
                now=now,
                lifetime=timedelta(minutes=self._settings.login_step_minutes),
            )
            if passwords.needs_rehash(row.password_hash):
                conn.execute(
                    users.update()
                    .where(users.c.user_id == row.user_id)
                    .values(password_hash=passwords.hash_password(password))
                )
        enrolment = (
            totp.enrolment_for(
                row.totp_secret, f"{row.user_id}@{self.site}", self._settings.totp_issuer
            )
            if row.totp_state == "pending"
            else None
        )
        return PendingSignIn(pending.token, pending.expires_at, enrolment)

    def second_factor(self, pending_token: str, code: str, *, client: str = "") -> SignedIn:
        """Check the TOTP code (or a recovery code) of a pending sign-in; open the session."""
        now = self._clock()
        with self._db.read() as conn:
            pending = conn.execute(
                sa.select(sessions).where(sessions.c.token_hash == token_hash(pending_token))
            ).first()
            row = (
                None
                if pending is None
                else conn.execute(
                    sa.select(users).where(users.c.user_id == pending.user_id)
                ).first()
            )
        if (
            pending is None
            or row is None
            or pending.stage != PENDING
            or pending.revoked_at is not None
            or now >= pending.expires_at
        ):
            raise AuthError(
                "the sign-in has expired; enter your password again", code="auth.step_expired"
            )
        self._refuse_if_closed(row, now, client)
        step = totp.accepted_step(
            row.totp_secret,
            code,
            last_step=row.totp_last_step,
            window=self._settings.totp_valid_window,
            now=now.timestamp(),
        )
        used_recovery = False
        with self._db.begin() as conn:
            if step is not None:
                # Conditional on the last step so two requests racing with one code
                # cannot both win: the loser updates no row.
                claimed = conn.execute(
                    users.update()
                    .where(
                        users.c.user_id == row.user_id,
                        sa.or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step),
                    )
                    .values(totp_last_step=step, totp_state="active")
                ).rowcount
                ok = bool(claimed)
            else:
                ok = used_recovery = self._use_recovery_code(conn, row.user_id, code, now)
            if ok:
                conn.execute(
                    sessions.update()
                    .where(sessions.c.session_id == pending.session_id)
                    .values(revoked_at=now, revoked_reason="second factor passed")
                )
                conn.execute(
                    users.update()
                    .where(users.c.user_id == row.user_id)
                    .values(failed_attempts=0, locked_until=None)
                )
                opened = open_session(
                    conn,
                    row.user_id,
                    stage=ACTIVE,
                    now=now,
                    lifetime=timedelta(hours=self._settings.session_absolute_hours),
                )
                audit.append(
                    conn,
                    row.user_id,
                    "auth.login",
                    row.user_id,
                    {
                        "session": opened.session_id,
                        "factor": "recovery" if used_recovery else "totp",
                        "client": client,
                    },
                    now,
                )
        if not ok:
            self._fail(row.user_id, "wrong or reused second-factor code", now, client)
        with self._db.read() as conn:
            fresh = conn.execute(sa.select(users).where(users.c.user_id == row.user_id)).one()
        return SignedIn(opened, account_of(fresh), used_recovery)

    # -- helpers ---------------------------------------------------------------------

    def _refuse_if_closed(
        self, row: sa.Row[tuple[object, ...]], now: datetime, client: str
    ) -> None:
        reason = None
        if row.disabled:
            reason = "account disabled"
        elif row.locked_until is not None and now < row.locked_until:
            reason = "account locked"
        if reason is None:
            return
        with self._db.begin() as conn:
            audit.append(
                conn,
                row.user_id,
                "auth.login_failed",
                row.user_id,
                {"reason": reason, "client": client},
                now,
            )
        if reason == "account locked":
            raise LockedOut(row.locked_until.isoformat())
        raise AuthError(_REFUSED, code="auth.signin_failed")

    def _fail(self, user_id: str, reason: str, now: datetime, client: str) -> None:
        """Count a failure (locking the account on the last allowed one) and refuse."""
        locked_until: datetime | None = None
        with self._db.begin() as conn:
            conn.execute(
                users.update()
                .where(users.c.user_id == user_id)
                .values(failed_attempts=users.c.failed_attempts + 1)
            )
            failures = conn.execute(
                sa.select(users.c.failed_attempts).where(users.c.user_id == user_id)
            ).scalar_one()
            audit.append(
                conn,
                user_id,
                "auth.login_failed",
                user_id,
                {"reason": reason, "failures": failures, "client": client},
                now,
            )
            if failures >= self._settings.lockout_attempts:
                locked_until = now + timedelta(minutes=self._settings.lockout_minutes)
                conn.execute(
                    users.update()
                    .where(users.c.user_id == user_id)
                    .values(failed_attempts=0, locked_until=locked_until)
                )
                audit.append(
                    conn,
                    user_id,
                    "auth.lockout",
                    user_id,
                    {"until": locked_until.isoformat(), "failures": failures},
                    now,
                )
        if locked_until is not None:
            raise LockedOut(locked_until.isoformat())
        if reason == "wrong password":
            raise AuthError(_REFUSED, code="auth.signin_failed")
        raise AuthError("the code is wrong or was used", code="auth.code_wrong")

    @staticmethod
    def _use_recovery_code(conn: Connection, user_id: str, code: str, now: datetime) -> bool:
        hashed = totp.recovery_code_hash(code, user_id)
        used = conn.execute(
            recovery_codes.update()
            .where(
                recovery_codes.c.code_hash == hashed,
                recovery_codes.c.user_id == user_id,
                recovery_codes.c.used_at.is_(None),
            )
            .values(used_at=now)
        ).rowcount
        if used:
            left = conn.execute(
                sa.select(sa.func.count())
                .select_from(recovery_codes)
                .where(recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))
            ).scalar_one()
            audit.append(conn, user_id, "auth.recovery_code_used", user_id, {"left": left}, now)
        return bool(used)
