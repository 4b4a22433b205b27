"""Signed, short-lived bearer tokens: JSON Web Tokens (HS256) through PyJWT.

Two kinds, told apart by the ``typ`` claim so neither can stand in for the other:

- **access** tokens name a :class:`Principal` (``sub``, ``name``, ``roles``, ``sites``,
  ``kind``) and, for a person, the session they belong to (``sid``). They live at most
  :data:`~safenet.auth.settings.MAX_ACCESS_TTL_S` when bound to a session; a session-less
  service token at most ``max_service_token_hours``.
- **refresh** tokens carry only the session and a one-time ``jti``: each use rotates it,
  and the session refuses (and ends) when an old one is presented again.

Verification checks the signature, ``exp``/``nbf``, ``iss``, ``aud``, ``typ`` and that the
lifetime the token claims is within the cap (a token minted elsewhere with the secret but
a long life is refused). Whether the session is still live is the resolver's check
(:mod:`safenet.auth.resolve`), since only it holds the site's database.

A camera posting each read on its own presents the same token on every request, and
checking a JWT costs more than the rest of the request (PyJWT decodes every segment in
Python). So a signer remembers the access tokens it verified itself (without a caller's
``now``), by their exact text, until each one's ``exp``: the same text presented again
is the same signed claims, checked against the same clock, so nothing is skipped that
could differ. A token whose text differs in any character is verified afresh.
Session-bound tokens are still checked against their session on every request (the
resolver), so revoking a session ends them at once.

:func:`site_signer` builds a site's signer from its settings (the services, the CLI's
``token`` commands); :func:`sign_principal` signs one session-less principal for a site
— what ``safenet center token`` / ``safenet police token``, the demo and tests use.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt

from safenet.auth.errors import AuthError
from safenet.auth.settings import MAX_ACCESS_TTL_S, AuthSettings
from safenet.auth.types import Principal, PrincipalKind, Role

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32
REMEMBERED_TOKENS = 50_000
"""At most this many verified access tokens are remembered (then the memory starts again)."""

__all__ = [
    "MIN_SECRET_BYTES",
    "AuthError",
    "RefreshClaims",
    "TokenSigner",
    "decode",
    "kind_for",
    "sign_principal",
    "site_signer",
]


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"token secret must be at least {MIN_SECRET_BYTES} bytes")


@dataclass(frozen=True)
class RefreshClaims:
    """What a valid refresh token says: whose session, and which rotation it is."""

    subject: str
    session: str
    jti: str
    expires: int


class TokenSigner:
    """Issues and verifies one site's tokens (its secret, issuer and audience)."""

    def __init__(
        self,
        secret: bytes,
        *,
        issuer: str,
        audience: str,
        access_ttl_s: int = 600,
        refresh_ttl_s: int = 1800,
        max_service_ttl_s: int = 12 * 3600,
    ) -> None:
        _check_secret(secret)
        if not 0 < access_ttl_s <= MAX_ACCESS_TTL_S:
            raise ValueError(f"access_ttl_s must be 1..{MAX_ACCESS_TTL_S} seconds")
        self._secret = secret
        self.issuer = issuer
        self.audience = audience
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self.max_service_ttl_s = max_service_ttl_s
        self._verified: dict[str, tuple[Principal, int]] = {}

    @property
    def secret(self) -> bytes:
        """The signing secret (the site derives its CSRF and camera-key secrets from it)."""
        return self._secret

    # -- issuing ---------------------------------------------------------------------

    def access(
        self, principal: Principal, *, ttl_s: int | None = None, now: float | None = None
    ) -> str:
        """An access token for ``principal``; a session-bound one lives ≤ the access cap."""
        ttl = self.access_ttl_s if ttl_s is None else ttl_s
        cap = self._cap(principal.session is not None)
        if not 0 < ttl <= cap:
            setting = "access_ttl_s" if principal.session else "max_service_token_hours"
            raise ValueError(f"token lifetime {ttl} s is over the cap of {cap} s ({setting})")
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "typ": "access",
            "iss": self.issuer,
            "aud": self.audience,
            "sub": principal.subject,
            "name": principal.name,
            "roles": sorted(principal.roles),
            "sites": sorted(principal.sites),
            "kind": principal.kind.value,
            "iat": issued,
            "nbf": issued,
            "exp": issued + ttl,
            "jti": secrets.token_hex(8),
        }
        if principal.session is not None:
            claims["sid"] = principal.session
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def refresh(self, subject: str, session: str, jti: str, *, now: float | None = None) -> str:
        """A refresh token for rotation ``jti`` of ``session``."""
        issued = int(time.time() if now is None else now)
        claims = {
            "typ": "refresh",
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "sid": session,
            "jti": jti,
            "iat": issued,
            "nbf": issued,
            "exp": issued + self.refresh_ttl_s,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    # -- verifying -------------------------------------------------------------------

    def verify_access(self, token: str, *, now: float | None = None) -> Principal:
        """The principal a valid access token names; :class:`AuthError` says why not."""
        if now is None:
            known = self.remembered(token)
            if known is not None:
                return known
        claims = self._decode(token, "access", now)
        principal = _principal(claims)
        if now is None:
            if len(self._verified) >= REMEMBERED_TOKENS:
                self._verified.clear()
            self._verified[token] = (principal, int(claims["exp"]))
        return principal

    def remembered(self, token: str) -> Principal | None:
        """The principal of an access token this signer verified, while it has not expired."""
        known = self._verified.get(token)
        if known is None:
            return None
        principal, expires = known
        if time.time() >= expires:
            self._verified.pop(token, None)
            return None
        return principal

    def verify_refresh(self, token: str, *, now: float | None = None) -> RefreshClaims:
        """The session and rotation a valid refresh token names."""
        claims = self._decode(token, "refresh", now)
        try:
            return RefreshClaims(
                str(claims["sub"]), str(claims["sid"]), str(claims["jti"]), int(claims["exp"])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AuthError("token payload is not valid") from exc

    def _cap(self, has_session: bool) -> int:
        return self.access_ttl_s if has_session else self.max_service_ttl_s

    def _decode(self, token: str, typ: str, now: float | None) -> dict[str, Any]:
        claims = decode(token, self._secret, issuer=self.issuer, audience=self.audience, now=now)
        if claims.get("typ") != typ:
            raise AuthError(f"not an {typ} token" if typ == "access" else f"not a {typ} token")
        cap = self.refresh_ttl_s if typ == "refresh" else self._cap("sid" in claims)
        if int(claims["exp"]) - int(claims["iat"]) > cap:
            raise AuthError("token lifetime is over this site's cap")
        return claims


def decode(
    token: str, secret: bytes, *, issuer: str, audience: str, now: float | None = None
) -> dict[str, Any]:
    """The verified claims of a token signed with ``secret`` (HS256 only)."""
    # PyJWT reads the clock itself; a test's or simulator's "now" is checked below.
    options: jwt.types.Options = {
        "require": ["exp", "iat", "iss", "aud", "sub"],
        "verify_exp": now is None,
        "verify_nbf": now is None,
    }
    try:
        claims: dict[str, Any] = jwt.decode(
            token.strip(),
            secret,
            algorithms=[ALGORITHM],
            issuer=issuer,
            audience=audience,
            options=options,
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("token has expired") from exc
    except jwt.InvalidSignatureError as exc:
        raise AuthError("token signature is not valid") from exc
    except jwt.InvalidAudienceError as exc:
        raise AuthError("token is for another audience") from exc
    except jwt.InvalidIssuerError as exc:
        raise AuthError("token is from another issuer") from exc
    except jwt.ImmatureSignatureError as exc:
        raise AuthError("token is not valid yet") from exc
    except jwt.PyJWTError as exc:
        raise AuthError(f"malformed token: {exc}") from exc
    if now is not None:
        if now >= int(claims["exp"]):
            raise AuthError("token has expired")
        if now < int(claims.get("nbf", claims["iat"])):
            raise AuthError("token is not valid yet")
    return claims


def _principal(claims: dict[str, Any]) -> Principal:
    try:
        return Principal(
            subject=str(claims["sub"]),
            name=str(claims["name"]),
            roles=frozenset(Role(r) for r in claims["roles"]),
            sites=frozenset(str(s) for s in claims["sites"]),
            kind=PrincipalKind(claims.get("kind", PrincipalKind.PERSON.value)),
            session=str(claims["sid"]) if claims.get("sid") else None,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise AuthError(f"token payload is not valid: {exc}") from exc


def site_signer(settings: AuthSettings, site: str, token_secret: bytes) -> TokenSigner:
    """The signer of one site: its own signing secret if set, else the service's secret."""
    secret = (
        settings.signing_secret.get_secret_value().encode()
        if settings.signing_secret is not None
        else token_secret
    )
    return TokenSigner(
        secret,
        issuer=settings.token_issuer,
        audience=settings.token_audience or site,
        access_ttl_s=settings.access_ttl_s,
        refresh_ttl_s=settings.refresh_ttl_s,
        max_service_ttl_s=int(settings.max_service_token_hours * 3600),
    )


def kind_for(roles: frozenset[Role]) -> PrincipalKind:
    """The kind of principal a set of roles is: a camera, a link, else a person."""
    if Role.CAMERA in roles:
        return PrincipalKind.CAMERA
    if Role.LINK in roles:
        return PrincipalKind.LINK
    return PrincipalKind.PERSON


def sign_principal(
    principal: Principal,
    token_secret: bytes,
    *,
    site: str,
    settings: AuthSettings | None = None,
    ttl_s: int = 3600,
) -> str:
    """A session-less access token for ``principal`` at ``site`` (audience = the site).

    Over the site's ``max_service_token_hours`` it is refused (ValueError), as the site
    would refuse it. Which site a person may act for is ``principal.sites``: at a center
    it must name the center.
    """
    signer = site_signer(settings or AuthSettings(), site, token_secret)
    return signer.access(principal, ttl_s=ttl_s)
