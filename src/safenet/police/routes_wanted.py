"""``/api/v1/wanted``: register, approve, renew, cancel, resolve and read wanted entries."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from safenet.auth import Principal, Role
from safenet.police.app import POLICE_ROLES, service_of
from safenet.police.registry import Outcome
from safenet.police.service import PoliceService
from safenet.police.types import Ending, Renewal, WantedDraft
from safenet.service import require_role

router = APIRouter(prefix="/wanted", tags=["wanted registry"])


def _outcome(outcome: Outcome) -> dict[str, Any]:
    body = outcome.entry.as_json()
    body["hotlist_version"] = outcome.change.version if outcome.change else None
    return body


@router.post(
    "",
    status_code=201,
    summary="Register a wanted entry (registrar); it waits for a second officer's approval",
)
async def register(
    draft: WantedDraft,
    officer: Principal = Depends(require_role(Role.REGISTRAR)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    entry = await service.register(draft, officer)
    return entry.as_json()


@router.post(
    "/{entry_id}/approve",
    summary="Approve a pending entry (approver, not the registrar): it goes on the hotlist",
)
async def approve(
    entry_id: str,
    officer: Principal = Depends(require_role(Role.APPROVER)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    return _outcome(await service.approve(entry_id, officer))


@router.post(
    "/{entry_id}/renew",
    summary="Move an entry's expiry, with a reason (registrar or approver; at most 30 days)",
)
async def renew(
    entry_id: str,
    renewal: Renewal,
    officer: Principal = Depends(require_role(Role.REGISTRAR, Role.APPROVER)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    return _outcome(await service.renew(entry_id, renewal, officer))


@router.post(
    "/{entry_id}/cancel",
    summary="Lift an entry (수배 해제), with a reason: it stops matching at every center",
)
async def cancel(
    entry_id: str,
    ending: Ending,
    officer: Principal = Depends(require_role(Role.REGISTRAR, Role.APPROVER)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    return _outcome(await service.cancel(entry_id, ending, officer))


@router.post(
    "/{entry_id}/resolve",
    summary="End an entry because the case no longer needs it (vehicle found, person safe)",
)
async def resolve(
    entry_id: str,
    ending: Ending,
    officer: Principal = Depends(require_role(Role.REGISTRAR, Role.APPROVER)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    return _outcome(await service.resolve(entry_id, ending, officer))


@router.get("", summary="List wanted entries, newest first (any police role)")
async def list_entries(
    status: str | None = Query(None, description="pending, active, expired, cancelled, resolved"),
    category: str | None = Query(None, description="Only this category."),
    limit: int = Query(200, ge=1, le=2000),
    _: Principal = Depends(require_role(*POLICE_ROLES)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    import asyncio

    entries = await asyncio.to_thread(service.registry.entries, status, category, limit)
    return {"entries": [e.as_json() for e in entries]}


@router.get("/{entry_id}", summary="One wanted entry with its history (any police role)")
async def get_entry(
    entry_id: str,
    _: Principal = Depends(require_role(*POLICE_ROLES)),
    service: PoliceService = Depends(service_of),
) -> dict[str, Any]:
    import asyncio

    entry = await asyncio.to_thread(service.registry.get, entry_id)
    body = entry.as_json()
    policy = service.policies[entry.category]
    body["match_policy"] = policy.model_dump()
    return body
