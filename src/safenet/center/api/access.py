"""Who may call each route of a center: one dependency per rule, in one place.

A router takes a :class:`CenterAccess` and guards each route with one of its fields
(``Depends(access.decide)``). The defaults check the bearer token's roles; an
installation (or the sign-in work to come) swaps in its own rules by building the app
with another :class:`CenterAccess`. A new rule on a route is a new field here, used
by that route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from safenet.auth import Principal, Role
from safenet.service import principal_dependency, require_role

Guard = Callable[..., Awaitable[Principal]]
"""A FastAPI dependency that returns the caller, or raises 401/403."""


# The default rules, built once (a dataclass default must not be a call).
_CAMERA = require_role(Role.CAMERA)
_OPERATOR_OR_SUPERVISOR = require_role(Role.OPERATOR, Role.SUPERVISOR)
_OPERATOR = require_role(Role.OPERATOR)
_REGISTER = require_role(Role.OPERATOR, Role.SUPERVISOR, Role.AUDITOR)


@dataclass(frozen=True)
class CenterAccess:
    """The guard of every ``/api/v1`` route of a center (docs/center.md, "HTTP API")."""

    post_reads: Guard = _CAMERA
    """``POST /reads``: cameras and their gateways."""
    view_hits: Guard = _OPERATOR_OR_SUPERVISOR
    """The candidate queue and the hits."""
    decide: Guard = _OPERATOR
    """Confirming or rejecting a candidate."""
    snapshot: Guard = _OPERATOR
    """A hit's snapshot image."""
    evidence_queue: Guard = _OPERATOR_OR_SUPERVISOR
    """Officers' evidence requests waiting for a decision."""
    evidence_decide: Guard = _OPERATOR
    """Approving (all or part) or denying an evidence request."""
    register: Guard = _REGISTER
    """The provision register (개인영상정보 제공 관리대장) and its export."""
    status: Guard = principal_dependency
    """The status page and the camera list: anyone signed in to this center."""
