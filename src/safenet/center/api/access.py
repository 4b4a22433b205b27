"""Who may call each route of a center: enforced from the one route table.

Every ``/api/v1`` route's permission and site source is declared once, in
:data:`safenet.auth.permissions.CENTER_ROUTES`; :func:`safenet.auth.declared.declared`
turns that table into one dependency, which the composition root hangs on every API
router and which the handlers take when they need the caller. Every center route is
site-scoped to the center itself (``SiteFrom.APP``): a principal not scoped to this
center is refused whatever its roles. An installation (or a test that shows a
loosened declaration is caught) builds the app with another :class:`CenterAccess`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields

from safenet.auth import Principal
from safenet.auth.declared import declared
from safenet.auth.permissions import CENTER_ROUTES

Guard = Callable[..., Awaitable[Principal]]
"""A FastAPI dependency that returns the caller, or raises 401/403."""

_DECLARED = declared(CENTER_ROUTES)


@dataclass(frozen=True)
class CenterAccess:
    """The guard of every ``/api/v1`` route of a center (docs/center.md, "HTTP API").

    Each field defaults to the same table-driven dependency, so FastAPI runs it once per
    request whichever field a handler names.
    """

    every_route: Guard = _DECLARED
    """Hung on every API router: the route's declared permission, for this center."""
    post_reads: Guard = _DECLARED
    """``POST /reads``: a camera, as itself."""
    view_hits: Guard = _DECLARED
    """The candidate queue and the hits."""
    decide: Guard = _DECLARED
    """Confirming or rejecting a candidate."""
    snapshot: Guard = _DECLARED
    """A hit's snapshot image."""
    evidence_queue: Guard = _DECLARED
    """Officers' evidence requests waiting for a decision."""
    evidence_decide: Guard = _DECLARED
    """Approving (all or part) or denying an evidence request."""
    register: Guard = _DECLARED
    """The provision register (개인영상정보 제공 관리대장) and its export."""
    status: Guard = _DECLARED
    """The status page and the camera list."""

    @classmethod
    def of(cls, guard: Guard) -> CenterAccess:
        """Every field the same ``guard`` (e.g. ``declared(a_changed_table)``)."""
        return cls(*(guard for _ in fields(cls)))
