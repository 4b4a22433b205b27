"""The police's evidence desk: officers' requests out, packages and denials in, views logged.

- :meth:`EvidenceDesk.request` makes an :class:`EvidenceRequest` for a wanted entry
  (its case number and category taken from the registry) and checks it as the center
  will (:func:`safenet.evidence.check_request`): without a live lawful basis it is
  refused (:class:`EvidenceRefused`, 403, with the reason) and nothing is sent; else it
  is stored and queued in the outbox in one transaction, addressed to that center only.
- :meth:`EvidenceDesk.take` is the intake of the evidence-reply family: a denial
  closes the request with the center's reason; a package's header and parts are kept
  until all are in, then the package is reassembled and verified (signature with the
  key the police hold for that center, every hash, the request it answers). A verified
  package's files are stored with its provision period (``retain_days``, default 30);
  one that fails is refused, alarmed (``evidence_refused``) and never shown.
- :meth:`EvidenceDesk.open_file` serves a provided file and logs the viewing (who,
  when, which file): opening the police's copy is itself a provision.
- :meth:`EvidenceDesk.purge` deletes the files of packages past their period unless
  held for a case export.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.auth import Principal
from safenet.evidence import (
    CATEGORY_LABELS,
    DEFAULT_RETAIN_DAYS,
    EntryStatus,
    HitFacts,
    RequestRefused,
    check_request,
)
from safenet.evidence.tables import (
    evidence_files,
    evidence_packages,
    evidence_parts,
    evidence_requests_sent,
    evidence_views,
)
from safenet.link import Message, outbox
from safenet.link.alarms import LinkAlarms
from safenet.link.codec import decode, encode
from safenet.link.messages import (
    EvidenceRequest,
    RequestItem,
)
from safenet.police.clock import Clock
from safenet.police.evidence_receive import EvidenceReceiver
from safenet.police.intake import IntakeResult
from safenet.police.tables import hits, wanted
from safenet.service import Forbidden, NotFound, ValidationFailed
from safenet.service.loop import Periodic
from safenet.store import Database

log = logging.getLogger(__name__)

EvidenceEvent = Callable[[str, dict[str, Any]], object]
"""Told of each answer (site, what happened) once it is committed: the live console."""


class EvidenceRefused(Forbidden):
    """The request may not be made (no live lawful basis, a hit not under the entry)."""

    code = "evidence_refused"
    default_key = "evidence.refused"


class BadEvidenceRequest(ValidationFailed):
    """The request's fields do not make a valid request (an item, the basis …)."""

    default_key = "evidence.bad_request"


class EvidenceNotFound(NotFound):
    """No such request, package or file here (or not verified, or purged)."""

    default_key = "evidence.not_found"


_REFUSAL_KEYS = {
    "no_lawful_basis": "evidence.no_lawful_basis",
    "wrong_center": "evidence.wrong_center",
    "unknown_hit": "evidence.unknown_hit",
    "invalid": "evidence.bad_request",
}
"""The message code of each rule that refuses a request (DenialCode)."""


