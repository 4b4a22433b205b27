"""Identities and roles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

_SUBJECT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$")


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


@dataclass(frozen=True)
class Principal:
    """A person or system acting on safenet, with roles and the sites it may see.

    ``sites`` empty means no site restriction (police-wide staff); otherwise alerts
    and requests are limited to those sites.
    """

    subject: str
    name: str
    roles: frozenset[Role]
    sites: frozenset[str] = field(default_factory=frozenset)

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
