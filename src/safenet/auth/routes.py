"""The console's sign-in routes, as a router each service mounts: ``signin_router()``.

::

    POST /auth/login    user id + password   → the TOTP step is due (QR while enrolling)
    POST /auth/totp     TOTP or recovery code → session cookie + CSRF cookie + tokens
    POST /auth/refresh  refresh token          → new access + refresh token (rotation)
    POST /auth/logout   ends the session at once, clears the cookies
    GET  /auth/me       who is signed in

The session cookie is HttpOnly and SameSite=Strict (Secure unless configured off for a
plain-HTTP demo); the CSRF cookie is readable by the console's script, which echoes it
in ``X-CSRF-Token`` on every state-changing request (double submit, bound to the
session). Attempts are rate-limited per client address and user id.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from safenet.auth.context import AuthContext, context_of
from safenet.auth.errors import AuthError
from safenet.auth.guard import authenticate
from safenet.auth.sessions import csrf_for
from safenet.auth.types import Principal
from safenet.service.errors import ServiceError, Unauthorized
from safenet.service.limits import RateLimiter

PENDING_COOKIE = "safenet_signin"

_RESPONSES: dict[int | str, dict[str, str]] = {
    401: {"description": "Wrong credentials, expired step, or locked account (reason given)"},
    422: {"description": "A field is missing or malformed"},
    429: {"description": "Too many attempts from this client (the limit is named)"},
}


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(..., min_length=1, max_length=64, description="The account's user id.")
    password: str = Field(..., min_length=1, max_length=200, description="The password.")


class Enrolment(BaseModel):
    uri: str = Field(..., description="otpauth:// URI for the authenticator app.")
    qr: str = Field(..., description="The same as a QR code, an SVG data: URI.")


class LoginStep(BaseModel):
    step: str = Field("totp", description="What is due next.")
    pending_token: str = Field(..., description="Carries the sign-in to the TOTP step.")
    expires_at: str = Field(..., description="When the TOTP step must be done by.")
    enrolment: Enrolment | None = Field(None, description="Shown until TOTP is set up.")


class TotpBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(..., min_length=6, max_length=20, description="TOTP or recovery code.")
    pending_token: str | None = Field(
        None, max_length=100, description="From /auth/login (else the sign-in cookie)."
    )


class SignedInView(BaseModel):
    user_id: str
    display_name: str = Field(..., description="Rank or title and name, as records show.")
    roles: list[str]
    sites: list[str]
    csrf_token: str = Field(..., description="Echo in X-CSRF-Token on state-changing calls.")
    access_token: str = Field(..., description="A short-lived bearer token (API clients).")
    refresh_token: str = Field(..., description="One-use token for the next access token.")
    expires_in: int = Field(..., description="Seconds the access token lives.")
    used_recovery_code: bool = False


class RefreshBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(..., min_length=10, max_length=2000)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int


class Me(BaseModel):
    subject: str
    display_name: str
    roles: list[str]
    sites: list[str]
    kind: str


def _auth_error(exc: AuthError) -> ServiceError:
    return Unauthorized(exc.reason, key=exc.code)


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def _set_cookie(
    response: Response, ctx: AuthContext, name: str, value: str, max_age: int, *, http_only: bool
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=http_only,
        secure=ctx.settings.cookie_secure,
        samesite="strict",
        path="/",
    )


def _me(principal: Principal) -> Me:
    return Me(
        subject=principal.subject,
        display_name=principal.name,
        roles=sorted(principal.roles),
        sites=sorted(principal.sites),
        kind=principal.kind.value,
    )


def signin_router(*, prefix: str = "/auth", attempts_per_minute: int = 10) -> APIRouter:
    """The sign-in routes; they read the app's :class:`AuthContext`."""
    router = APIRouter(prefix=prefix, tags=["sign-in"])
    attempts = RateLimiter(attempts_per_minute, attempts_per_minute)

    @router.post(
        "/login",
        response_model=LoginStep,
        responses=_RESPONSES,
        summary="Sign in, step 1: user id and password",
    )
    async def login(body: LoginBody, request: Request, response: Response) -> LoginStep:
        ctx = context_of(request)
        attempts.take(f"{_client(request)}:{body.user_id}")
        try:
            pending = await asyncio.to_thread(
                ctx.signin.password, body.user_id, body.password, client=_client(request)
            )
        except AuthError as exc:
            raise _auth_error(exc) from exc
        _set_cookie(
            response,
            ctx,
            PENDING_COOKIE,
            pending.token,
            ctx.settings.login_step_minutes * 60,
            http_only=True,
        )
        enrolment = (
            Enrolment(uri=pending.enrolment.uri, qr=pending.enrolment.qr_data_uri())
            if pending.enrolment is not None
            else None
        )
        return LoginStep(
            pending_token=pending.token,
            expires_at=pending.expires_at.isoformat(),
            enrolment=enrolment,
        )

    @router.post(
        "/totp",
        response_model=SignedInView,
        responses=_RESPONSES,
        summary="Sign in, step 2: the authenticator's code (or a recovery code)",
    )
    async def second_step(body: TotpBody, request: Request, response: Response) -> SignedInView:
        ctx = context_of(request)
        token = body.pending_token or request.cookies.get(PENDING_COOKIE)
        if not token:
            raise Unauthorized("enter your user id and password first", key="auth.password_first")
        attempts.take(f"{_client(request)}:totp")
        try:
            signed = await asyncio.to_thread(
                ctx.signin.second_factor, token, body.code, client=_client(request)
            )
        except AuthError as exc:
            raise _auth_error(exc) from exc
        session = signed.session
        principal = signed.account.principal(session=session.session_id)
        csrf = csrf_for(ctx.csrf_secret, session.session_id)
        lifetime = int(ctx.settings.session_absolute_hours * 3600)
        _set_cookie(
            response, ctx, ctx.settings.cookie_name, session.token, lifetime, http_only=True
        )
        _set_cookie(response, ctx, ctx.settings.csrf_cookie_name, csrf, lifetime, http_only=False)
        response.delete_cookie(PENDING_COOKIE, path="/")
        jti = await asyncio.to_thread(ctx.sessions.first_refresh, session.session_id)
        return SignedInView(
            user_id=signed.account.user_id,
            display_name=signed.account.display_name,
            roles=sorted(principal.roles),
            sites=sorted(principal.sites),
            csrf_token=csrf,
            access_token=ctx.signer.access(principal),
            refresh_token=ctx.signer.refresh(principal.subject, session.session_id, jti),
            expires_in=ctx.signer.access_ttl_s,
            used_recovery_code=signed.used_recovery_code,
        )

    @router.post(
        "/refresh",
        response_model=TokenPair,
        responses=_RESPONSES,
        summary="A new access token for a live session (the refresh token rotates)",
    )
    async def refresh(body: RefreshBody, request: Request) -> TokenPair:
        ctx = context_of(request)
        try:
            claims = ctx.signer.verify_refresh(body.refresh_token)
            jti = await asyncio.to_thread(ctx.sessions.rotate_refresh, claims)
            principal = await asyncio.to_thread(ctx.sessions.principal, session_id=claims.session)
        except AuthError as exc:
            raise _auth_error(exc) from exc
        return TokenPair(
            access_token=ctx.signer.access(principal),
            refresh_token=ctx.signer.refresh(claims.subject, claims.session, jti),
            expires_in=ctx.signer.access_ttl_s,
        )

    @router.post(
        "/logout",
        status_code=204,
        responses=_RESPONSES,
        summary="Sign out: the session ends at once",
    )
    async def logout(request: Request) -> Response:
        ctx = context_of(request)
        principal = await asyncio.to_thread(authenticate, request, ctx)
        if principal.session is not None:
            await asyncio.to_thread(ctx.sessions.revoke, principal.session, actor=principal.subject)
        out = Response(status_code=204)
        out.delete_cookie(ctx.settings.cookie_name, path="/")
        out.delete_cookie(ctx.settings.csrf_cookie_name, path="/")
        return out

    @router.get("/me", response_model=Me, responses=_RESPONSES, summary="Who is signed in")
    async def me(request: Request) -> Me:
        ctx = context_of(request)
        return _me(await asyncio.to_thread(authenticate, request, ctx))

    return router
