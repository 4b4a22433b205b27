"""Signed, expiring bearer tokens (HMAC-SHA256 over a compact JSON payload).

Format: ``sn1.<base64url payload>.<base64url signature>``. The payload holds the
subject, name, roles, sites, issue and expiry times. We keep our own small format
rather than JWT so that there is exactly one algorithm and nothing to negotiate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from safenet.auth.types import Principal, Role

PREFIX = "sn1"
MIN_SECRET_BYTES = 32


class AuthError(Exception):
    """A request could not be authenticated or is not allowed; ``status`` is its HTTP status."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"token secret must be at least {MIN_SECRET_BYTES} bytes")


def issue_token(
    principal: Principal, secret: bytes, ttl_s: int = 12 * 3600, now: float | None = None
) -> str:
    """A token for ``principal`` valid for ``ttl_s`` seconds."""
    _check_secret(secret)
    if ttl_s <= 0:
        raise ValueError("ttl_s must be positive")
    issued = int(now if now is not None else time.time())
    payload = {
        "sub": principal.subject,
        "name": principal.name,
        "roles": sorted(principal.roles),
        "sites": sorted(principal.sites),
        "iat": issued,
        "exp": issued + ttl_s,
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    sig = _b64(hmac.new(secret, f"{PREFIX}.{body}".encode(), hashlib.sha256).digest())
    return f"{PREFIX}.{body}.{sig}"


def verify_token(token: str, secret: bytes, now: float | None = None) -> Principal:
    """The principal a valid token names; :class:`AuthError` says why one is refused."""
    _check_secret(secret)
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise AuthError("malformed token")
    expected = hmac.new(secret, f"{PREFIX}.{parts[1]}".encode(), hashlib.sha256).digest()
    try:
        given = _unb64(parts[2])
        payload = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuthError("malformed token") from exc
    if not hmac.compare_digest(expected, given):
        raise AuthError("token signature is not valid")
    if not isinstance(payload, dict):
        raise AuthError("malformed token")
    current = now if now is not None else time.time()
    exp = payload.get("exp")
    if not isinstance(exp, int) or current >= exp:
        raise AuthError("token has expired")
    try:
        return Principal(
            subject=str(payload["sub"]),
            name=str(payload["name"]),
            roles=frozenset(Role(r) for r in payload["roles"]),
            sites=frozenset(str(s) for s in payload["sites"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise AuthError(f"token payload is not valid: {exc}") from exc
