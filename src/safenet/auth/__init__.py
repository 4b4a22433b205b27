"""Who may do what, where: people, devices and links, their roles, site scope and tokens.

Every request to a safenet service is made by a :class:`Principal` — a person signed in
with a password and a second factor, a camera with its own key, a peer site's link, or
a service — with roles and the sites it is scoped to. Roles follow the people in the
real system:

- police side: ``registrar`` registers wanted entries, ``approver`` approves them (a
  different person), ``dispatcher`` (112 situation room) and ``field_officer`` receive
  alerts, acknowledge and dispatch;
- center side: ``operator`` confirms or rejects candidates, ``supervisor`` approves
  evidence provisions;
- ``auditor`` reads audit trails and ledgers; ``admin`` manages accounts;
- ``camera`` is a device that may post its own reads; ``link`` a peer site's link.

Modules, one concept each: :mod:`~safenet.auth.accounts` (people at a site),
:mod:`~safenet.auth.signin` (password → TOTP → session), :mod:`~safenet.auth.sessions`
(revocable, idle and absolute limits), :mod:`~safenet.auth.tokens` (JWTs),
:mod:`~safenet.auth.oidc` (an identity provider's tokens), :mod:`~safenet.auth.devices`
(camera keys), :mod:`~safenet.auth.mosquitto` (broker password file and ACL),
:mod:`~safenet.auth.permissions` (the table of who may do what, per route),
:mod:`~safenet.auth.guard` (``require(permission)``), :mod:`~safenet.auth.routes`
(the console's sign-in router), :mod:`~safenet.auth.declared` (each API route checked
against its one declaration), :mod:`~safenet.auth.settings`. :func:`sign_principal`
signs a session-less principal for a site (the CLI's ``token`` commands, the demo, tests).
"""

from safenet.auth.errors import AuthError, Denied, LockedOut
from safenet.auth.tokens import TokenSigner, sign_principal
from safenet.auth.types import Principal, PrincipalKind, Role

__all__ = [
    "AuthError",
    "Denied",
    "LockedOut",
    "Principal",
    "PrincipalKind",
    "Role",
    "TokenSigner",
    "sign_principal",
]
