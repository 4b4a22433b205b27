"""``/api/v1/alerts``: the live alert stream (SSE), recent alerts, acknowledge and dispatch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from safenet.auth import Principal
from safenet.auth.context import context_of
from safenet.police.alert_log import AlertBook
from safenet.police.alerts import AlertHub, Event
from safenet.police.api.access import PoliceAccess
from safenet.police.metrics import PoliceMetrics
from safenet.police.settings import PoliceSettings
from safenet.service.responses import MAX_DB_INT

RECHECK_S = 5.0
"""How often an open alert stream rechecks that its session is still live."""
SIGNED_OUT = b"event: signed-out\ndata: {}\n\n"
_TICK = object()


class DispatchNote(BaseModel):
    """What was sent where (free text for the record)."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000, description="Units sent, destination, remarks.")


def alerts_router(
    hub: AlertHub,
    book: AlertBook,
    metrics: PoliceMetrics,
    settings: PoliceSettings,
    access: PoliceAccess,
) -> APIRouter:
    """The alert routes: the stream from the hub, the rest from the alert book."""
    router = APIRouter(prefix="/alerts", tags=["alerts"])

    @router.get(
        "/stream",
        summary="Live alerts as Server-Sent Events (hit, update, flag, hotlist, resync), "
        "filtered by the caller's site scope; authenticated by the session cookie or an "
        "Authorization header, never a URL parameter",
        response_class=StreamingResponse,
    )
    async def stream(
        request: Request,
        last_event_id: str | None = Header(None, alias="Last-Event-ID"),
        officer: Principal = Depends(access.stream),
    ) -> StreamingResponse:
        resume = last_event_id or request.query_params.get("last_event_id")
        keepalive = settings.sse_keepalive_s
        auth = context_of(request)
        recheck = min(keepalive, RECHECK_S)

        async def signed_in() -> bool:
            if officer.session is None:
                return True
            return await asyncio.to_thread(auth.still_signed_in, officer)

        async def events() -> AsyncIterator[bytes]:
            # Subscribed inside the generator, so that a client gone before the first byte
            # leaves no subscriber behind (the finally below always runs).
            sub = hub.subscribe(officer.sites, resume, officer.subject)
            metrics.sse_clients.set(hub.subscriber_count)
            loop = asyncio.get_running_loop()
            checked = written = loop.time()
            try:
                yield b"retry: 2000\n: connected\n\n"
                while True:
                    event: Event | object | None
                    try:
                        event = await asyncio.wait_for(sub.queue.get(), recheck)
                    except TimeoutError:
                        event = _TICK
                    now = loop.time()
                    # A revoked, idle or expired session ends an open stream too.
                    if now - checked >= recheck or event is _TICK:
                        checked = now
                        if not await signed_in():
                            yield SIGNED_OUT
                            return
                    if event is _TICK:
                        if now - written >= keepalive:
                            written = now
                            yield b": keepalive\n\n"
                        continue
                    if event is None:
                        return
                    assert isinstance(event, Event)
                    if event.kind == "resync":
                        metrics.sse_resyncs.inc()
                    written = now
                    yield event.encode()
            finally:
                hub.unsubscribe(sub)
                metrics.sse_clients.set(hub.subscriber_count)

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @router.get("", summary="Recent alerts in the caller's scope, newest first")
    async def recent(
        limit: int | None = Query(None, ge=1, le=5000),
        entry_id: str | None = Query(None, description="Only alerts of this entry."),
        after: int | None = Query(
            None, ge=0, le=MAX_DB_INT, description="Only alerts with a larger alert_id."
        ),
        officer: Principal = Depends(access.alerts),
    ) -> dict[str, Any]:
        cap = min(limit or settings.recent_alerts, settings.recent_alerts)
        return {"alerts": await book.recent(officer, cap, entry_id, after)}

    @router.post(
        "/{alert_id}/acknowledge",
        summary="Acknowledge an alert (dispatcher or field officer); recorded and audited",
    )
    async def acknowledge(
        alert_id: int = Path(..., ge=1, le=MAX_DB_INT),
        officer: Principal = Depends(access.respond),
    ) -> dict[str, Any]:
        return await book.acknowledge(alert_id, officer)

    @router.post(
        "/{alert_id}/dispatch",
        summary="Mark that officers were dispatched (출동 지령); recorded and audited",
    )
    async def dispatch(
        alert_id: int = Path(..., ge=1, le=MAX_DB_INT),
        body: DispatchNote | None = None,
        officer: Principal = Depends(access.respond),
    ) -> dict[str, Any]:
        return await book.dispatch(alert_id, officer, body.note if body else "")

    return router
