"""The one dependency that lets a request through: ``Depends(require("hits.read", …))``.

It resolves the caller, in this order, from

1. ``X-Camera-Key`` — a camera's own key (a :data:`~PrincipalKind.CAMERA` principal);
2. ``Authorization: Bearer`` — this site's access JWT (its session must still be live),
   else, when configured, the identity provider's token (OIDC);
3. the console's session cookie — and then, for a state-changing method, the CSRF
   token echoed in ``X-CSRF-Token`` must match the CSRF cookie and the session;

then checks the declared :class:`~safenet.auth.permissions.Permission`: the kind of
principal, a role that holds it (``admin`` gets nothing implicitly), and for a
site-scoped permission the site (see :class:`~safenet.auth.permissions.SiteFrom`), and
spends one request of the caller's rate allowance. Tokens never come from the URL.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import jwt
from fastapi import Request

from safenet.auth.context import AuthContext, context_of
from safenet.auth.devices import camera_principal
from safenet.auth.errors import AuthError
from safenet.auth.permissions import PERMISSIONS, Permission, Route, SiteFrom
from safenet.auth.sessions import csrf_for
from safenet.auth.types import Principal
from safenet.service.errors import Forbidden, NotFound, ServiceError, Unauthorized

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CAMERA_KEY_HEADER = "x-camera-key"

Dependency = Callable[[Request], Awaitable[Principal]]


def _unauthorized(exc: AuthError) -> ServiceError:
    if exc.status == 403:
        return Forbidden(exc.reason, key=exc.code)
    if exc.status == 503:
        from safenet.service.errors import Unavailable

        return Unavailable(exc.reason)
    return Unauthorized(exc.reason, key=exc.code)


def authenticate(request: Request, ctx: AuthContext) -> Principal:
    """Who the request comes from (see the module docstring); 401 when nobody."""
    try:
        camera_key = request.headers.get(CAMERA_KEY_HEADER)
        if camera_key is not None:
            if ctx.cameras is None:
                raise AuthError("camera keys are not accepted here")
            return camera_principal(ctx.cameras.verify_camera_key(camera_key), ctx.site)
        header = request.headers.get("authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthError("the Authorization header must be 'Bearer <token>'")
            return _bearer(token.strip(), ctx)
        cookie = request.cookies.get(ctx.settings.cookie_name)
        if cookie:
            principal = ctx.sessions.principal(token=cookie)
            if request.method.upper() not in SAFE_METHODS:
                _check_csrf(request, ctx, principal)
            return principal
    except AuthError as exc:
        raise _unauthorized(exc) from exc
    raise Unauthorized("sign in, or send an Authorization: Bearer token")


def _bearer(token: str, ctx: AuthContext) -> Principal:
    known = ctx.signer.remembered(token)  # a token this site verified, not yet expired
    if known is not None:
        if known.session is not None:
            return ctx.sessions.principal(session_id=known.session)
        return known
    try:
        alg = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError as exc:
        raise AuthError(f"malformed token: {exc}") from exc
    if alg == "HS256" or ctx.oidc is None:
        principal = ctx.signer.verify_access(token)
        if principal.session is not None:
            # The session decides, not the token: revoked or idle means refused now,
            # and roles and name are the account's current ones.
            return ctx.sessions.principal(session_id=principal.session)
        return principal
    return ctx.oidc.verify(token)


def _check_csrf(request: Request, ctx: AuthContext, principal: Principal) -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    cookie = request.cookies.get(ctx.settings.csrf_cookie_name, "")
    expected = csrf_for(ctx.csrf_secret, principal.session or "")
    if not (sent and hmac.compare_digest(sent, cookie) and hmac.compare_digest(sent, expected)):
        raise AuthError(
            "the CSRF token is missing or wrong: reload the page", status=403, code="auth.csrf"
        )


def site_allowed(ctx: AuthContext, principal: Principal, site: str) -> bool:
    """Whether ``principal`` is scoped to ``site`` at this service.

    At a center the site must be named explicitly (nobody is "every center" there); at
    the police an empty scope means police-wide staff.
    """
    if site in principal.sites:
        return True
    return ctx.side == "police" and not principal.sites


def check(principal: Principal, permission: Permission, ctx: AuthContext, site: str | None) -> None:
    """Refuse (403) a principal whose kind, roles or site do not fit ``permission``."""
    if principal.kind not in permission.kinds:
        kinds = ", ".join(sorted(permission.kinds))
        raise Forbidden(
            f"{permission.name} is for {kinds} credentials, not {principal.kind}",
            key="auth.kind",
            params={"kinds": sorted(permission.kinds)},
        )
    if not principal.roles & permission.roles:
        needed = " or ".join(sorted(permission.roles))
        raise Forbidden(
            f"{permission.name} needs the role {needed}",
            key="auth.role_needed",
            params={"roles": sorted(permission.roles)},
        )
    if permission.site_scoped and site is not None and not site_allowed(ctx, principal, site):
        raise Forbidden(
            f"{permission.name}: site {site} is outside your scope",
            key="auth.site_scope",
            params={"site": site},
        )


def ensure_site(request: Request, principal: Principal, site: str) -> None:
    """For an object found by id: one owned by a site outside the scope does not exist."""
    if not site_allowed(context_of(request), principal, site):
        raise NotFound("no such item in your scope")


def visible_sites(request: Request, principal: Principal) -> frozenset[str] | None:
    """The sites a listing may show the caller; None means every site."""
    ctx = context_of(request)
    if ctx.side == "police" and not principal.sites:
        return None
    return principal.sites


async def _site_of(
    request: Request, ctx: AuthContext, site_from: SiteFrom, field: str
) -> str | None:
    if site_from is SiteFrom.APP:
        return ctx.site
    if site_from is SiteFrom.PATH:
        return str(request.path_params.get(field, ""))
    if site_from is SiteFrom.QUERY:
        value = request.query_params.get(field)
        if value is None:
            raise _missing(field, "query")
        return value
    if site_from is SiteFrom.BODY:
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        value = body.get(field) if isinstance(body, dict) else None
        if not isinstance(value, str):
            raise _missing(field, "body")
        return value
    return None  # FILTER / OBJECT: the handler checks against the objects it finds


def _missing(field: str, where: str) -> ServiceError:
    from safenet.service.errors import ValidationFailed

    return ValidationFailed(
        f"{field}: the site is required in the {where}", field=field, key="auth.site_required"
    )


def require(
    permission: str, *, site_from: SiteFrom = SiteFrom.NONE, site_field: str = ""
) -> Dependency:
    """A dependency admitting only callers who hold ``permission`` (for the request's site)."""
    perm = PERMISSIONS[permission]  # KeyError at import time for a misspelt name
    if perm.site_scoped and site_from is SiteFrom.NONE:
        raise ValueError(f"{permission} is site-scoped: say where the site comes from")

    async def dependency(request: Request) -> Principal:
        ctx = context_of(request)
        principal = authenticate(request, ctx)
        # The rate is spent before the permission check: refusals cost as much as answers,
        # so probing the matrix is as slow as using it.
        if ctx.limiter is not None:
            ctx.limiter.take(f"{principal.kind}:{principal.subject}")
        check(principal, perm, ctx, None)  # kind and roles first: no body parsed for them
        site = await _site_of(request, ctx, site_from, site_field)
        check(principal, perm, ctx, site)
        request.state.principal = principal
        return principal

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency


def require_route(table: Mapping[tuple[str, str], Route], method: str, path: str) -> Dependency:
    """The dependency of a declared route (``Depends(require_route(CENTER_ROUTES, …))``)."""
    from safenet.auth.permissions import route

    rule = route(table, method, path)
    return require(rule.permission, site_from=rule.site_from, site_field=rule.site_field)
