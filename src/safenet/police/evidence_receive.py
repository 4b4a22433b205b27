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

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit import store as audit
from safenet.evidence import (
    PackageRefused,
    VerifiedPackage,
    decode_manifest,
    part_expected,
    verify_header,
    verify_package,
)
from safenet.evidence.signing import TrustedKeys
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
_T = TypeVar("_T")

OPEN: Final = ("sent", "refused")
"""Request states a package may still arrive in: ``refused`` says only that what came so
far failed its checks, and the center's own package still replaces it."""

MAX_CANDIDATES: Final = 4
"""Distinct copies of one part number held while no verified header says which is the
center's; a copy beyond it is refused (a flood cannot fill the store). Once the header
is in, only the copy its signed manifest lists is taken."""


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
            if sent is None or sent.state not in OPEN:
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
            if sent is None or sent.state not in OPEN:
                return  # unasked, or a package is in already: nothing to show
            request = decode(sent.request)
            assert isinstance(request, EvidenceRequest)
            header = self._header(conn, site, rid)
            try:
                if isinstance(message, EvidencePackage):
                    if header is not None:
                        if header.package_sha256 != message.package_sha256:
                            self._check_header(message, request)  # a forgery fails here
                            log.warning("evidence %s: a second signed header, ignored", rid)
                        return
                    self._check_header(message, request)
                    self._keep_header(conn, message, request, now)
                    header = message
                elif not self._keep_part(conn, message, header, now):
                    return
            except PackageRefused as exc:
                outcome = self._forgery(conn, sent, message, exc.message, header, now)
            else:
                outcome = self._complete(conn, sent, header, request, now)
        if outcome is not None:
            self._after(site, rid, outcome)

    def _header(self, conn: Connection, site: str, rid: str) -> EvidencePackage | None:
        """The request's header once one verified (only those are stored)."""
        row = conn.execute(
            sa.select(evidence_packages).where(
                evidence_packages.c.site == site, evidence_packages.c.request_id == rid
            )
        ).first()
        if row is None:
            return None
        return EvidencePackage(
            site=site,
            request_id=rid,
            package_id=row.package_id,
            manifest=row.manifest,
            signature=row.signature,
            key_id=row.key_id,
            package_sha256=row.package_sha256,
            parts=row.parts,
            provided_at=_utc(row.provided_at),
        )

    def _keep_header(
        self, conn: Connection, header: EvidencePackage, request: EvidenceRequest, now: datetime
    ) -> None:
        insert_if_absent(
            conn,
            evidence_packages,
            {
                "package_id": header.package_id,
                "site": header.site,
                "request_id": header.request_id,
                "manifest": header.manifest,
                "signature": header.signature,
                "key_id": header.key_id,
                "package_sha256": header.package_sha256,
                "parts": header.parts,
                "provided_at": header.provided_at,
                "received_at": now,
                "expires_at": header.provided_at + timedelta(days=request.retain_days),
                "held_for_export": False,
            },
            ["package_id"],
        )
        signed = decode_manifest(header.manifest).part_sha256
        mine = (
            evidence_parts.c.site == header.site,
            evidence_parts.c.request_id == header.request_id,
        )
        for number, sha in enumerate(signed, start=1):  # the other copies can go now
            conn.execute(
                sa.delete(evidence_parts).where(
                    *mine, evidence_parts.c.part == number, evidence_parts.c.sha256 != sha
                )
            )
        conn.execute(sa.delete(evidence_parts).where(*mine, evidence_parts.c.part > len(signed)))

    def _keep_part(
        self, conn: Connection, part: EvidencePart, header: EvidencePackage | None, now: datetime
    ) -> bool:
        """Store one copy of a part; False for a copy already held. Raises PackageRefused
        for a part the verified header does not sign, or a copy beyond the cap."""
        if hashlib.sha256(part.data).hexdigest() != part.sha256:
            raise PackageRefused(f"part {part.part}: its data does not match its SHA-256")
        if header is not None:
            part_expected(decode_manifest(header.manifest), part)
        where = (
            evidence_parts.c.site == part.site,
            evidence_parts.c.request_id == part.request_id,
            evidence_parts.c.part == part.part,
        )
        copies = conn.execute(sa.select(evidence_parts.c.sha256).where(*where)).scalars().all()
        if part.sha256 in copies:
            return False  # delivered again
        if header is None and len(copies) >= MAX_CANDIDATES:  # signed ones always fit
            raise PackageRefused(
                f"part {part.part}: {len(copies)} different copies are held already; "
                "this one is not kept"
            )
        conn.execute(
            evidence_parts.insert().values(
                site=part.site,
                request_id=part.request_id,
                part=part.part,
                parts=part.parts,
                sha256=part.sha256,
                data=part.data,
                received_at=now,
            )
        )
        return True

    def _complete(
        self,
        conn: Connection,
        sent: Any,
        header: EvidencePackage | None,
        request: EvidenceRequest,
        now: datetime,
    ) -> str | None:
        """Verify and store the package once its header and every signed part are in."""
        if header is None:
            return None
        manifest = decode_manifest(header.manifest)
        chosen: list[EvidencePart] = []
        for number, sha in enumerate(manifest.part_sha256, start=1):
            row = conn.execute(
                sa.select(evidence_parts).where(
                    evidence_parts.c.site == header.site,
                    evidence_parts.c.request_id == header.request_id,
                    evidence_parts.c.part == number,
                    evidence_parts.c.sha256 == sha,
                )
            ).first()
            if row is None:
                return None
            chosen.append(
                EvidencePart(
                    site=header.site,
                    request_id=header.request_id,
                    part=number,
                    parts=row.parts,
                    sha256=row.sha256,
                    data=row.data,
                )
            )
        try:
            verified = self._verify(header, chosen, request, now)
        except PackageRefused as exc:  # signed by the center, yet wrong: its own error
            return self._refuse(conn, header, exc.message, now)
        self._store(conn, header, verified, now)
        return "received"

    def _with_keys(self, site: str, check: Callable[[TrustedKeys], _T]) -> _T:
        keys = self.trusted_keys.get(site) or []
        if not keys:
            raise PackageRefused(
                f"site: no trusted key for center {site} (police.evidence_trusted_keys)",
                field="site",
            )
        first: PackageRefused | None = None
        for key in keys:  # more than one while a center's key is being replaced
            try:
                return check({site: key})
            except PackageRefused as exc:
                first = first or exc
        assert first is not None
        raise first

    def _check_header(self, header: EvidencePackage, request: EvidenceRequest) -> None:
        self._with_keys(
            header.site, lambda keys: verify_header(header, trusted_keys=keys, request=request)
        )

    def _verify(
        self,
        header: EvidencePackage,
        parts: list[EvidencePart],
        request: EvidenceRequest,
        now: datetime,
    ) -> VerifiedPackage:
        return self._with_keys(
            header.site,
            lambda keys: verify_package(header, parts, trusted_keys=keys, now=now, request=request),
        )

    def _forgery(
        self,
        conn: Connection,
        sent: Any,
        message: EvidencePackage | EvidencePart,
        reason: str,
        header: EvidencePackage | None,
        now: datetime,
    ) -> str | None:
        """Refuse one header or part that failed its checks: audited, alarmed, not kept.

        Until a verified header is in, the request shows ``refused`` with the reason (the
        officer sees that something failed); the center's own package still replaces it.
        """
        what = "header" if isinstance(message, EvidencePackage) else f"part {message.part}"
        audit.append(
            conn,
            "police",
            "evidence.package_refused",
            message.request_id,
            {"site": message.site, "piece": what, "reason": reason},
            ts=now,
        )
        self.alarms.raise_alarm(
            AlarmKind.EVIDENCE_REFUSED,
            site=message.site,
            subject=message.subject,
            message_id=message.message_id,
            detail=f"{what} for {message.request_id}: {reason}",
        )
        if header is not None:
            return None  # the center's verified header is in: its parts are still awaited
        conn.execute(
            sa.update(evidence_requests_sent)
            .where(evidence_requests_sent.c.request_id == message.request_id)
            .values(state="refused", denial_reason=reason[:2000], closed_at=now)
        )
        return "refused"

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
            .values(state="received", denial_reason=None, closed_at=now)
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
