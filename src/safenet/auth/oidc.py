"""Access tokens from the organisation's identity provider (OpenID Connect).

In production people sign in at the police's or the local government's own identity
provider; safenet only verifies the access token it issued: the signature against the
provider's published keys (JWKS, from a local file or its URL), ``iss``, ``aud``,
``exp``/``nbf``, and maps the provider's role and site claims to safenet's through
configuration. Anything unmapped grants nothing: a token naming no known role, or no
known site, is refused rather than read as "no restriction". A site mapped to ``*``
means every site (police-wide staff).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import jwt

from safenet.auth.errors import AuthError, Denied
from safenet.auth.settings import OidcSettings
from safenet.auth.types import Principal, PrincipalKind

ALL_SITES = "*"

Fetch = Callable[[str], dict[str, Any]]


def _http_fetch(url: str) -> dict[str, Any]:
    import httpx

    response = httpx.get(url, timeout=5.0)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


class JwksKeys:
    """The provider's public signing keys, by key id, reloaded when stale or unknown."""

    def __init__(
        self, settings: OidcSettings, fetch: Fetch = _http_fetch, *, min_refetch_s: float = 30.0
    ) -> None:
        self._settings = settings
        self._fetch = fetch
        self._min_refetch_s = min_refetch_s
        self._keys: dict[str, jwt.PyJWK] = {}
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            age = None if self._loaded_at is None else time.monotonic() - self._loaded_at
            stale = age is None or age > self._settings.jwks_cache_s
            # An unknown kid may mean the provider rotated its keys, or an attacker
            # making up kids: reload for it at most every min_refetch_s.
            unknown = kid not in self._keys and (age is None or age >= self._min_refetch_s)
            if stale or unknown:
                self._load()
            found = self._keys.get(kid)
        if found is None:
            raise AuthError("token is signed with a key the identity provider does not publish")
        return found

    def _load(self) -> None:
        try:
            if self._settings.jwks_file is not None:
                data = json.loads(self._settings.jwks_file.read_text(encoding="utf-8"))
            else:
                data = self._fetch(self._settings.jwks_url)
            keyset = jwt.PyJWKSet.from_dict(data)
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            raise AuthError(f"identity provider keys cannot be read: {exc}", status=503) from exc
        self._keys = {k.key_id: k for k in keyset.keys if k.key_id}
        self._loaded_at = time.monotonic()


class OidcVerifier:
    """Verifies the provider's access tokens and maps them to a :class:`Principal`."""

    def __init__(self, settings: OidcSettings, keys: JwksKeys | None = None) -> None:
        self._settings = settings
        self._keys = keys or JwksKeys(settings)

    def verify(self, token: str, *, now: float | None = None) -> Principal:
        s = self._settings
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError(f"malformed token: {exc}") from exc
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise AuthError("token names no signing key (kid)")
        if header.get("alg") not in s.algorithms:
            raise AuthError(f"token algorithm {header.get('alg')!r} is not accepted")
        key = self._keys.key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=s.algorithms,
                audience=s.audience,
                issuer=s.issuer,
                leeway=s.leeway_s,
                options={
                    "require": ["exp", "iss", "aud", s.subject_claim],
                    "verify_exp": now is None,
                    "verify_nbf": now is None,
                },
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError("token is for another audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("token is from another issuer") from exc
        except jwt.InvalidSignatureError as exc:
            raise AuthError("token signature is not valid") from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"token is not valid: {exc}") from exc
        if now is not None and now >= float(claims["exp"]) + s.leeway_s:
            raise AuthError("token has expired")
        return self._principal(claims)

    def _principal(self, claims: dict[str, Any]) -> Principal:
        s = self._settings
        roles = {s.role_map[n] for n in _names(claims.get(s.role_claim)) if n in s.role_map}
        sites = {s.site_map[n] for n in _names(claims.get(s.site_claim)) if n in s.site_map}
        if not roles:
            raise Denied("the identity provider grants no safenet role to this person")
        if not sites:
            raise Denied("the identity provider grants no safenet site to this person")
        scope = frozenset() if ALL_SITES in sites else frozenset(sites)
        subject = str(claims[s.subject_claim])
        name = str(claims.get(s.name_claim) or subject)
        try:
            return Principal(subject, name, frozenset(roles), scope, kind=PrincipalKind.PERSON)
        except ValueError as exc:
            raise AuthError(f"token payload is not valid: {exc}") from exc


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []
