"""The center's evidence desk: officers' requests in, the operator's decision, packages out.

- :meth:`EvidenceDesk.receive` is the link feed's handler of the evidence-request
  family: each request is checked on receipt (:func:`safenet.evidence.check_request`
  against the center's hotlist and hits); a refused one is stored ``refused`` and an
  :class:`EvidenceDenial` goes back in the same transaction, nothing else leaves. A
  request the policy may answer alone (``center.evidence_auto_approve``: a hit's own
  snapshot for a danger-to-life category, never video) is provided at once; the rest
  waits ``pending`` in the operator's queue.
- :meth:`EvidenceDesk.decide` approves all or part of a pending request: the files come
  from the center's store (snapshots, the route from its hits), the package is built
  and signed with the center's key, and the provision, the register rows
  (개인영상정보 제공 관리대장), the outbox messages (header and parts), the request's new
  state and the audit record commit in ONE transaction. :meth:`deny` sends the
  operator's reason instead.
- :meth:`register` and :meth:`export` serve the register page and
  ``safenet center ledger export``.

Database work runs in worker threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.auth import Principal
from safenet.center.cameras import CameraRegistry
from safenet.center.evidence_files import stored_files
from safenet.center.retry import retry_on_conflict
from safenet.center.tables import hits, hotlist_entries, utc
from safenet.center.types import Clock
from safenet.evidence import (
    CATEGORY_LABELS,
    Decision,
    EntryStatus,
    EvidenceError,
    HitFacts,
    ProvisionRecord,
    RequestRefused,
    auto_approvable,
    build_denial,
    build_package,
    check_request,
    plan_items,
    records_for,
)
from safenet.evidence.signing import Signer
from safenet.evidence.tables import (
    evidence_provisions,
    evidence_requests,
    provision_register,
    record_from_row,
    register_values,
)
from safenet.link import Message, outbox
from safenet.link.codec import decode, encode
from safenet.link.messages import EscapeRoute, EvidenceRequest, ScenePhotos, VideoRange
from safenet.service import Conflict, NotFound, ValidationFailed
from safenet.store import Database

log = logging.getLogger(__name__)

POLICY = "policy"
"""The approver the register names when the center's policy approved alone."""

RULE = "center"
"""Who ``decided_by`` names on a denial by a rule on receipt."""


class RequestNotFound(NotFound):
    """No evidence request with that id at this center."""

    default_key = "evidence.not_found"


class AlreadyAnswered(Conflict):
    """The request was provided, denied or refused before."""

    default_key = "evidence.decided"


class BadDecision(ValidationFailed):
    """The operator's decision does not fit the request (an item twice, one unknown …)."""

    default_key = "evidence.bad_decision"


@dataclass(frozen=True)
class Answer:
    """What a decision did: the request's state now, and the package's id if one left."""

    request_id: str
    state: str
    package_id: str | None = None
    provided: tuple[int, ...] = ()
    withheld: tuple[int, ...] = ()
    files: int = 0


def _item_view(index: int, item: Any) -> dict[str, Any]:
    view: dict[str, Any] = {"index": index}
    if isinstance(item, ScenePhotos):
        view.update(kind="scene_photos", hit_id=item.hit_id, window_s=item.window_s)
    elif isinstance(item, EscapeRoute):
        view.update(kind="escape_route", hit_id=item.hit_id)
    elif isinstance(item, VideoRange):
        view.update(
            kind="video",
            camera_id=item.camera_id,
            time_from=item.time_from.isoformat(),
            time_to=item.time_to.isoformat(),
        )
    return view


def request_view(row: Any) -> dict[str, Any]:
    """A stored request as the operator's queue shows it."""
    request = decode(row.request)
    assert isinstance(request, EvidenceRequest)
    basis = request.legal_basis
    return {
        "request_id": row.request_id,
        "state": row.state,
        "entry_id": row.entry_id,
        "case_number": row.case_number,
        "category": row.category,
        "category_label": CATEGORY_LABELS.get(row.category, row.category),
        "legal_basis": msgspec.to_builtins(basis),
        "requester": msgspec.to_builtins(request.requester),
        "purpose": request.purpose,
        "items": [_item_view(i, item) for i, item in enumerate(request.items)],
        "retain_days": request.retain_days,
        "requested_at": utc(row.requested_at).isoformat(),
        "received_at": utc(row.received_at).isoformat(),
        "decided_by": row.decided_by,
        "decided_at": None if row.decided_at is None else utc(row.decided_at).isoformat(),
        "decision": row.decision,
        "denial_code": row.denial_code,
        "denial_reason": row.denial_reason,
    }


