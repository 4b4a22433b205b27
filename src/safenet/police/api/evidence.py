"""Evidence requests over HTTP: officers ask a center, read its answer, open the files.

``POST /api/v1/evidence/requests`` sends a request for a wanted entry to one center
(the case number and category come from the entry); without a live lawful basis it
is refused (403, with the reason) and nothing is sent.
``GET /api/v1/evidence/requests`` lists requests (``?entry_id=``, ``?site=``), each
with its state, the center's reason for a denial, and the files of a verified package;
``GET /api/v1/evidence/packages/{package_id}/files/{name}`` serves one provided file
and logs who opened it, when (열람 기록).
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from safenet.auth import Principal
from safenet.police.api.access import PoliceAccess
from safenet.police.evidence_desk import EvidenceDesk, EvidenceNotFound, RequestForm


class EvidenceRequestBody(BaseModel):
    """What an officer asks a center for, under which lawful basis, and why."""

    site: str = Field(description="The center asked (the hit's center).")
    entry_id: str = Field(description="The wanted entry the request is under.")
    items: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=20,
        description='E.g. {"kind": "scene_photos", "hit_id": "…", "window_s": 60}, '
        '{"kind": "escape_route", "hit_id": "…"}, {"kind": "video", "camera_id": "…", '
        '"time_from": "…", "time_to": "…"}.',
    )
    purpose: str = Field(min_length=1, max_length=2000, description="The purpose, in words.")
    legal_basis: dict[str, Any] = Field(
        default_factory=lambda: {"kind": "pipa_18_2", "item": 7},
        description='{"kind": "pipa_18_2", "item": 7} (개인정보보호법 제18조제2항제7호) or '
        '{"kind": "warrant", "number": "…"}.',
    )
    rank: str = Field(min_length=1, max_length=20, description="The officer's rank (계급).")
    agency: str = Field(min_length=1, max_length=100, description="The officer's unit (소속).")
    name: str | None = Field(None, max_length=40, description="성명; default: the signed-in name.")
    retain_days: int = Field(30, ge=1, le=365, description="The provision period in days.")


def evidence_router(desk: EvidenceDesk, access: PoliceAccess) -> APIRouter:
    """Officers' evidence requests and the packages the centers sent.

    Site scope: a request goes only to a center in the officer's scope (declared on the
    route, from the body's ``site``); listings show only requests to centers in scope, and
    a request or package of a center outside it answers 404, as if it did not exist.
    """
    router = APIRouter(prefix="/evidence", tags=["evidence"])

    async def package_in_scope(package_id: str, principal: Principal) -> None:
        site = await asyncio.to_thread(desk.package_site, package_id)
        if site is None or not principal.may_see_site(site):
            raise EvidenceNotFound(f"no evidence package {package_id}", field="package_id")

    @router.post("/requests", status_code=201, summary="Ask one center for evidence")
    async def make(
        body: EvidenceRequestBody, principal: Principal = Depends(access.evidence_request)
    ) -> dict[str, Any]:
        form = RequestForm(**body.model_dump())
        return await asyncio.to_thread(desk.request, form, principal)

    @router.get("/requests", summary="Evidence requests sent, and the centers' answers")
    async def sent(
        entry_id: str | None = Query(None),
        site: str | None = Query(None),
        limit: int = Query(100, ge=1, le=1000),
        principal: Principal = Depends(access.evidence_read),
    ) -> dict[str, Any]:
        rows = await asyncio.to_thread(desk.requests, entry_id=entry_id, site=site, limit=limit)
        return {"requests": [r for r in rows if principal.may_see_site(str(r["site"]))]}

    @router.get("/requests/{request_id}", summary="One request and its answer")
    async def one(
        request_id: str, principal: Principal = Depends(access.evidence_read)
    ) -> dict[str, Any]:
        view = await asyncio.to_thread(desk.view, request_id)
        if not principal.may_see_site(str(view["site"])):
            raise EvidenceNotFound(f"no evidence request {request_id}", field="request_id")
        return view

    @router.get(
        "/packages/{package_id}/files/{name:path}",
        summary="Open a provided file (the opening is logged)",
        response_class=Response,
    )
    async def open_file(
        package_id: str, name: str, principal: Principal = Depends(access.evidence_read)
    ) -> Response:
        await package_in_scope(package_id, principal)
        data, media_type = await asyncio.to_thread(desk.open_file, package_id, name, principal)
        return Response(data, media_type=media_type, headers={"Cache-Control": "no-store"})

    @router.post(
        "/packages/{package_id}/hold",
        summary="Attach a package to a case export: kept past its provision period",
    )
    async def hold(
        package_id: str, principal: Principal = Depends(access.evidence_request)
    ) -> dict[str, Any]:
        await package_in_scope(package_id, principal)
        return await asyncio.to_thread(desk.hold, package_id, principal)

    @router.post("/packages/{package_id}/release", summary="Detach it: it expires as usual")
    async def release(
        package_id: str, principal: Principal = Depends(access.evidence_request)
    ) -> dict[str, Any]:
        await package_in_scope(package_id, principal)
        return await asyncio.to_thread(desk.hold, package_id, principal, held=False)

    @router.get("/packages/{package_id}/views", summary="Who opened which file, when")
    async def views(
        package_id: str, principal: Principal = Depends(access.evidence_read)
    ) -> dict[str, Any]:
        await package_in_scope(package_id, principal)
        return {"views": await asyncio.to_thread(desk.views, package_id)}

    return router
