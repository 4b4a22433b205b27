"""Who may call each route of the police API: enforced from the one route table.

Every ``/api/v1`` route's permission and site source is declared once, in
:data:`safenet.auth.permissions.POLICE_ROUTES`; :func:`safenet.auth.declared.declared`
turns that table into one dependency, which the composition root hangs on every API
router and which the handlers take when they need the caller. Listings (alerts, the
alert stream, tracks) show only the sites in the caller's scope; an alert found by id
outside it answers 404. Tokens never come from the URL: the alert stream is
authenticated by the console's session cookie or an ``Authorization`` header.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields

from safenet.auth import Principal
from safenet.auth.declared import declared
from safenet.auth.permissions import POLICE_ROUTES

Guard = Callable[..., Awaitable[Principal]]
"""A FastAPI dependency that returns the caller, or raises 401/403."""

_DECLARED = declared(POLICE_ROUTES)


@dataclass(frozen=True)
class PoliceAccess:
    """The guard of every ``/api/v1`` route of the police (docs/police.md, "HTTP API").

    Each field defaults to the same table-driven dependency, so FastAPI runs it once per
    request whichever field a handler names.
    """

    every_route: Guard = _DECLARED
    """Hung on every API router: the route's declared permission."""
    register: Guard = _DECLARED
    """Registering a wanted entry."""
    approve: Guard = _DECLARED
    """Approving one (the registry also refuses the registrar's own entry)."""
    amend: Guard = _DECLARED
    """Renewing, cancelling or resolving an entry."""
    read: Guard = _DECLARED
    """The registry, tracks, centers and hotlist."""
    alerts: Guard = _DECLARED
    """Recent alerts."""
    stream: Guard = _DECLARED
    """The live alert stream."""
    respond: Guard = _DECLARED
    """Acknowledging an alert and marking dispatch."""
    evidence_request: Guard = _DECLARED
    """Asking a center for scene photos, the escape route or video evidence."""
    evidence_read: Guard = _DECLARED
    """Requests sent and what the centers answered; opening a provided file is logged."""

    @classmethod
    def of(cls, guard: Guard) -> PoliceAccess:
        """Every field the same ``guard`` (e.g. ``declared(a_changed_table)``)."""
        return cls(*(guard for _ in fields(cls)))
