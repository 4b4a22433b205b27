"""The error answers every guarded API route documents in OpenAPI, with their body.

Every ``/api/v1`` route may answer 401 (nobody signed in), 403 (signed in, but the
route's declared permission or site does not fit), 404, 413 (a body over the limit),
422 (a field or parameter out of range) and 429 (over the per-identity rate); all with
the project's error body, which names the field and the limit. The composition roots
pass :data:`API_ERRORS` to ``include_router(responses=…)`` so the documents say so and
schemathesis can hold the services to it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

MAX_DB_INT = 2**63 - 1
"""The largest integer a database id or cursor holds (BIGINT): path and query bounds."""


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str = Field(description="A short code: unauthorized, forbidden, not_found, …")
    code: str = Field(
        "request.internal",
        description="The stable message code (docs/api.md): the consoles word it in the "
        "reader's language, e.g. plate.serial_length, registry.approver_same.",
    )
    params: dict[str, Any] = Field(
        default_factory=dict, description="The values the code's sentence names (field, …)."
    )
    message: str = Field(description="What went wrong, in English a person can act on.")
    detail: str | None = Field(None, description="The same English as message.")
    field: str | None = Field(None, description="The field or parameter at fault.")
    details: dict[str, Any] | None = Field(None, description="More, e.g. the limit.")


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "model": ErrorBody}


API_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _error("Not signed in, or the credential is expired, revoked or not for this site"),
    403: _error("The caller's role, kind or site scope does not allow this (reason given)"),
    404: _error("No such item in the caller's scope"),
    413: _error("The request body is over the size limit (the limit is named)"),
    422: _error("A field or parameter is missing, malformed or out of range (named)"),
    429: _error("Over the per-identity request rate (the limit is named; see Retry-After)"),
}
