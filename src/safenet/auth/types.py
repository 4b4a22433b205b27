"""Identities and roles."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real time in UTC (services pass their own clock: the demo runs on the simulator's)."""
    return datetime.now(UTC)


_SUBJECT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$")


class PrincipalKind(StrEnum):
    """What sort of caller a principal is; people, devices and systems are never swapped."""

    PERSON = "person"
    CAMERA = "camera"
    LINK = "link"
    SERVICE = "service"


class Role(StrEnum):
    """What a person may do; see the package docstring for who holds which."""

    REGISTRAR = "registrar"
    APPROVER = "approver"
    DISPATCHER = "dispatcher"
    FIELD_OFFICER = "field_officer"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"
    CAMERA = "camera"
    LINK = "link"


@dataclass(frozen=True)
class Principal:
    """A person or system acting on safenet, with roles and the sites it may see.

    ``sites`` empty means no site restriction (police-wide staff); otherwise alerts
    and requests are limited to those sites. ``name`` is what records show for the
    action: for a person their rank or title and real name ("경위 김민수"). ``session``
    is the server-side session the credential belongs to (revocable), when it has one.
    """

    subject: str
    name: str
    roles: frozenset[Role]
    sites: frozenset[str] = field(default_factory=frozenset)
    kind: PrincipalKind = PrincipalKind.PERSON
    session: str | None = None

    def __post_init__(self) -> None:
        if not _SUBJECT.match(self.subject):
            raise ValueError(
                f"subject {self.subject!r} must be 1-64 letters, digits or ._:@- characters"
            )
        if not self.name.strip():
            raise ValueError("name must not be empty")
        if not self.roles:
            raise ValueError(f"principal {self.subject} has no role")

    def has(self, role: Role) -> bool:
        return role in self.roles or Role.ADMIN in self.roles

    def may_see_site(self, site: str) -> bool:
        return not self.sites or site in self.sites
