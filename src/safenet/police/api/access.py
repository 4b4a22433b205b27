"""Who may call each route of the police API: one dependency per rule, in one place.

A router takes a :class:`PoliceAccess` and guards each route with one of its fields
(``Depends(access.approve)``). The defaults check the bearer token's roles; the
sign-in work to come (accounts, sessions) swaps in its own rules by building the app
with another :class:`PoliceAccess`. A new rule on a route is a new field here, used by
that route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Query, Request

from safenet.auth import AuthError, Principal, Role, verify_token
from safenet.service import Forbidden, Unauthorized, require_role

Guard = Callable[..., Awaitable[Principal]]
"""A FastAPI dependency that returns the caller, or raises 401/403."""

POLICE_ROLES = (Role.REGISTRAR, Role.APPROVER, Role.DISPATCHER, Role.FIELD_OFFICER, Role.AUDITOR)
"""Everyone on the police side who may read the registry, tracks and centers."""

ALERT_ROLES = (Role.DISPATCHER, Role.FIELD_OFFICER, Role.REGISTRAR, Role.APPROVER, Role.AUDITOR)
"""Who may read alerts."""

RESPONDERS = (Role.DISPATCHER, Role.FIELD_OFFICER)
"""Who acknowledges alerts and marks dispatch."""


async def stream_principal(
    request: Request,
    access_token: str | None = Query(
        None,
        description="The bearer token, for EventSource clients that cannot set headers.",
    ),
) -> Principal:
    """The caller of the alert stream, from the header or ``?access_token=``."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else access_token
    if not token:
        raise Unauthorized("an Authorization: Bearer token (or ?access_token=) is required")
    try:
        principal = verify_token(token, request.app.state.token_secret)
    except AuthError as exc:
        raise Unauthorized(exc.reason) from exc
    if not any(principal.has(r) for r in ALERT_ROLES):
        raise Forbidden("the alert stream needs a police role (dispatcher, field_officer …)")
    return principal


# The default rules, built once (a dataclass default must not be a call).
_REGISTRAR = require_role(Role.REGISTRAR)
_APPROVER = require_role(Role.APPROVER)
_REGISTRAR_OR_APPROVER = require_role(Role.REGISTRAR, Role.APPROVER)
_POLICE = require_role(*POLICE_ROLES)
_ALERT_READERS = require_role(*ALERT_ROLES)
_RESPONDERS = require_role(*RESPONDERS)


@dataclass(frozen=True)
class PoliceAccess:
    """The guard of every ``/api/v1`` route of the police (docs/police.md, "HTTP API")."""

    register: Guard = _REGISTRAR
    """Registering a wanted entry."""
    approve: Guard = _APPROVER
    """Approving one (the registry also refuses the registrar's own entry)."""
    amend: Guard = _REGISTRAR_OR_APPROVER
    """Renewing, cancelling or resolving an entry."""
    read: Guard = _POLICE
    """The registry, tracks, centers and hotlist."""
    alerts: Guard = _ALERT_READERS
    """Recent alerts."""
    stream: Guard = stream_principal
    """The live alert stream (the token may come in the query)."""
    respond: Guard = _RESPONDERS
    """Acknowledging an alert and marking dispatch."""
    evidence_request: Guard = _RESPONDERS
    """Asking a center for scene photos, the escape route or video evidence."""
    evidence_read: Guard = _ALERT_READERS
    """Requests sent and what the centers answered; opening a provided file is logged."""
