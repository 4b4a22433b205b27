"""The police's intake of evidence answers: denials, and packages verified before shown.

A denial closes its request with the center's code and reason. A package's header and
parts are stored as they arrive (any order, redeliveries ignored); once all are in it
is reassembled and verified against the request the police sent, with the key the
police hold for that center (never one the package brings). A verified package's files
are stored and its request becomes ``received``; one that fails is marked refused with
the reason, its parts deleted, an ``evidence_refused`` link alarm raised and an audit
record written — none of its files is stored, so none can ever be shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.evidence import PackageRefused, Reassembly, VerifiedPackage, verify_package
from safenet.evidence.tables import (
    evidence_files,
    evidence_packages,
    evidence_parts,
    evidence_requests_sent,
)
from safenet.link import Message
from safenet.link.alarms import AlarmKind, LinkAlarms
from safenet.link.codec import decode
from safenet.link.messages import EvidenceDenial, EvidencePackage, EvidencePart, EvidenceRequest
from safenet.police.clock import Clock
from safenet.police.intake import IntakeResult
from safenet.store import Database
from safenet.store.sql import insert_if_absent

log = logging.getLogger(__name__)


def _utc(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class EvidenceReceiver:
    """Takes the evidence-reply family in; see the module docstring."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        trusted_keys: Mapping[str, Sequence[str]],
        alarms: LinkAlarms,
        tell: Callable[[str, dict[str, Any]], None],
    ) -> None:
        self.db = db
        self.clock = clock
        self.trusted_keys = trusted_keys
        self.alarms = alarms
        self._tell = tell

    def take(self, message: Message) -> IntakeResult:
        """Store one evidence reply (the intake's route for the evidence-reply family)."""
        if isinstance(message, EvidenceDenial):
            self._denial(message)
        elif isinstance(message, EvidencePackage | EvidencePart):
            self._piece(message)
        return IntakeResult()

    def _sent(self, conn: Connection, site: str, request_id: str) -> Any:
        return conn.execute(
            sa.select(evidence_requests_sent).where(
                evidence_requests_sent.c.request_id == request_id,
                evidence_requests_sent.c.site == site,
            )
        ).first()

    def _denial(self, message: EvidenceDenial) -> None:
        now = self.clock()
        with self.db.begin() as conn:
            sent = self._sent(conn, message.site, message.request_id)
            if sent is None or sent.state != "sent":
                log.warning(
                    "evidence denial for %s ignored (unknown or closed)", message.request_id
                )
                return
            conn.execute(
                sa.update(evidence_requests_sent)
                .where(evidence_requests_sent.c.request_id == message.request_id)
                .values(
                    state="denied",
                    denial_code=message.code,
                    denial_reason=message.reason,
                    closed_at=now,
                )
            )
        log.info("evidence %s denied by %s: %s", message.request_id, message.site, message.code)
        self._tell(message.site, {"request_id": message.request_id, "state": "denied"})

    def _piece(self, message: EvidencePackage | EvidencePart) -> None:
        now = self.clock()
        site, rid = message.site, message.request_id
        with self.db.begin() as conn:
            sent = self._sent(conn, site, rid)
            if sent is None or sent.state != "sent":
                return  # unasked, or answered already: nothing to show
            if isinstance(message, EvidencePackage):
                request = decode(sent.request)
                assert isinstance(request, EvidenceRequest)
                insert_if_absent(
                    conn,
                    evidence_packages,
                    {
                        "package_id": message.package_id,
                        "site": site,
                        "request_id": rid,
                        "manifest": message.manifest,
                        "signature": message.signature,
                        "key_id": message.key_id,
                        "package_sha256": message.package_sha256,
                        "parts": message.parts,
                        "provided_at": message.provided_at,
                        "received_at": now,
                        "expires_at": message.provided_at + timedelta(days=request.retain_days),
                        "held_for_export": False,
                    },
                    ["package_id"],
                )
            else:
                insert_if_absent(
                    conn,
                    evidence_parts,
                    {
                        "site": site,
                        "request_id": rid,
                        "part": message.part,
                        "parts": message.parts,
                        "sha256": message.sha256,
                        "data": message.data,
                        "received_at": now,
                    },
                    ["site", "request_id", "part"],
                )
            outcome = self._complete(conn, sent, now)
        if outcome is not None:
            self._after(site, rid, outcome)

    def _complete(self, conn: Connection, sent: Any, now: datetime) -> str | None:
        site, rid = sent.site, sent.request_id
        header_row = conn.execute(
            sa.select(evidence_packages).where(
                evidence_packages.c.site == site, evidence_packages.c.request_id == rid
            )
        ).first()
        if header_row is None:
            return None
        part_rows = conn.execute(
            sa.select(evidence_parts).where(
                evidence_parts.c.site == site, evidence_parts.c.request_id == rid
            )
        ).all()
        if len(part_rows) < header_row.parts:
            return None
        header = EvidencePackage(
            site=site,
            request_id=rid,
            package_id=header_row.package_id,
            manifest=header_row.manifest,
            signature=header_row.signature,
            key_id=header_row.key_id,
            package_sha256=header_row.package_sha256,
            parts=header_row.parts,
            provided_at=_utc(header_row.provided_at),
        )
        request = decode(sent.request)
        assert isinstance(request, EvidenceRequest)
        try:
            assembly = Reassembly(site, rid)
            assembly.add(header)
            for p in part_rows:
                assembly.add(
                    EvidencePart(
                        site=site,
                        request_id=rid,
                        part=p.part,
                        parts=p.parts,
                        sha256=p.sha256,
                        data=p.data,
                    )
                )
            verified = self._verify(header, assembly.parts(), request, now)
        except PackageRefused as exc:
            return self._refuse(conn, header, exc.message, now)
        self._store(conn, header, verified, now)
        return "received"

    def _verify(
        self,
        header: EvidencePackage,
        parts: list[EvidencePart],
        request: EvidenceRequest,
        now: datetime,
    ) -> VerifiedPackage:
        keys = self.trusted_keys.get(header.site) or []
        if not keys:
            raise PackageRefused(
                f"site: no trusted key for center {header.site} (police.evidence_trusted_keys)",
                field="site",
            )
        first: PackageRefused | None = None
        for key in keys:  # more than one while a center's key is being replaced
            try:
                return verify_package(
                    header, parts, trusted_keys={header.site: key}, now=now, request=request
                )
            except PackageRefused as exc:
                first = first or exc
        assert first is not None
        raise first

    def _refuse(self, conn: Connection, header: EvidencePackage, reason: str, now: datetime) -> str:
        conn.execute(
            sa.update(evidence_packages)
            .where(evidence_packages.c.package_id == header.package_id)
            .values(refused_reason=reason[:2000])
        )
        conn.execute(
            sa.update(evidence_requests_sent)
            .where(evidence_requests_sent.c.request_id == header.request_id)
            .values(state="refused", denial_reason=reason[:2000], closed_at=now)
        )
        self._drop_parts(conn, header)
        audit.append(
            conn,
            "police",
            "evidence.package_refused",
            header.request_id,
            {"site": header.site, "package_id": header.package_id, "reason": reason},
            ts=now,
        )
        self.alarms.raise_alarm(
            AlarmKind.EVIDENCE_REFUSED,
            site=header.site,
            subject=header.subject,
            message_id=header.message_id,
            detail=f"package {header.package_id} for {header.request_id}: {reason}",
        )
        return "refused"

    def _store(
        self, conn: Connection, header: EvidencePackage, verified: VerifiedPackage, now: datetime
    ) -> None:
        m = verified.manifest
        if verified.files:
            conn.execute(
                evidence_files.insert(),
                [
                    {
                        "package_id": m.package_id,
                        "name": f.entry.name,
                        "item": f.entry.item,
                        "form": f.entry.form,
                        "media_type": f.entry.media_type,
                        "size": f.entry.size,
                        "sha256": f.entry.sha256,
                        "camera_ids": list(f.entry.camera_ids),
                        "time_from": f.entry.time_from,
                        "time_to": f.entry.time_to,
                        "data": f.data,
                    }
                    for f in verified.files
                ],
            )
        conn.execute(
            sa.update(evidence_packages)
            .where(evidence_packages.c.package_id == m.package_id)
            .values(verified_at=now, expires_at=m.expires_at)
        )
        conn.execute(
            sa.update(evidence_requests_sent)
            .where(evidence_requests_sent.c.request_id == header.request_id)
            .values(state="received", closed_at=now)
        )
        self._drop_parts(conn, header)
        audit.append(
            conn,
            "police",
            "evidence.package_received",
            header.request_id,
            {
                "site": header.site,
                "package_id": m.package_id,
                "package_sha256": verified.package_sha256,
                "files": len(verified.files),
            },
            ts=now,
        )

    def _drop_parts(self, conn: Connection, header: EvidencePackage) -> None:
        conn.execute(
            sa.delete(evidence_parts).where(
                evidence_parts.c.site == header.site,
                evidence_parts.c.request_id == header.request_id,
            )
        )

    def _after(self, site: str, request_id: str, outcome: str) -> None:
        log.info("evidence %s from %s: package %s", request_id, site, outcome)
        self._tell(site, {"request_id": request_id, "state": outcome})
