"""Who may do what, where: identities, roles, site scope and signed access tokens.

Every HTTP request to a safenet service carries a bearer token naming a
:class:`Principal` (a person or a system), its roles and its scope (the sites it may
see). Tokens are HMAC-SHA256 signed with the service's secret (from the environment,
never the repository) and expire. Roles follow the people in the real system:

- police side: ``registrar`` registers wanted entries, ``approver`` approves them (a
  different person), ``dispatcher`` (112 situation room) and ``field_officer`` receive
  alerts, acknowledge and dispatch, and request evidence;
- center side: ``operator`` confirms or rejects candidates, ``supervisor`` approves
  evidence provisions;
- ``auditor`` reads audit trails and ledgers; ``admin`` manages the installation;
- ``camera`` is a device (or the platform relaying for it) that may post reads.
"""

from safenet.auth.tokens import AuthError, issue_token, verify_token
from safenet.auth.types import Principal, Role

__all__ = ["AuthError", "Principal", "Role", "issue_token", "verify_token"]