class EvidenceDesk:
    """Requests, decisions, packages and the register of one center; see the module."""

    def __init__(
        self,
        db: Database,
        site: str,
        registry: CameraRegistry,
        signer: Signer,
        clock: Clock,
        *,
        auto_approve: bool = False,
    ) -> None:
        self.db = db
        self.site = site
        self.registry = registry
        self.signer = signer
        self.clock = clock
        self.auto_approve = auto_approve

    # -- receipt -------------------------------------------------------------------------

    async def receive(self, message: Message) -> None:
        """The link feed's handler of evidence requests (raising asks for a redelivery)."""
        if not isinstance(message, EvidenceRequest):
            log.warning("evidence: %s on the request subject ignored", type(message).__name__)
            return
        state = await asyncio.to_thread(self.take, message)
        log.info("evidence request %s from %s: %s", message.request_id, message.site, state)

    def take(self, request: EvidenceRequest) -> str:
        """Store one request as checked: ``refused`` (denial sent), ``pending`` or ``provided``."""
        now = self.clock()
        with self.db.begin() as conn:
            known = conn.execute(
                sa.select(evidence_requests.c.state).where(
                    evidence_requests.c.request_id == request.request_id
                )
            ).first()
            if known is not None:
                return str(known.state)  # a redelivery
            facts = self._facts(conn, request)
            state, code, reason = "pending", None, None
            try:
                check_request(request, site=self.site, entry=facts[0], hits=facts[1], now=now)
            except RequestRefused as exc:
                state, code, reason = "refused", exc.code, exc.message
            conn.execute(
                evidence_requests.insert().values(
                    request_id=request.request_id,
                    message_id=request.message_id,
                    entry_id=request.entry_id,
                    case_number=request.case_number,
                    category=request.category,
                    requester_id=request.requester.officer_id,
                    request=encode(request),
                    requested_at=request.requested_at,
                    received_at=now,
                    state=state,
                    decided_by=RULE if code else None,
                    decided_at=now if code else None,
                    denial_code=code,
                    denial_reason=reason,
                )
            )
            audit.append(
                conn,
                request.requester.officer_id,
                "evidence.request",
                request.request_id,
                {
                    "entry_id": request.entry_id,
                    "case_number": request.case_number,
                    "state": state,
                    "denial_code": code,
                },
                ts=now,
            )
            if code is not None:
                outbox.enqueue(
                    conn,
                    build_denial(request, code, reason or code, decided_by=RULE, at=now),
                )
                return state
        auto = auto_approvable(request, enabled=self.auto_approve)
        if auto and len(auto) == len(request.items):
            answer = self._decide(request.request_id, POLICY, auto, {}, by_policy=True)
            return answer.state
        return state

    def _facts(
        self, conn: Connection, request: EvidenceRequest
    ) -> tuple[EntryStatus | None, dict[str, HitFacts]]:
        entry_row = conn.execute(
            sa.select(hotlist_entries).where(hotlist_entries.c.entry_id == request.entry_id)
        ).first()
        entry = (
            None
            if entry_row is None
            else EntryStatus(
                entry_id=entry_row.entry_id,
                category=entry_row.category,
                state="active",  # the center holds live entries only
                expires_at=utc(entry_row.expires_at),
            )
        )
        ids = {item.hit_id for item in request.items if isinstance(item, ScenePhotos | EscapeRoute)}
        found: dict[str, HitFacts] = {}
        if ids:
            for row in conn.execute(sa.select(hits).where(hits.c.hit_id.in_(ids))):
                found[row.hit_id] = HitFacts(
                    row.hit_id, self.site, row.entry_id, row.camera_id, utc(row.read_at)
                )
        return entry, found

    # -- the operator's queue ------------------------------------------------------------

    async def queue(self, limit: int = 100, state: str | None = "pending") -> list[dict[str, Any]]:
        """Requests in the queue (``state`` None: every request), newest first."""
        return await asyncio.to_thread(self._queue, limit, state)

    def _queue(self, limit: int, state: str | None) -> list[dict[str, Any]]:
        query = sa.select(evidence_requests).order_by(evidence_requests.c.received_at.desc())
        if state is not None:
            query = query.where(evidence_requests.c.state == state)
        with self.db.read() as conn:
            return [
                self._with_hits(conn, request_view(r)) for r in conn.execute(query.limit(limit))
            ]

    def _with_hits(self, conn: Connection, view: dict[str, Any]) -> dict[str, Any]:
        """Each item's hit as the operator knows it: camera and time, not an id alone."""
        ids = {i["hit_id"] for i in view["items"] if "hit_id" in i}
        if ids:
            rows = conn.execute(
                sa.select(hits.c.hit_id, hits.c.camera_id, hits.c.read_at).where(
                    hits.c.hit_id.in_(ids)
                )
            ).all()
            found = {r.hit_id: r for r in rows}
            for item in view["items"]:
                row = found.get(item.get("hit_id"))
                if row is not None:
                    item["camera_id"] = row.camera_id
                    item["read_at"] = utc(row.read_at).isoformat()
        return view

    async def get(self, request_id: str) -> dict[str, Any]:
        """One request, whatever its state."""
        return await asyncio.to_thread(self._get, request_id)

    def _get(self, request_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(evidence_requests).where(evidence_requests.c.request_id == request_id)
            ).first()
            if row is None:
                raise RequestNotFound(f"no evidence request {request_id} here", field="request_id")
            return self._with_hits(conn, request_view(row))

    async def decide(
        self,
        request_id: str,
        principal: Principal,
        *,
        approve: Sequence[int] | None = None,
        reason: str = "",
        reasons: Mapping[int, str] | None = None,
    ) -> Answer:
        """Approve every item (``approve`` None) or those listed; the rest are withheld."""
        chosen = dict(reasons or {})
        return await asyncio.to_thread(
            retry_on_conflict,
            lambda: self._decide_part(request_id, principal.subject, approve, reason, chosen),
            what=f"evidence {request_id}",
        )

    def _decide_part(
        self,
        request_id: str,
        approver: str,
        approve: Sequence[int] | None,
        reason: str,
        reasons: dict[int, str],
    ) -> Answer:
        request = self._pending(request_id)
        count = len(request.items)
        chosen = set(range(count)) if approve is None else set(approve)
        bad = sorted(i for i in chosen | set(reasons) if not 0 <= i < count)
        if bad:
            raise BadDecision(
                f"approve: item {bad[0]} does not exist (the request has {count})",
                field="approve",
                key="evidence.item_unknown",
                params={"item": bad[0], "count": count},
            )
        if not chosen:
            raise BadDecision(
                "approve: no item approved; deny the request with a reason instead",
                field="approve",
                key="evidence.none_approved",
            )
        withheld = {
            i: (reasons.get(i) or reason or "the operator withheld it")
            for i in range(count)
            if i not in chosen
        }
        return self._decide(request_id, approver, frozenset(chosen), withheld)

    def _pending(self, request_id: str) -> EvidenceRequest:
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(evidence_requests.c.state, evidence_requests.c.request).where(
                    evidence_requests.c.request_id == request_id
                )
            ).first()
        if row is None:
            raise RequestNotFound(f"no evidence request {request_id} here", field="request_id")
        if row.state != "pending":
            raise AlreadyAnswered(
                f"request {request_id} is {row.state} already",
                field="request_id",
                params={"state": row.state},
            )
        request = decode(row.request)
        assert isinstance(request, EvidenceRequest)
        return request

    def _decide(
        self,
        request_id: str,
        approver: str,
        approved: frozenset[int],
        withheld: Mapping[int, str],
        *,
        by_policy: bool = False,
    ) -> Answer:
        request = self._pending(request_id)
        now = self.clock()
        with self.db.begin() as conn:
            _, found = self._facts(conn, request)
            plan = plan_items(request, found)
            files = stored_files(conn, plan, approved, self.registry, self.site)
            decision = Decision(approver, now, approved, dict(withheld), by_policy=by_policy)
            try:
                built = build_package(
                    request, decision, files, plan=plan, signer=self.signer, provided_at=now
                )
            except EvidenceError as exc:
                raise BadDecision(exc.message, field=exc.field or "approve") from exc
            taken = conn.execute(
                sa.update(evidence_requests)
                .where(
                    evidence_requests.c.request_id == request_id,
                    evidence_requests.c.state == "pending",
                )
                .values(
                    state="provided",
                    decided_by=approver,
                    decided_at=now,
                    decision={
                        "approved": sorted(approved),
                        "withheld": {str(k): v for k, v in sorted(withheld.items())},
                        "provided": list(built.manifest.provided),
                        "by_policy": by_policy,
                        "package_id": built.header.package_id,
                    },
                )
            )
            if taken.rowcount != 1:
                raise AlreadyAnswered(f"request {request_id} was answered meanwhile")
            m = built.manifest
            conn.execute(
                evidence_provisions.insert().values(
                    package_id=m.package_id,
                    request_id=request_id,
                    manifest=built.manifest_bytes,
                    signature=built.header.signature,
                    key_id=built.header.key_id,
                    package_sha256=built.package_sha256,
                    parts=built.header.parts,
                    body_size=m.body_size,
                    approver=approver,
                    provided_at=m.provided_at,
                    expires_at=m.expires_at,
                )
            )
            records = records_for(m, built.package_sha256)
            if records:
                conn.execute(provision_register.insert(), [register_values(r) for r in records])
            for message in built.messages:
                outbox.enqueue(conn, message)
            audit.append(
                conn,
                approver,
                "evidence.provide",
                request_id,
                {
                    "package_id": m.package_id,
                    "package_sha256": built.package_sha256,
                    "case_number": request.case_number,
                    "provided": list(m.provided),
                    "withheld": [w.item for w in m.withheld],
                    "files": len(m.files),
                    "by_policy": by_policy,
                },
                ts=now,
            )
        log.info(
            "evidence %s provided by %s: package %s, %d files",
            request_id,
            approver,
            m.package_id,
            len(m.files),
        )
        return Answer(
            request_id,
            "provided",
            m.package_id,
            tuple(m.provided),
            tuple(w.item for w in m.withheld),
            len(m.files),
        )

    async def deny(self, request_id: str, principal: Principal, reason: str) -> Answer:
        """Deny a pending request with the operator's reason; the officer is told it."""
        return await asyncio.to_thread(self._deny, request_id, principal.subject, reason)

    def _deny(self, request_id: str, operator: str, reason: str) -> Answer:
        request = self._pending(request_id)
        now = self.clock()
        with self.db.begin() as conn:
            taken = conn.execute(
                sa.update(evidence_requests)
                .where(
                    evidence_requests.c.request_id == request_id,
                    evidence_requests.c.state == "pending",
                )
                .values(
                    state="denied",
                    decided_by=operator,
                    decided_at=now,
                    denial_code="operator",
                    denial_reason=reason,
                )
            )
            if taken.rowcount != 1:
                raise AlreadyAnswered(f"request {request_id} was answered meanwhile")
            outbox.enqueue(
                conn, build_denial(request, "operator", reason, decided_by=operator, at=now)
            )
            audit.append(
                conn,
                operator,
                "evidence.deny",
                request_id,
                {"case_number": request.case_number, "reason": reason},
                ts=now,
            )
        log.info("evidence %s denied by %s", request_id, operator)
        return Answer(request_id, "denied")

    # -- the register ----------------------------------------------------------------------

    def records(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        case_number: str | None = None,
        requester: str | None = None,
        category: str | None = None,
        limit: int | None = None,
    ) -> list[ProvisionRecord]:
        """The register's rows from ``start`` up to ``end`` (either open), oldest first."""
        r = provision_register.c
        query = sa.select(provision_register).order_by(r.provided_at, r.record_id)
        if start is not None:
            query = query.where(r.provided_at >= start)
        if end is not None:
            query = query.where(r.provided_at < end)
        if case_number:
            query = query.where(r.case_number == case_number)
        if requester:
            query = query.where(
                sa.or_(r.recipient_officer_id == requester, r.recipient_agency == requester)
            )
        if category:
            query = query.where(r.category == category)
        if limit is not None:
            query = query.limit(limit)
        with self.db.read() as conn:
            return [record_from_row(row) for row in conn.execute(query)]
