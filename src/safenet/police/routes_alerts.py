"""``/api/v1/alerts``: the live alert stream (SSE), recent alerts, acknowledge and dispatch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from safenet.auth import AuthError, Principal, verify_token
from safenet.police.app import ALERT_ROLES, RESPONDERS, service_of
from safenet.police.service import PoliceService
from safenet.service import Forbidden, Unauthorized, require_role

router = APIRouter(prefix="/alerts", tags=["alerts"])


class DispatchNote(BaseModel):
    """What was sent where (free text for the record)."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000, description="Units sent, destination, remarks.")


async def _stream_principal(
    request: Request,
    access_token: str | None = Query(
        None,
        description="The bearer token, for EventSource clients that cannot set headers.",
    ),
) -> Principal:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else access_token
    if not token:
        raise Unauthorized("an Authorization: Bearer token (or ?access_token=) is required")
    try:
        principal = verify_token(token, request.app.state.token_secret)
    except AuthError as exc:
        raise Unauthorized(exc.reason) from exc
    if not any(principal.has(r) for r in ALERT_ROLES):
        raise Forbidden("the alert stream needs a police role (dispatcher, field_officer …)")
    return principal


@router.get(
    "/stream",
    summary="Live alerts as Server-Sent Events (hit, update, flag, hotlist, resync), "
    "filtered by the token's site scope",
    response_class=StreamingResponse,
)
async def stream(
    request: Request,
    last_event_id: str | None = Header(None, alias="Last-Event-ID"),
    officer: Principal = Depends(_stream_principal),
    service: PoliceService = Depends(service_of),
) -> StreamingResponse:
    resume = last_event_id or request.query_params.get("last_event_id")
    keepalive = service.settings.sse_keepalive_s

    async def events() -> AsyncIterator[bytes]:
        # Subscribed inside the generator, so that a client gone before the first byte
        # leaves no subscriber behind (the finally below always runs).
        sub = service.hub.subscribe(officer.sites, resume, officer.subject)
        service.metrics.sse_clients.set(service.hub.subscriber_count)
        try:
            yield b"retry: 2000\n: connected\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(sub.queue.get(), keepalive)
                except TimeoutError:
                    yield b": keepalive\n\n"
                    continue
                if event is None:
                    return
                if event.kind == "resync":
                    service.metrics.sse_resyncs.inc()
                yield event.encode()
        finally:
            service.hub.unsubscribe(sub)
            service.metrics.sse_clients.set(service.hub.subscriber_count)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("", summary="Recent alerts in the caller's scope, newest first")
async def recent(
    limit: int | None = Query(None, ge=1, le=5000),
    entry_id: str | None = Query(None, description="Only alerts of this entry."),
    after: int | None = Query(None, description="Only alerts with a larger alert_id."),
    officer: Principal = Depends(require_role(*ALERT_ROLES)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    cap = min(limit or service.settings.recent_alerts, service.settings.recent_alerts)
    return {"alerts": await service.recent_alerts(officer, cap, entry_id, after)}


@router.post(
    "/{alert_id}/acknowledge",
    summary="Acknowledge an alert (dispatcher or field officer); recorded and audited",
)
async def acknowledge(
    alert_id: int,
    officer: Principal = Depends(require_role(*RESPONDERS)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    return await service.acknowledge(alert_id, officer)


@router.post(
    "/{alert_id}/dispatch",
    summary="Mark that officers were dispatched (출동 지령); recorded and audited",
)
async def dispatch(
    alert_id: int,
    body: DispatchNote | None = None,
    officer: Principal = Depends(require_role(*RESPONDERS)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    return await service.dispatch(alert_id, officer, body.note if body else "")
