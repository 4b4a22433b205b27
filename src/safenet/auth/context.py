"""Everything a service's routes need to know who is calling: one object per app.

The composition root builds an :class:`AuthContext` from the site's database, its
:class:`~safenet.auth.settings.AuthSettings` and its token secret, and hangs it on the
app with :func:`install`; :func:`safenet.auth.guard.require` and the sign-in router
read it from ``request.app.state.auth``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import FastAPI, Request

from safenet.auth.accounts import Accounts
from safenet.auth.devices import CameraKeys
from safenet.auth.errors import AuthError
from safenet.auth.oidc import OidcVerifier
from safenet.auth.sessions import Sessions
from safenet.auth.settings import AuthSettings
from safenet.auth.signin import SignIn
from safenet.auth.tokens import TokenSigner, site_signer
from safenet.auth.types import Clock, Principal, utc_now
from safenet.service.limits import RateLimiter
from safenet.store import Database

Side = Literal["center", "police"]


@dataclass(frozen=True)
class AuthContext:
    """One site's authentication: its accounts, sessions, tokens, keys and limits."""

    site: str
    side: Side
    settings: AuthSettings
    signer: TokenSigner
    accounts: Accounts
    signin: SignIn
    sessions: Sessions
    cameras: CameraKeys | None
    oidc: OidcVerifier | None
    limiter: RateLimiter | None
    csrf_secret: bytes

    @classmethod
    def build(
        cls,
        db: Database,
        *,
        site: str,
        side: Side,
        settings: AuthSettings,
        token_secret: bytes,
        clock: Clock = utc_now,
    ) -> AuthContext:
        """The context of one site, with secrets from settings or the service's secret."""
        signer = site_signer(settings, site, token_secret)
        secret = signer.secret
        pepper = (
            settings.camera_key_pepper.get_secret_value().encode()
            if settings.camera_key_pepper is not None
            else secret
        )
        return cls(
            site=site,
            side=side,
            settings=settings,
            signer=signer,
            accounts=Accounts(db, site, settings, clock),
            signin=SignIn(db, site, settings, clock),
            sessions=Sessions(db, settings, clock),
            cameras=CameraKeys(db, pepper, clock, cache_s=settings.camera_key_cache_s)
            if side == "center"
            else None,
            oidc=OidcVerifier(settings.oidc) if settings.oidc.enabled else None,
            limiter=RateLimiter(settings.rate_per_minute, settings.rate_burst),
            # Distinct from the signing key so a CSRF token can never verify as a JWT.
            csrf_secret=b"csrf\0" + secret,
        )

    def still_signed_in(self, principal: Principal) -> bool:
        """Whether a principal's session is still live (an open SSE stream asks this)."""
        if principal.session is None:
            return True
        try:
            self.sessions.principal(session_id=principal.session)
        except AuthError:
            return False
        return True


def install(app: FastAPI, context: AuthContext) -> None:
    """Make ``context`` the app's authentication."""
    app.state.auth = context


def context_of(request: Request) -> AuthContext:
    context = getattr(request.app.state, "auth", None)
    if not isinstance(context, AuthContext):
        raise RuntimeError("this app has no AuthContext: call safenet.auth.context.install")
    return context
