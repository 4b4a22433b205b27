"""Who may do what, declared once: permissions, and which permission each route needs.

A :class:`Permission` names the roles that hold it, the kinds of principal that may
use it (a person, a camera, a peer site's link) and whether it is *site-scoped*: the
caller must be scoped to the site the action is about. ``admin`` is an ordinary role
here: it holds what is listed for it and nothing else (an administrator manages
accounts; they do not post sightings or confirm candidates).

A :class:`Route` ties one HTTP route to a permission and says where the route's site
comes from (:class:`SiteFrom`): the center's own site, a path / query / body field, or
``FILTER`` when the handler lists only what the caller's scope covers. The routers
take their dependency from :data:`CENTER_ROUTES` / :data:`POLICE_ROUTES` via
:func:`route`, and the matrix tests enumerate the same tables, so a route cannot be
loosened in one place without the tests seeing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from safenet.auth.types import PrincipalKind, Role

PERSON = frozenset({PrincipalKind.PERSON})
CAMERA_ONLY = frozenset({PrincipalKind.CAMERA})
LINK_ONLY = frozenset({PrincipalKind.LINK})

_POLICE_STAFF = frozenset(
    {Role.REGISTRAR, Role.APPROVER, Role.DISPATCHER, Role.FIELD_OFFICER, Role.AUDITOR}
)
_ALERT_READERS = _POLICE_STAFF
_RESPONDERS = frozenset({Role.DISPATCHER, Role.FIELD_OFFICER})
_CENTER_VIEWERS = frozenset({Role.OPERATOR, Role.SUPERVISOR})


@dataclass(frozen=True)
class Permission:
    """One thing a principal may do: who holds it, which kinds, and whether it is per site."""

    name: str
    roles: frozenset[Role]
    site_scoped: bool
    kinds: frozenset[PrincipalKind]
    description: str

    def __post_init__(self) -> None:
        if not self.roles or not self.kinds:
            raise ValueError(f"permission {self.name}: needs at least one role and one kind")


def _table(*perms: Permission) -> Mapping[str, Permission]:
    names = [p.name for p in perms]
    if len(set(names)) != len(names):
        raise ValueError("a permission is declared twice")
    return MappingProxyType({p.name: p for p in perms})


PERMISSIONS: Mapping[str, Permission] = _table(
    # -- a center ------------------------------------------------------------------------
    Permission(
        "reads.post",
        frozenset({Role.CAMERA}),
        True,
        CAMERA_ONLY,
        "post plate reads, as the camera the credential is bound to",
    ),
    Permission(
        "candidates.list", _CENTER_VIEWERS, True, PERSON, "see candidates waiting for a decision"
    ),
    Permission(
        "candidates.decide",
        frozenset({Role.OPERATOR}),
        True,
        PERSON,
        "confirm or reject a candidate after looking at the snapshot",
    ),
    Permission("hits.read", _CENTER_VIEWERS, True, PERSON, "see this center's hits"),
    Permission("hits.snapshot", frozenset({Role.OPERATOR}), True, PERSON, "see a hit's snapshot"),
    Permission(
        "center.status",
        _CENTER_VIEWERS | {Role.AUDITOR, Role.ADMIN},
        True,
        PERSON,
        "see the center's hotlist, ingest and link state",
    ),
    Permission(
        "cameras.read",
        _CENTER_VIEWERS | {Role.AUDITOR, Role.ADMIN},
        True,
        PERSON,
        "see the camera registry",
    ),
    Permission(
        "evidence.queue",
        _CENTER_VIEWERS,
        True,
        PERSON,
        "see officers' evidence requests waiting for this center's decision",
    ),
    Permission(
        "evidence.decide",
        frozenset({Role.OPERATOR}),
        True,
        PERSON,
        "approve (all or part) or deny an officer's evidence request",
    ),
    Permission(
        "register.read",
        _CENTER_VIEWERS | {Role.AUDITOR},
        True,
        PERSON,
        "see and export the provision register (개인영상정보 제공 관리대장)",
    ),
    # -- the police ----------------------------------------------------------------------
    Permission(
        "wanted.register",
        frozenset({Role.REGISTRAR}),
        False,
        PERSON,
        "register a wanted entry (a second officer approves it)",
    ),
    Permission(
        "wanted.approve",
        frozenset({Role.APPROVER}),
        False,
        PERSON,
        "approve another officer's wanted entry",
    ),
    Permission(
        "wanted.change",
        frozenset({Role.REGISTRAR, Role.APPROVER}),
        False,
        PERSON,
        "renew, cancel or resolve a wanted entry",
    ),
    Permission("wanted.read", _POLICE_STAFF, False, PERSON, "see wanted entries"),
    Permission(
        "alerts.read", _ALERT_READERS, True, PERSON, "see alerts from the sites in one's scope"
    ),
    Permission(
        "alerts.respond",
        _RESPONDERS,
        True,
        PERSON,
        "acknowledge or dispatch on an alert from a site in one's scope",
    ),
    Permission(
        "tracks.read", _POLICE_STAFF, True, PERSON, "see a wanted vehicle's sightings in scope"
    ),
    Permission("hotlist.read", _POLICE_STAFF, False, PERSON, "see the hotlist as sent"),
    Permission(
        "centers.read", _POLICE_STAFF, False, PERSON, "see each center's hotlist acknowledgement"
    ),
    Permission(
        "evidence.request",
        _RESPONDERS,
        True,
        PERSON,
        "ask a center in one's scope for scene photos, the escape route or video evidence",
    ),
    Permission(
        "evidence.read",
        _ALERT_READERS,
        True,
        PERSON,
        "see evidence requests to centers in one's scope and open what they provided",
    ),
    # -- either side ---------------------------------------------------------------------
    Permission(
        "users.manage", frozenset({Role.ADMIN}), True, PERSON, "manage this site's accounts"
    ),
    Permission("audit.read", frozenset({Role.AUDITOR}), True, PERSON, "read the audit trail"),
    Permission(
        "link.exchange",
        frozenset({Role.LINK}),
        True,
        LINK_ONLY,
        "a peer site's link identity exchanging link messages",
    ),
)


class SiteFrom(StrEnum):
    """Where a site-scoped route finds the site the request is about."""

    APP = "app"  # the center's own site: every route of a center
    PATH = "path"
    QUERY = "query"
    BODY = "body"
    FILTER = "filter"  # a listing: the handler shows only the caller's sites
    OBJECT = "object"  # the site of the object the path names (an alert, a hit)
    NONE = "none"  # not site-scoped


@dataclass(frozen=True)
class Route:
    """One route's declared permission and the source of its site."""

    method: str
    path: str
    permission: str
    site_from: SiteFrom = SiteFrom.NONE
    site_field: str = ""

    def __post_init__(self) -> None:
        perm = PERMISSIONS.get(self.permission)
        if perm is None:
            raise ValueError(f"{self.method} {self.path}: unknown permission {self.permission}")
        if perm.site_scoped == (self.site_from is SiteFrom.NONE):
            raise ValueError(
                f"{self.method} {self.path}: permission {self.permission} is "
                f"{'site-scoped' if perm.site_scoped else 'not site-scoped'}; "
                f"site_from {self.site_from} does not fit"
            )
        if self.site_from in (SiteFrom.PATH, SiteFrom.QUERY, SiteFrom.BODY) and not self.site_field:
            raise ValueError(f"{self.method} {self.path}: site_from {self.site_from} needs a field")


