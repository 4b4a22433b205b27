"""Why a caller was refused, each with the HTTP status it becomes.

::

    AuthError (401 unless told)   the caller is not who it claims, or not signed in
    ├── LockedOut (423→401)       too many failed sign-ins: try again after a while
    └── Denied (403)              signed in, but this action is not theirs to take

Messages name the reason in words a person can act on; they never say whether an
account exists (a wrong user id and a wrong password read the same). ``code`` is the
stable message code the consoles word the refusal with (:mod:`safenet.service.codes`).
"""

from __future__ import annotations


class AuthError(Exception):
    """A request could not be authenticated or is not allowed; ``status`` is its HTTP status."""

    def __init__(self, reason: str, status: int = 401, *, code: str = "auth.credential") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.code = code


class LockedOut(AuthError):
    """The account is locked after repeated failures until ``until`` (ISO time)."""

    def __init__(self, until: str) -> None:
        super().__init__(
            f"too many failed sign-ins: locked until {until}", status=401, code="auth.locked"
        )
        self.until = until


class Denied(AuthError):
    """An authenticated caller without the role, kind or site an action needs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, status=403, code="auth.no_grant")
