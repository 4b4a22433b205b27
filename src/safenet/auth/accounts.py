"""The people who may sign in at a site: add, list, disable, reset, revoke.

Every change is written to the site's audit log in the same transaction as the change
itself, with the acting person (``actor``) and the account (``subject``); secrets never
appear in the log. What a person needs once (TOTP secret, otpauth URI, recovery codes,
a generated password) is returned in :class:`Credentials` and stored only hashed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.auth import passwords, totp
from safenet.auth.settings import AuthSettings
from safenet.auth.tables import recovery_codes, sessions, users
from safenet.auth.types import Clock, Principal, PrincipalKind, Role, utc_now
from safenet.store import Database

# A person's account never holds a device's or a peer site's role.
PERSON_ROLES = frozenset(Role) - {Role.CAMERA, Role.LINK}


class AccountError(ValueError):
    """A request about an account that cannot be carried out; names the field and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Account:
    """A person's account at a site, as the consoles and records show it."""

    user_id: str
    site: str
    name: str
    rank: str
    roles: frozenset[Role]
    sites: frozenset[str]
    totp_state: str
    failed_attempts: int
    locked_until: datetime | None
    disabled: bool
    created_at: datetime

    @property
    def display_name(self) -> str:
        """Rank or title and real name, as every record of an action shows the person."""
        return f"{self.rank} {self.name}".strip()

    def principal(self, session: str | None = None) -> Principal:
        return Principal(
            subject=self.user_id,
            name=self.display_name,
            roles=self.roles,
            sites=self.sites,
            kind=PrincipalKind.PERSON,
            session=session,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "site": self.site,
            "name": self.name,
            "rank": self.rank,
            "display_name": self.display_name,
            "roles": sorted(self.roles),
            "sites": sorted(self.sites),
            "totp": self.totp_state,
            "failed_attempts": self.failed_attempts,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "disabled": self.disabled,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Credentials:
    """What a person is given once, at enrolment or reset; never shown again."""

    account: Account
    password: str | None
    enrolment: totp.Enrolment | None
    recovery_codes: tuple[str, ...]


def account_of(row: Any) -> Account:
    return Account(
        user_id=row.user_id,
        site=row.site,
        name=row.name,
        rank=row.rank,
        roles=frozenset(Role(r) for r in row.roles),
        sites=frozenset(row.sites),
        totp_state=row.totp_state,
        failed_attempts=int(row.failed_attempts),
        locked_until=row.locked_until,
        disabled=bool(row.disabled),
        created_at=row.created_at,
    )


def revoke_user_sessions(
    conn: Connection, user_id: str, *, reason: str, actor: str, now: datetime
) -> int:
    """End every live session of ``user_id`` at once; audited; the count ended."""
    result = conn.execute(
        sessions.update()
        .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason[:100])
    )
    count = int(result.rowcount or 0)
    audit.append(
        conn, actor, "auth.sessions_revoked", user_id, {"reason": reason, "sessions": count}, now
    )
    return count