def _routes(*routes: Route) -> Mapping[tuple[str, str], Route]:
    table = {(r.method, r.path): r for r in routes}
    if len(table) != len(routes):
        raise ValueError("a route is declared twice")
    return MappingProxyType(table)


_APP = SiteFrom.APP
CENTER_ROUTES: Mapping[tuple[str, str], Route] = _routes(
    Route("POST", "/api/v1/reads", "reads.post", _APP),
    Route("GET", "/api/v1/candidates", "candidates.list", _APP),
    Route("POST", "/api/v1/candidates/{hit_id}/confirm", "candidates.decide", _APP),
    Route("POST", "/api/v1/candidates/{hit_id}/reject", "candidates.decide", _APP),
    Route("GET", "/api/v1/hits", "hits.read", _APP),
    Route("GET", "/api/v1/hits/{hit_id}", "hits.read", _APP),
    Route("GET", "/api/v1/hits/{hit_id}/snapshot", "hits.snapshot", _APP),
    Route("GET", "/api/v1/status", "center.status", _APP),
    Route("GET", "/api/v1/cameras", "cameras.read", _APP),
    Route("GET", "/api/v1/heads-up", "hits.read", _APP),
    Route("GET", "/api/v1/evidence/requests", "evidence.queue", _APP),
    Route("GET", "/api/v1/evidence/requests/{request_id}", "evidence.queue", _APP),
    Route("POST", "/api/v1/evidence/requests/{request_id}/approve", "evidence.decide", _APP),
    Route("POST", "/api/v1/evidence/requests/{request_id}/deny", "evidence.decide", _APP),
    Route("GET", "/api/v1/evidence/register", "register.read", _APP),
    Route("GET", "/api/v1/evidence/register.csv", "register.read", _APP),
)

