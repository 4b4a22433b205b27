"""People's passwords: argon2id hashes, and the rule a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2-cffi's RFC 9106 "low memory" profile: 64 MiB, 3 passes. A sign-in costs tens of
# milliseconds on the 2-core machines we run on, which the lockout makes affordable.
_HASHER = PasswordHasher(time_cost=3, memory_cost=65_536, parallelism=4, type=Type.ID)

# Verifying against this keeps an unknown account as slow as a wrong password, so the
# time a refusal takes does not tell an attacker which user ids exist.
_DUMMY_HASH = _HASHER.hash("safenet: no such account")


class WeakPassword(ValueError):
    """A new password that does not meet the site's rule; the message says why."""


def check_new_password(password: str, *, min_length: int, user_id: str = "") -> None:
    """Refuse a new password that is too short, or is the user id, with the reason."""
    if len(password) < min_length:
        raise WeakPassword(f"password: must be at least {min_length} characters")
    if user_id and user_id.lower() in password.lower():
        raise WeakPassword("password: must not contain the user id")
    if len(set(password)) < 4:
        raise WeakPassword("password: must not be one or two characters repeated")


def hash_password(password: str) -> str:
    """The argon2id hash stored for ``password`` (salt and parameters included)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; None (no such account) is always False."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's (rehash at sign-in)."""
    return _HASHER.check_needs_rehash(stored_hash)