@dataclass(frozen=True)
class RequestForm:
    """What an officer fills in; the entry's case and category come from the registry."""

    site: str
    entry_id: str
    items: Sequence[Mapping[str, Any]]
    purpose: str
    legal_basis: Mapping[str, Any]
    rank: str
    agency: str
    name: str | None = None
    retain_days: int = 30


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class EvidenceDesk:
    """One police installation's evidence requests and received packages."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        trusted_keys: Mapping[str, Sequence[str]],
        alarms: LinkAlarms | None = None,
        *,
        on_event: EvidenceEvent | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.trusted_keys = {site: list(keys) for site, keys in trusted_keys.items()}
        self.alarms = alarms or LinkAlarms("police")
        self.on_event = on_event
        self.receiver = EvidenceReceiver(db, clock, self.trusted_keys, self.alarms, self._tell)

    # -- requests out --------------------------------------------------------------------

    def request(self, form: RequestForm, principal: Principal) -> dict[str, Any]:
        """Check and send a request; raises :class:`EvidenceRefused` (nothing sent)."""
        now = self.clock()
        with self.db.begin() as conn:
            entry = conn.execute(
                sa.select(wanted).where(wanted.c.entry_id == form.entry_id)
            ).first()
            if entry is None:
                raise EvidenceNotFound(
                    f"entry_id: {form.entry_id!r} is not a wanted entry", field="entry_id"
                )
            try:
                request = msgspec.convert(
                    {
                        "site": form.site,
                        "request_id": f"evq-{secrets.token_hex(8)}",
                        "entry_id": entry.entry_id,
                        "case_number": entry.case_number,
                        "category": entry.category,
                        "legal_basis": dict(form.legal_basis),
                        "requester": {
                            "officer_id": principal.subject,
                            "name": form.name or principal.name,
                            "rank": form.rank,
                            "agency": form.agency,
                        },
                        "purpose": form.purpose,
                        "items": [dict(i) for i in form.items],
                        "retain_days": form.retain_days,
                        "requested_at": now,
                    },
                    EvidenceRequest,
                )
            except (msgspec.ValidationError, ValueError) as exc:
                raise BadEvidenceRequest(f"request: {exc}", field="request") from exc
            status = EntryStatus(
                entry_id=entry.entry_id,
                category=entry.category,
                state=entry.status,
                expires_at=_utc(entry.expires_at),
                case_number=entry.case_number,
            )
            refusal: RequestRefused | None = None
            try:
                check_request(
                    request,
                    site=form.site,
                    entry=status,
                    hits=self._hits(conn, form.site, request.items),
                    now=now,
                )
            except RequestRefused as exc:
                refusal = exc
            else:
                self._send(conn, request, principal, now)
        if refusal is not None:
            with self.db.begin() as conn:
                audit.append(
                    conn,
                    principal.subject,
                    "evidence.request_refused",
                    form.entry_id,
                    {"site": form.site, "code": refusal.code, "reason": refusal.message},
                    ts=now,
                )
            log.info("evidence request for %s refused: %s", form.entry_id, refusal.message)
            raise EvidenceRefused(
                refusal.message,
                field=refusal.field,
                key=_REFUSAL_KEYS.get(refusal.code, "evidence.refused"),
                params={"site": form.site},
                denial_code=refusal.code,
            ) from refusal
        log.info(
            "evidence request %s to %s for %s", request.request_id, request.site, request.entry_id
        )
        return self.view(request.request_id)

    def _send(
        self, conn: Connection, request: EvidenceRequest, principal: Principal, now: datetime
    ) -> None:
        conn.execute(
            evidence_requests_sent.insert().values(
                request_id=request.request_id,
                site=request.site,
                entry_id=request.entry_id,
                case_number=request.case_number,
                requester_id=principal.subject,
                request=encode(request),
                requested_at=now,
                state="sent",
            )
        )
        outbox.enqueue(conn, request)
        audit.append(
            conn,
            principal.subject,
            "evidence.request",
            request.request_id,
            {
                "site": request.site,
                "entry_id": request.entry_id,
                "case_number": request.case_number,
                "items": len(request.items),
            },
            ts=now,
        )

    def _hits(
        self, conn: Connection, site: str, items: Sequence[RequestItem]
    ) -> dict[str, HitFacts]:
        ids = {i.hit_id for i in items if hasattr(i, "hit_id")}
        if not ids:
            return {}
        rows = conn.execute(
            sa.select(
                hits.c.site, hits.c.hit_id, hits.c.entry_id, hits.c.camera_id, hits.c.read_at
            ).where(hits.c.site == site, hits.c.hit_id.in_(ids))
        ).all()
        return {
            r.hit_id: HitFacts(r.hit_id, r.site, r.entry_id, r.camera_id, _utc(r.read_at))
            for r in rows
        }

    # -- answers in: see safenet.police.evidence_receive -----------------------------------

    def take(self, message: Message) -> IntakeResult:
        """Store one evidence reply (the intake's route for the evidence-reply family)."""
        return self.receiver.take(message)

    def _tell(self, site: str, data: dict[str, Any]) -> None:
        if self.on_event is not None:
            try:
                self.on_event(site, data)
            except Exception:
                log.exception("evidence: the live notice failed (the answer is stored)")

    # -- what officers see ---------------------------------------------------------------

    def view(self, request_id: str) -> dict[str, Any]:
        """A request as the officer sees it: state, reason, and the files once verified."""
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(evidence_requests_sent).where(
                    evidence_requests_sent.c.request_id == request_id
                )
            ).first()
            if row is None:
                raise EvidenceNotFound(f"no evidence request {request_id}", field="request_id")
            return self._view(conn, row)

    def package_site(self, package_id: str) -> str | None:
        """The center a package came from (None when there is no such package)."""
        p, r = evidence_packages.c, evidence_requests_sent.c
        with self.db.read() as conn:
            site = conn.execute(
                sa.select(r.site)
                .select_from(
                    evidence_packages.join(evidence_requests_sent, r.request_id == p.request_id)
                )
                .where(p.package_id == package_id)
            ).scalar()
        return None if site is None else str(site)

    def _view(self, conn: Connection, row: Any) -> dict[str, Any]:
        request = decode(row.request)
        assert isinstance(request, EvidenceRequest)
        package = conn.execute(
            sa.select(evidence_packages).where(
                evidence_packages.c.request_id == row.request_id,
                evidence_packages.c.verified_at.is_not(None),
                evidence_packages.c.purged_at.is_(None),
            )
        ).first()
        files: list[dict[str, Any]] = []
        withheld: list[dict[str, Any]] = []
        if package is not None and row.state == "received":
            from safenet.evidence import decode_manifest

            manifest = decode_manifest(package.manifest)
            withheld = [{"item": w.item, "reason": w.reason} for w in manifest.withheld]
            for f in conn.execute(
                sa.select(
                    evidence_files.c.name,
                    evidence_files.c.item,
                    evidence_files.c.form,
                    evidence_files.c.media_type,
                    evidence_files.c.size,
                    evidence_files.c.camera_ids,
                    evidence_files.c.time_from,
                )
                .where(evidence_files.c.package_id == package.package_id)
                .order_by(evidence_files.c.name)
            ):
                files.append(
                    {
                        "name": f.name,
                        "item": f.item,
                        "form": f.form,
                        "media_type": f.media_type,
                        "size": f.size,
                        "camera_ids": f.camera_ids,
                        "time_from": None if f.time_from is None else _utc(f.time_from).isoformat(),
                        "url": f"/api/v1/evidence/packages/{package.package_id}/files/{f.name}",
                    }
                )
        return {
            "request_id": row.request_id,
            "site": row.site,
            "entry_id": row.entry_id,
            "case_number": row.case_number,
            "category": request.category,
            "category_label": CATEGORY_LABELS.get(request.category, request.category),
            "requester": msgspec.to_builtins(request.requester),
            "purpose": request.purpose,
            "items": msgspec.to_builtins(request.items),
            "state": row.state,
            "denial_code": row.denial_code,
            "denial_reason": row.denial_reason,
            "requested_at": _utc(row.requested_at).isoformat(),
            "closed_at": None if row.closed_at is None else _utc(row.closed_at).isoformat(),
            "package_id": None if package is None else package.package_id,
            "expires_at": None if package is None else _utc(package.expires_at).isoformat(),
            "files": files,
            "withheld": withheld,
        }

    def requests(
        self, *, entry_id: str | None = None, site: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Requests sent, newest first (of one entry, of one center)."""
        r = evidence_requests_sent.c
        query = sa.select(evidence_requests_sent).order_by(r.requested_at.desc()).limit(limit)
        if entry_id:
            query = query.where(r.entry_id == entry_id)
        if site:
            query = query.where(r.site == site)
        with self.db.read() as conn:
            return [self._view(conn, row) for row in conn.execute(query).all()]

    def open_file(self, package_id: str, name: str, principal: Principal) -> tuple[bytes, str]:
        """A provided file's bytes and type; the viewing is logged (열람 기록)."""
        now = self.clock()
        with self.db.begin() as conn:
            row = conn.execute(
                sa.select(evidence_files.c.data, evidence_files.c.media_type)
                .select_from(
                    evidence_files.join(
                        evidence_packages,
                        evidence_packages.c.package_id == evidence_files.c.package_id,
                    )
                )
                .where(
                    evidence_files.c.package_id == package_id,
                    evidence_files.c.name == name,
                    evidence_packages.c.verified_at.is_not(None),
                    evidence_packages.c.purged_at.is_(None),
                )
            ).first()
            if row is None:
                raise EvidenceNotFound(f"no provided file {name} in {package_id}", field="name")
            conn.execute(
                evidence_views.insert().values(
                    package_id=package_id,
                    file_name=name,
                    officer_id=principal.subject,
                    viewed_at=now,
                )
            )
            audit.append(
                conn, principal.subject, "evidence.view", package_id, {"file": name}, ts=now
            )
        return bytes(row.data), str(row.media_type)

    def views(self, package_id: str) -> list[dict[str, Any]]:
        """Who opened which file of a package, when."""
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(evidence_views)
                .where(evidence_views.c.package_id == package_id)
                .order_by(evidence_views.c.id)
            ).all()
        return [
            {
                "file": r.file_name,
                "officer_id": r.officer_id,
                "viewed_at": _utc(r.viewed_at).isoformat(),
            }
            for r in rows
        ]

    def hold(self, package_id: str, principal: Principal, *, held: bool = True) -> dict[str, Any]:
        """Attach a verified package to a case export (kept past its period) or release it."""
        now = self.clock()
        p = evidence_packages.c
        with self.db.begin() as conn:
            row = conn.execute(
                sa.select(p.request_id).where(
                    p.package_id == package_id, p.verified_at.is_not(None), p.purged_at.is_(None)
                )
            ).first()
            if row is None:
                raise EvidenceNotFound(f"no verified package {package_id} here", field="package_id")
            conn.execute(
                sa.update(evidence_packages)
                .where(p.package_id == package_id)
                .values(held_for_export=held)
            )
            audit.append(
                conn,
                principal.subject,
                "evidence.hold" if held else "evidence.release",
                package_id,
                {"request_id": row.request_id},
                ts=now,
            )
        return {"package_id": package_id, "held_for_export": held}

    def purge(self) -> int:
        """Delete the files of packages past their provision period, unless held; and
        parts that waited longer than a period for a header that verifies (forged copies,
        or a package that never came whole)."""
        now = self.clock()
        p = evidence_packages.c
        with self.db.begin() as conn:
            conn.execute(
                sa.delete(evidence_parts).where(
                    evidence_parts.c.received_at <= now - timedelta(days=DEFAULT_RETAIN_DAYS)
                )
            )
            due = [
                r.package_id
                for r in conn.execute(
                    sa.select(p.package_id).where(
                        p.expires_at <= now, p.held_for_export.is_(False), p.purged_at.is_(None)
                    )
                )
            ]
            if due:
                conn.execute(sa.delete(evidence_files).where(evidence_files.c.package_id.in_(due)))
                conn.execute(
                    sa.update(evidence_packages).where(p.package_id.in_(due)).values(purged_at=now)
                )
                audit.append(
                    conn, "police", "evidence.purge", "packages", {"packages": due}, ts=now
                )
        return len(due)


class EvidencePurge(Periodic):
    """Deletes provided evidence past its provision period, every ``police.evidence_purge_s``."""

    name = "evidence-purge"

    def __init__(self, owner: str, desk: EvidenceDesk, interval_s: float) -> None:
        super().__init__(owner, interval_s)
        self.desk = desk

    async def step(self) -> None:
        import asyncio

        purged = await asyncio.to_thread(self.desk.purge)
        if purged:
            log.info("evidence: %d packages past their provision period deleted", purged)


__all__ = [
    "BadEvidenceRequest",
    "EvidenceDesk",
    "EvidenceNotFound",
    "EvidencePurge",
    "EvidenceRefused",
    "RequestForm",
]