POLICE_ROUTES: Mapping[tuple[str, str], Route] = _routes(
    Route("POST", "/api/v1/wanted", "wanted.register"),
    Route("POST", "/api/v1/wanted/{entry_id}/approve", "wanted.approve"),
    Route("POST", "/api/v1/wanted/{entry_id}/renew", "wanted.change"),
    Route("POST", "/api/v1/wanted/{entry_id}/cancel", "wanted.change"),
    Route("POST", "/api/v1/wanted/{entry_id}/resolve", "wanted.change"),
    Route("GET", "/api/v1/wanted", "wanted.read"),
    Route("GET", "/api/v1/wanted/{entry_id}", "wanted.read"),
    Route("GET", "/api/v1/alerts", "alerts.read", SiteFrom.FILTER),
    Route("GET", "/api/v1/alerts/stream", "alerts.read", SiteFrom.FILTER),
    Route("POST", "/api/v1/alerts/{alert_id}/acknowledge", "alerts.respond", SiteFrom.OBJECT),
    Route("POST", "/api/v1/alerts/{alert_id}/dispatch", "alerts.respond", SiteFrom.OBJECT),
    Route("GET", "/api/v1/tracks/{entry_id}", "tracks.read", SiteFrom.FILTER),
    Route("GET", "/api/v1/tracks/{entry_id}/route", "tracks.read", SiteFrom.FILTER),
    Route("POST", "/api/v1/evidence/requests", "evidence.request", SiteFrom.BODY, "site"),
    Route("GET", "/api/v1/evidence/requests", "evidence.read", SiteFrom.FILTER),
    Route("GET", "/api/v1/evidence/requests/{request_id}", "evidence.read", SiteFrom.OBJECT),
    Route(
        "GET",
        "/api/v1/evidence/packages/{package_id}/files/{name}",
        "evidence.read",
        SiteFrom.OBJECT,
    ),
    Route(
        "POST", "/api/v1/evidence/packages/{package_id}/hold", "evidence.request", SiteFrom.OBJECT
    ),
    Route(
        "POST",
        "/api/v1/evidence/packages/{package_id}/release",
        "evidence.request",
        SiteFrom.OBJECT,
    ),
    Route("GET", "/api/v1/evidence/packages/{package_id}/views", "evidence.read", SiteFrom.OBJECT),
    Route("GET", "/api/v1/centers", "centers.read"),
    Route("GET", "/api/v1/hotlist", "hotlist.read"),
    Route("GET", "/api/v1/hotlist/versions", "hotlist.read"),
)


def route(table: Mapping[tuple[str, str], Route], method: str, path: str) -> Route:
    """The declared rule of one route; a route without one is a programming error."""
    try:
        return table[(method.upper(), path)]
    except KeyError:
        raise KeyError(f"{method.upper()} {path} has no declared permission") from None


def undeclared(
    table: Mapping[tuple[str, str], Route], routes: Iterable[tuple[str, str]]
) -> list[str]:
    """The (method, path) pairs of an app that the table does not declare."""
    return sorted(f"{m} {p}" for m, p in routes if (m.upper(), p) not in table)


def holders(permission: str) -> frozenset[Role]:
    """The roles that hold ``permission``."""
    return PERMISSIONS[permission].roles
