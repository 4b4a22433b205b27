"""Officers' evidence requests over HTTP: the operator's queue, decisions, the register.

``GET /api/v1/evidence/requests`` lists the requests waiting (``?state=`` another
state), each with its wanted entry's category and case number;
``POST /api/v1/evidence/requests/{request_id}/approve`` approves all items or those
listed (the rest are withheld with the reason) and sends the signed package;
``…/deny`` sends the operator's reason instead. ``GET /api/v1/evidence/register``
shows the provision register (개인영상정보 제공 관리대장) with filters and
``GET /api/v1/evidence/register.csv`` exports it (UTF-8 with BOM); reading the register
is audited.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from safenet.audit import store as audit
from safenet.auth import Principal
from safenet.center.api.access import CenterAccess
from safenet.center.evidence_desk import Answer, EvidenceDesk
from safenet.evidence import export_register_csv

RequestState = Literal["pending", "provided", "denied", "refused"]


class ApproveBody(BaseModel):
    """Which items the operator approves; the others are withheld with the reason."""

    items: list[int] | None = Field(
        None, description="Item numbers (from 0) to provide; empty or absent: every item."
    )
    reason: str = Field(
        "", max_length=2000, description="Why the other items are withheld (required if any)."
    )


class DenyBody(BaseModel):
    """The operator's reason for denying the whole request; the officer reads it."""

    reason: str = Field(min_length=1, max_length=2000)


def _answer(answer: Answer) -> dict[str, Any]:
    return {
        "request_id": answer.request_id,
        "state": answer.state,
        "package_id": answer.package_id,
        "provided": list(answer.provided),
        "withheld": list(answer.withheld),
        "files": answer.files,
    }


def _time(value: datetime | None) -> datetime | None:
    from safenet.center.tables import utc

    return None if value is None else utc(value)


def evidence_router(desk: EvidenceDesk, access: CenterAccess) -> APIRouter:
    """The evidence queue and the provision register of one center."""
    router = APIRouter(tags=["evidence"])

    @router.get("/api/v1/evidence/requests", summary="Officers' evidence requests")
    async def requests(
        state: RequestState | None = Query("pending", description="Only requests in this state."),
        limit: int = Query(100, ge=1, le=1000),
        _: Principal = Depends(access.evidence_queue),
    ) -> dict[str, Any]:
        return {"requests": await desk.queue(limit, state)}

    @router.get("/api/v1/evidence/requests/{request_id}", summary="One evidence request")
    async def one(request_id: str, _: Principal = Depends(access.evidence_queue)) -> dict[str, Any]:
        return await desk.get(request_id)

    @router.post(
        "/api/v1/evidence/requests/{request_id}/approve",
        summary="Approve all or part of a request: the signed package goes to the police",
    )
    async def approve(
        request_id: str, body: ApproveBody, principal: Principal = Depends(access.evidence_decide)
    ) -> dict[str, Any]:
        items = body.items or None
        if items is not None and not body.reason.strip():
            current = await desk.get(request_id)
            if len(set(items)) < len(current["items"]):
                from safenet.center.evidence_desk import BadDecision

                raise BadDecision(
                    "reason: say why the other items are withheld",
                    field="reason",
                    key="evidence.reason_needed",
                )
        return _answer(
            await desk.decide(request_id, principal, approve=items, reason=body.reason.strip())
        )

    @router.post(
        "/api/v1/evidence/requests/{request_id}/deny",
        summary="Deny a request with a reason the officer reads",
    )
    async def deny(
        request_id: str, body: DenyBody, principal: Principal = Depends(access.evidence_decide)
    ) -> dict[str, Any]:
        return _answer(await desk.deny(request_id, principal, body.reason.strip()))

    async def _rows(
        principal: Principal,
        start: datetime | None,
        end: datetime | None,
        case_number: str | None,
        requester: str | None,
        category: str | None,
        limit: int | None,
        how: str,
    ) -> list[Any]:
        def work() -> list[Any]:
            records = desk.records(
                _time(start),
                _time(end),
                case_number=case_number,
                requester=requester,
                category=category,
                limit=limit,
            )
            with desk.db.begin() as conn:
                audit.append(
                    conn,
                    principal.subject,
                    f"register.{how}",
                    desk.site,
                    {
                        "from": None if start is None else start.isoformat(),
                        "to": None if end is None else end.isoformat(),
                        "case_number": case_number,
                        "requester": requester,
                        "category": category,
                        "rows": len(records),
                    },
                )
            return records

        return await asyncio.to_thread(work)

    @router.get("/api/v1/evidence/register", summary="The provision register, filtered")
    async def register(
        start: datetime | None = Query(None, alias="from", description="From this time on."),
        end: datetime | None = Query(None, alias="to", description="Before this time."),
        case_number: str | None = Query(None),
        requester: str | None = Query(None, description="Officer id or agency."),
        category: str | None = Query(None),
        limit: int = Query(500, ge=1, le=5000),
        principal: Principal = Depends(access.register),
    ) -> dict[str, Any]:
        import msgspec

        rows = await _rows(principal, start, end, case_number, requester, category, limit, "view")
        return {"records": [msgspec.to_builtins(r) for r in rows]}

    @router.get(
        "/api/v1/evidence/register.csv",
        summary="The provision register as CSV (UTF-8 with BOM)",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def register_csv(
        start: datetime | None = Query(None, alias="from"),
        end: datetime | None = Query(None, alias="to"),
        principal: Principal = Depends(access.register),
    ) -> Response:
        rows = await _rows(principal, start, end, None, None, None, None, "export")
        return Response(
            export_register_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="provision-register.csv"'},
        )

    return router