class Accounts:
    """The accounts of one site, in that site's database."""

    def __init__(
        self, db: Database, site: str, settings: AuthSettings, clock: Clock = utc_now
    ) -> None:
        self._db = db
        self.site = site
        self._settings = settings
        self._clock = clock

    # -- reading ---------------------------------------------------------------------

    def get(self, user_id: str) -> Account | None:
        with self._db.read() as conn:
            row = conn.execute(sa.select(users).where(users.c.user_id == user_id)).first()
        return None if row is None else account_of(row)

    def all(self) -> list[Account]:
        with self._db.read() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.user_id)).all()
        return [account_of(r) for r in rows]

    # -- changing --------------------------------------------------------------------

    def add(
        self,
        user_id: str,
        *,
        name: str,
        rank: str,
        roles: Iterable[Role | str],
        sites: Iterable[str] = (),
        password: str | None = None,
        actor: str,
    ) -> Credentials:
        """A new account with its TOTP enrolment and recovery codes (shown once)."""
        role_set = self._roles(roles)
        if not name.strip():
            raise AccountError("name", "the person's real name is required")
        if not rank.strip():
            raise AccountError("rank", "the person's rank or title is required")
        # Principal's own rule for the id, so every account can become a principal.
        try:
            Principal(user_id, name, role_set)
        except ValueError as exc:
            raise AccountError("user_id", str(exc)) from exc
        generated = password is None
        chosen = password if password is not None else _generated_password()
        self._check_password(chosen, user_id)
        enrolment = totp.new_enrolment(f"{user_id}@{self.site}", self._settings.totp_issuer)
        codes = totp.new_recovery_codes(self._settings.recovery_codes)
        now = self._clock()
        with self._db.begin() as conn:
            if conn.execute(sa.select(users.c.user_id).where(users.c.user_id == user_id)).first():
                raise AccountError("user_id", f"{user_id} already exists at {self.site}")
            conn.execute(
                users.insert().values(
                    user_id=user_id,
                    site=self.site,
                    name=name.strip(),
                    rank=rank.strip(),
                    roles=sorted(role_set),
                    sites=sorted(set(sites)),
                    password_hash=passwords.hash_password(chosen),
                    totp_secret=enrolment.secret,
                    totp_state="pending",
                    totp_last_step=None,
                    failed_attempts=0,
                    locked_until=None,
                    disabled=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            self._store_codes(conn, user_id, codes)
            details = {
                "name": name,
                "rank": rank,
                "roles": sorted(role_set),
                "sites": sorted(sites),
            }
            audit.append(conn, actor, "auth.user_added", user_id, details, now)
        account = self._must(user_id)
        return Credentials(account, chosen if generated else None, enrolment, tuple(codes))

    def disable(self, user_id: str, *, actor: str) -> Account:
        """Refuse the account's sign-ins from now on and end its sessions at once."""
        now = self._clock()
        with self._db.begin() as conn:
            self._update(conn, user_id, disabled=True, updated_at=now)
            audit.append(conn, actor, "auth.user_disabled", user_id, {}, now)
            revoke_user_sessions(conn, user_id, reason="account disabled", actor=actor, now=now)
        return self._must(user_id)

    def enable(self, user_id: str, *, actor: str) -> Account:
        """Let a disabled account sign in again (its sessions stay ended)."""
        now = self._clock()
        with self._db.begin() as conn:
            self._update(conn, user_id, disabled=False, failed_attempts=0, locked_until=None)
            audit.append(conn, actor, "auth.user_enabled", user_id, {}, now)
        return self._must(user_id)

    def reset_password(
        self, user_id: str, *, actor: str, password: str | None = None
    ) -> Credentials:
        """A new password (generated when not given); unlocks the account, ends its sessions."""
        chosen = password if password is not None else _generated_password()
        self._check_password(chosen, user_id)
        now = self._clock()
        with self._db.begin() as conn:
            self._update(
                conn,
                user_id,
                password_hash=passwords.hash_password(chosen),
                failed_attempts=0,
                locked_until=None,
                updated_at=now,
            )
            audit.append(conn, actor, "auth.password_reset", user_id, {}, now)
            revoke_user_sessions(conn, user_id, reason="password reset", actor=actor, now=now)
        return Credentials(self._must(user_id), chosen if password is None else None, None, ())

    def reset_totp(self, user_id: str, *, actor: str) -> Credentials:
        """A new TOTP secret and new recovery codes (old ones void); ends the sessions."""
        account = self._must(user_id)
        enrolment = totp.new_enrolment(f"{user_id}@{self.site}", self._settings.totp_issuer)
        codes = totp.new_recovery_codes(self._settings.recovery_codes)
        now = self._clock()
        with self._db.begin() as conn:
            self._update(
                conn,
                user_id,
                totp_secret=enrolment.secret,
                totp_state="pending",
                totp_last_step=None,
                updated_at=now,
            )
            conn.execute(recovery_codes.delete().where(recovery_codes.c.user_id == user_id))
            self._store_codes(conn, user_id, codes)
            audit.append(conn, actor, "auth.totp_reset", user_id, {}, now)
            revoke_user_sessions(conn, user_id, reason="second factor reset", actor=actor, now=now)
        return Credentials(account, None, enrolment, tuple(codes))

    def revoke_sessions(self, user_id: str, *, actor: str, reason: str = "revoked") -> int:
        """End every session of the account at once (a lost laptop, a suspicion)."""
        self._must(user_id)
        with self._db.begin() as conn:
            return revoke_user_sessions(
                conn, user_id, reason=reason, actor=actor, now=self._clock()
            )

    # -- helpers ---------------------------------------------------------------------

    def _must(self, user_id: str) -> Account:
        account = self.get(user_id)
        if account is None:
            raise AccountError("user_id", f"no account {user_id} at {self.site}")
        return account

    def _update(self, conn: Connection, user_id: str, **values: Any) -> None:
        result = conn.execute(users.update().where(users.c.user_id == user_id).values(**values))
        if not result.rowcount:
            raise AccountError("user_id", f"no account {user_id} at {self.site}")

    def _roles(self, roles: Iterable[Role | str]) -> frozenset[Role]:
        chosen: set[Role] = set()
        for r in roles:
            try:
                role = Role(r)
            except ValueError as exc:
                raise AccountError("roles", f"{r!r} is not a role") from exc
            if role not in PERSON_ROLES:
                raise AccountError("roles", f"{role} is for devices or links, not people")
            chosen.add(role)
        if not chosen:
            raise AccountError("roles", "a person needs at least one role")
        return frozenset(chosen)

    def _check_password(self, password: str, user_id: str) -> None:
        try:
            passwords.check_new_password(
                password, min_length=self._settings.password_min_length, user_id=user_id
            )
        except passwords.WeakPassword as exc:
            raise AccountError("password", str(exc).removeprefix("password: ")) from exc

    @staticmethod
    def _store_codes(conn: Connection, user_id: str, codes: list[str]) -> None:
        conn.execute(
            recovery_codes.insert(),
            [{"code_hash": totp.recovery_code_hash(c, user_id), "user_id": user_id} for c in codes],
        )


def _generated_password() -> str:
    return secrets.token_urlsafe(15)
