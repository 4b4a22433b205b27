"""The old ``sn1`` bearer tokens, kept only for the services and consoles not yet moved.

Format: ``sn1.<base64url payload>.<base64url signature>`` (HMAC-SHA256). The consoles
under ``safenet/web`` decode it in the browser and the police alert stream verifies it,
so it stays until those move to sessions and :class:`~safenet.auth.tokens.TokenSigner`
JWTs (issue 12, integration); then this module is deleted. Nothing new may use it.

Unlike before, a lifetime over :data:`LEGACY_MAX_TTL_S` (one day) is refused when
issuing and when verifying, so a "100-year token" is worthless even if minted elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from safenet.auth.errors import AuthError
from safenet.auth.types import Principal, Role

PREFIX = "sn1"
MIN_SECRET_BYTES = 32
LEGACY_MAX_TTL_S = 24 * 3600


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
    """A token for ``principal`` valid for ``ttl_s`` seconds (at most one day)."""
    _check_secret(secret)
    if not 0 < ttl_s <= LEGACY_MAX_TTL_S:
        raise ValueError(f"ttl_s must be 1..{LEGACY_MAX_TTL_S} seconds")
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
    exp, iat = payload.get("exp"), payload.get("iat")
    if not isinstance(exp, int) or current >= exp:
        raise AuthError("token has expired")
    if not isinstance(iat, int) or exp - iat > LEGACY_MAX_TTL_S:
        raise AuthError("token lifetime is over the cap of one day")
    try:
        return Principal(
            subject=str(payload["sub"]),
            name=str(payload["name"]),
            roles=frozenset(Role(r) for r in payload["roles"]),
            sites=frozenset(str(s) for s in payload["sites"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise AuthError(f"token payload is not valid: {exc}") from exc
