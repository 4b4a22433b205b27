"""Server-side sessions: what makes a sign-in revocable at once.

A session is a row in the site's database. The console holds its secret in an HttpOnly
cookie (only its SHA-256 is stored); an access token names it in ``sid``. Every request
looks the row up, so sign-out, a disabled account or "revoke all sessions" takes effect
on the very next request, whatever tokens are still in circulation. A session ends
after ``session_idle_minutes`` without a request and ``session_absolute_hours`` after
sign-in; the person's roles and name are read from their account each time, so a change
there applies at once too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.auth.accounts import account_of
from safenet.auth.errors import AuthError
from safenet.auth.settings import AuthSettings
from safenet.auth.tables import sessions, users
from safenet.auth.tokens import RefreshClaims
from safenet.auth.types import Clock, Principal, utc_now
from safenet.store import Database

ACTIVE = "active"
PENDING = "password"  # the password step passed; the second factor is still due

# Writing last_seen on every request would make each read a write; a session's idle
# clock only needs to move this often to stay within a few seconds of the truth.
_TOUCH_EVERY = timedelta(seconds=15)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_for(secret: bytes, session_id: str) -> str:
    """The CSRF token of a session: the console echoes it in ``X-CSRF-Token``."""
    return hmac.new(secret, f"csrf\0{session_id}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class OpenedSession:
    """A session just opened: its id, the cookie secret (shown once) and its end."""

    session_id: str
    token: str
    expires_at: datetime


def open_session(
    conn: Connection, user_id: str, *, stage: str, now: datetime, lifetime: timedelta
) -> OpenedSession:
    """A new session row for ``user_id`` (inside the caller's transaction)."""
    session_id = secrets.token_hex(12)
    token = secrets.token_urlsafe(32)
    conn.execute(
        sessions.insert().values(
            session_id=session_id,
            token_hash=token_hash(token),
            user_id=user_id,
            stage=stage,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            refresh_jti=None,
        )
    )
    return OpenedSession(session_id, token, now + lifetime)


class Sessions:
    """The live sessions of one site."""

    def __init__(self, db: Database, settings: AuthSettings, clock: Clock = utc_now) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self._settings.session_idle_minutes)

    def principal(self, *, token: str | None = None, session_id: str | None = None) -> Principal:
        """The person a live session belongs to (by cookie secret or by id); else AuthError.

        Counts as activity: the idle clock restarts.
        """
        if (token is None) == (session_id is None):
            raise ValueError("give exactly one of token and session_id")
        where = (
            sessions.c.token_hash == token_hash(token)
            if token is not None
            else sessions.c.session_id == session_id
        )
        now = self._clock()
        with self._db.read() as conn:
            row = conn.execute(sa.select(sessions).where(where)).first()
            user = (
                None
                if row is None
                else conn.execute(sa.select(users).where(users.c.user_id == row.user_id)).first()
            )
        if row is None or row.stage != ACTIVE:
            raise AuthError("not signed in", code="auth.not_signed_in")
        if row.revoked_at is not None:
            raise AuthError("the session has ended; sign in again", code="auth.session_ended")
        if now >= row.expires_at:
            raise AuthError(
                "the session reached its time limit; sign in again", code="auth.session_ended"
            )
        if now - row.last_seen_at >= self.idle:
            self._end(row.session_id, "idle timeout", now)
            raise AuthError(
                "the session ended after inactivity; sign in again", code="auth.session_ended"
            )
        if user is None or user.disabled:
            raise AuthError("the account is disabled", code="auth.disabled")
        if now - row.last_seen_at >= _TOUCH_EVERY:
            with self._db.begin() as conn:
                conn.execute(
                    sessions.update()
                    .where(sessions.c.session_id == row.session_id)
                    .values(last_seen_at=now)
                )
        return account_of(user).principal(session=row.session_id)

    def revoke(self, session_id: str, *, actor: str, reason: str = "signed out") -> bool:
        """End one session at once; True when it was live."""
        now = self._clock()
        with self._db.begin() as conn:
            row = conn.execute(
                sa.select(sessions.c.user_id).where(sessions.c.session_id == session_id)
            ).first()
            result = conn.execute(
                sessions.update()
                .where(sessions.c.session_id == session_id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=now, revoked_reason=reason[:100])
            )
            ended = bool(result.rowcount)
            if ended and row is not None:
                audit.append(
                    conn,
                    actor,
                    "auth.session_revoked",
                    row.user_id,
                    {"session": session_id, "reason": reason},
                    now,
                )
        return ended

    def rotate_refresh(self, claims: RefreshClaims) -> str:
        """The next refresh rotation of a session; a reused one ends the session.

        A refresh token is good for one use. Presenting one that was already used means
        two parties hold it (a stolen copy): the session is ended for both.
        """
        now = self._clock()
        new_jti = secrets.token_hex(12)
        reused = False
        with self._db.begin() as conn:
            row = conn.execute(
                sa.select(sessions).where(sessions.c.session_id == claims.session)
            ).first()
            if row is None or row.stage != ACTIVE or row.user_id != claims.subject:
                raise AuthError("not signed in", code="auth.not_signed_in")
            if row.revoked_at is not None or now >= row.expires_at:
                raise AuthError("the session has ended; sign in again", code="auth.session_ended")
            if now - row.last_seen_at >= self.idle:
                raise AuthError(
                    "the session ended after inactivity; sign in again", code="auth.session_ended"
                )
            if row.refresh_jti != claims.jti:
                conn.execute(
                    sessions.update()
                    .where(sessions.c.session_id == row.session_id)
                    .values(revoked_at=now, revoked_reason="refresh token reused")
                )
                audit.append(
                    conn,
                    row.user_id,
                    "auth.refresh_reused",
                    row.user_id,
                    {"session": row.session_id},
                    now,
                )
                reused = True
            else:
                conn.execute(
                    sessions.update()
                    .where(sessions.c.session_id == row.session_id)
                    .values(refresh_jti=new_jti, last_seen_at=now)
                )
        if reused:
            raise AuthError(
                "refresh token was already used: the session has been ended",
                code="auth.session_ended",
            )
        return new_jti

    def first_refresh(self, session_id: str) -> str:
        """The first refresh rotation of a session just opened."""
        jti = secrets.token_hex(12)
        with self._db.begin() as conn:
            conn.execute(
                sessions.update().where(sessions.c.session_id == session_id).values(refresh_jti=jti)
            )
        return jti

    def _end(self, session_id: str, reason: str, now: datetime) -> None:
        with self._db.begin() as conn:
            conn.execute(
                sessions.update()
                .where(sessions.c.session_id == session_id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=now, revoked_reason=reason)
            )
