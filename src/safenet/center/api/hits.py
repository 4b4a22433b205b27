"""Hits and the confirmation queue over HTTP: for the center's operators, never bulk reads.

``GET /api/v1/candidates`` lists what waits for a decision, with the wanted vehicle's
description beside each; ``POST /api/v1/candidates/{hit_id}/confirm`` and ``…/reject``
record the decision (a reason is required); ``GET /api/v1/hits`` and
``GET /api/v1/hits/{hit_id}`` show hits; ``GET /api/v1/hits/{hit_id}/snapshot`` serves
the image sent with a hit's read. No route returns a read that did not hit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from safenet.auth import Principal
from safenet.center.api.access import CenterAccess
from safenet.center.confirm import CandidateQueue, Decision
from safenet.center.types import HitState


class DecisionBody(BaseModel):
    """An operator's reason for confirming or rejecting a candidate."""

    reason: str = Field(
        min_length=1,
        max_length=2000,
        description="What the operator saw, e.g. 'snapshot shows the same grey Sonata'.",
    )


def hits_router(queue: CandidateQueue, access: CenterAccess) -> APIRouter:
    """The candidate queue and the hits of one center."""
    router = APIRouter(tags=["hits"])

    @router.get("/api/v1/candidates", summary="Candidates waiting for an operator's decision")
    async def candidates(
        limit: int = Query(100, ge=1, le=1000), _: Principal = Depends(access.view_hits)
    ) -> dict[str, Any]:
        return {"candidates": await queue.candidates(limit)}

    async def decide(
        hit_id: str, decision: Decision, body: DecisionBody, principal: Principal
    ) -> dict[str, Any]:
        result = await queue.decide(hit_id, decision, body.reason, principal)
        return {
            "hit": result.hit,
            "report_sent": result.report_sent,
            "update_sent": result.update_sent,
            "report_withheld": result.report_withheld,
        }

    @router.post(
        "/api/v1/candidates/{hit_id}/confirm",
        summary="Confirm a candidate: it is the wanted vehicle",
    )
    async def confirm_candidate(
        hit_id: str, body: DecisionBody, principal: Principal = Depends(access.decide)
    ) -> dict[str, Any]:
        return await decide(hit_id, "confirmed", body, principal)

    @router.post(
        "/api/v1/candidates/{hit_id}/reject",
        summary="Reject a candidate: it is not the wanted vehicle",
    )
    async def reject_candidate(
        hit_id: str, body: DecisionBody, principal: Principal = Depends(access.decide)
    ) -> dict[str, Any]:
        return await decide(hit_id, "rejected", body, principal)

    @router.get("/api/v1/hits", summary="The latest hits at this center")
    async def list_hits(
        limit: int = Query(100, ge=1, le=1000),
        state: HitState | None = Query(None, description="Only hits in this state."),
        _: Principal = Depends(access.view_hits),
    ) -> dict[str, Any]:
        return {"hits": await queue.hits(limit, None if state is None else state.value)}

    @router.get("/api/v1/hits/{hit_id}", summary="One hit")
    async def get_hit(hit_id: str, _: Principal = Depends(access.view_hits)) -> dict[str, Any]:
        return await queue.hit(hit_id)

    @router.get(
        "/api/v1/hits/{hit_id}/snapshot",
        summary="The snapshot sent with a hit's read (JPEG)",
        response_class=Response,
        responses={200: {"content": {"image/jpeg": {}}}},
    )
    async def snapshot(hit_id: str, _: Principal = Depends(access.snapshot)) -> Response:
        jpeg = await queue.snapshot(hit_id)
        return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    return router
