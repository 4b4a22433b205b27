"""What can go wrong at a center, each error with its HTTP status and a message to act on.

Built on the shared service errors (:mod:`safenet.service.errors`)::

    ServiceError (500)
    ├── ValidationFailed (422)
    │   ├── BadReadBatch            the body is not {"reads": [...]}
    │   └── TooManyReads            more reads than center.max_batch_reads
    │                               (code batch_too_large; details limit, count)
    ├── NotFound (404)
    │   ├── HitNotFound             no hit with that id at this center
    │   └── SnapshotNotFound        the hit has no stored snapshot (maybe only a reference)
    ├── Conflict (409)
    │   └── AlreadyDecided          the candidate was confirmed or rejected before
    ├── PayloadTooLarge (413)
    │   └── BodyTooLarge            a body over center.max_body_bytes
    └── Unavailable (503)
        └── PipelineBusy            the pipeline queue is full or stopping; retry later

    CenterSetupError (ValueError)   the center cannot start as configured (no site id …)

A single bad read is never an exception: the pipeline marks it rejected with the field
and the reason (:class:`safenet.center.types.Rejection`) and the batch goes on.
"""

from __future__ import annotations

from safenet.service.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    Unavailable,
    ValidationFailed,
)


class BadReadBatch(ValidationFailed):
    """The request body as a whole is not ``{"reads": [ … ]}``."""


class HitNotFound(NotFound):
    """No hit with that id at this center (it may have passed its retention)."""

    default_key = "candidate.not_found"


class SnapshotNotFound(NotFound):
    """The hit exists but the center holds no snapshot image for it."""

    default_key = "candidate.no_snapshot"


class AlreadyDecided(Conflict):
    """An operator already confirmed or rejected this candidate."""

    default_key = "candidate.decided"


class TooManyReads(ValidationFailed):
    """A batch with more reads than ``center.max_batch_reads``.

    422 with the stable code ``batch_too_large`` and ``details`` ``{"limit", "count"}``:
    the body itself was small enough (that is 413), the batch holds too many reads, so a
    sender splits it (the simulator's HTTP feeder does).
    """

    code = "batch_too_large"
    default_key = "center.batch_too_large"


class BodyTooLarge(PayloadTooLarge):
    """A request body larger than ``center.max_body_bytes``."""


class PipelineBusy(Unavailable):
    """The pipeline cannot take more reads right now (queue full or shutting down)."""


class CenterSetupError(ValueError):
    """The center cannot start as configured; the message names the setting."""
