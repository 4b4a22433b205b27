"""``/api/v1/wanted``: register, approve, renew, cancel, resolve and read wanted entries."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Query

from safenet.auth import Principal
from safenet.police.actions import RegistryActions
from safenet.police.api.access import PoliceAccess
from safenet.police.categories import CategoryPolicy
from safenet.police.registry import Outcome, Registry
from safenet.police.types import Ending, Renewal, WantedDraft


def _outcome(outcome: Outcome) -> dict[str, Any]:
    body = outcome.entry.as_json()
    body["hotlist_version"] = outcome.change.version if outcome.change else None
    return body


def wanted_router(
    actions: RegistryActions,
    registry: Registry,
    policies: Mapping[str, CategoryPolicy],
    access: PoliceAccess,
) -> APIRouter:
    """The wanted registry's routes."""
    router = APIRouter(prefix="/wanted", tags=["wanted registry"])

    @router.post(
        "",
        status_code=201,
        summary="Register a wanted entry (registrar); it waits for a second officer's approval",
    )
    async def register(
        draft: WantedDraft,
        officer: Principal = Depends(access.register),
    ) -> dict[str, Any]:
        entry = await actions.register(draft, officer)
        return entry.as_json()

    @router.post(
        "/{entry_id}/approve",
        summary="Approve a pending entry (approver, not the registrar): it goes on the hotlist",
    )
    async def approve(
        entry_id: str,
        officer: Principal = Depends(access.approve),
    ) -> dict[str, Any]:
        return _outcome(await actions.approve(entry_id, officer))

    @router.post(
        "/{entry_id}/renew",
        summary="Move an entry's expiry, with a reason (registrar or approver; at most 30 days)",
    )
    async def renew(
        entry_id: str,
        renewal: Renewal,
        officer: Principal = Depends(access.amend),
    ) -> dict[str, Any]:
        return _outcome(await actions.renew(entry_id, renewal, officer))

    @router.post(
        "/{entry_id}/cancel",
        summary="Lift an entry (수배 해제), with a reason: it stops matching at every center",
    )
    async def cancel(
        entry_id: str,
        ending: Ending,
        officer: Principal = Depends(access.amend),
    ) -> dict[str, Any]:
        return _outcome(await actions.cancel(entry_id, ending, officer))

    @router.post(
        "/{entry_id}/resolve",
        summary="End an entry because the case no longer needs it (vehicle found, person safe)",
    )
    async def resolve(
        entry_id: str,
        ending: Ending,
        officer: Principal = Depends(access.amend),
    ) -> dict[str, Any]:
        return _outcome(await actions.resolve(entry_id, ending, officer))

    @router.get("", summary="List wanted entries, newest first (any police role)")
    async def list_entries(
        status: str | None = Query(
            None, description="pending, active, expired, cancelled, resolved"
        ),
        category: str | None = Query(None, description="Only this category."),
        limit: int = Query(200, ge=1, le=2000),
        _: Principal = Depends(access.read),
    ) -> dict[str, Any]:
        entries = await asyncio.to_thread(registry.entries, status, category, limit)
        return {"entries": [e.as_json() for e in entries]}

    @router.get("/{entry_id}", summary="One wanted entry with its history (any police role)")
    async def get_entry(
        entry_id: str,
        _: Principal = Depends(access.read),
    ) -> dict[str, Any]:
        entry = await asyncio.to_thread(registry.get, entry_id)
        body = entry.as_json()
        policy = policies[entry.category]
        body["match_policy"] = policy.model_dump()
        return body

    return router
