"""What every safenet HTTP service shares: errors, health, metrics and request limits.

The center and police services build their FastAPI apps with :func:`create_base_app`,
which installs the error handler (every :class:`ServiceError` becomes a JSON body with
its HTTP status, the field at fault and a message a person can act on), ``/healthz``
and ``/metrics`` (Prometheus text format, from the app's own registry so two services
in one process — the embedded demo — never mix their figures). :class:`RateLimiter`
(per-identity token buckets, 429) and :class:`BodySizeLimit` (an ASGI middleware, 413)
are the request limits every service mounts.

Also shared, imported from their modules: :mod:`.loop` (one class per long-running
job of a service) and :mod:`.serve` (serving an app until SIGINT/SIGTERM, then letting
the service stop gracefully).
"""

from safenet.service.app import create_base_app
from safenet.service.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ServiceError,
    TooManyRequests,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)
from safenet.service.limits import BodySizeLimit, RateLimiter

__all__ = [
    "BodySizeLimit",
    "Conflict",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "RateLimiter",
    "ServiceError",
    "TooManyRequests",
    "Unauthorized",
    "Unavailable",
    "ValidationFailed",
    "create_base_app",
]
