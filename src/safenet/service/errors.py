"""Errors a service reports to its callers, each with its HTTP status.

::

    ServiceError (500)            something the caller cannot fix
    ├── ValidationFailed (422)    a field is wrong: names the field and the reason
    ├── Unauthorized (401)        no valid token
    ├── Forbidden (403)           a valid token without the role or site scope needed
    ├── NotFound (404)            no such entry, hit, camera, request
    ├── Conflict (409)            the action does not fit the current state
    ├── PayloadTooLarge (413)     a body or batch over the configured limit
    ├── TooManyRequests (429)     one identity over its request rate; says the limit
    └── Unavailable (503)         a dependency (database, link) is down; retry later

``code`` (the class attribute) is the kind, the body's ``"error"``. Each error also
carries ``key``, a stable message code from :mod:`safenet.service.codes` (the body's
``"code"``), and ``params``, the values its sentence names, so that a console words
it in the reader's language; ``message`` is the English for API users and the logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class ServiceError(Exception):
    """An error with an HTTP status and a message a person can act on."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    default_key: ClassVar[str] = "request.internal"
    """The message code when the raiser names none (the kind's generic sentence)."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        key: str | None = None,
        params: Mapping[str, Any] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.key = key or self.default_key
        self.params: dict[str, Any] = dict(params or {})
        if field is not None:
            self.params.setdefault("field", field)
        self.details = details

    def as_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "error": self.code,
            "code": self.key,
            "params": self.params,
            "message": self.message,
            "detail": self.message,
        }
        if self.field is not None:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class ValidationFailed(ServiceError):
    status = 422
    code = "invalid"
    default_key = "request.invalid"


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"
    default_key = "request.unauthorized"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"
    default_key = "request.forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    default_key = "request.not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"
    default_key = "request.conflict"


class PayloadTooLarge(ServiceError):
    status = 413
    code = "too_large"
    default_key = "request.too_large"


class TooManyRequests(ServiceError):
    """Over the per-identity request rate; ``retry_after_s`` goes into ``Retry-After``."""

    status = 429
    code = "rate_limited"
    default_key = "request.rate_limited"

    def __init__(self, message: str, *, retry_after_s: float, **details: Any) -> None:
        rounded = round(retry_after_s, 1)
        super().__init__(
            message, params={"retry_after_s": rounded}, retry_after_s=rounded, **details
        )
        self.retry_after_s = retry_after_s

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(max(1, int(self.retry_after_s + 0.999)))}


class Unavailable(ServiceError):
    status = 503
    code = "unavailable"
    default_key = "request.unavailable"
