"""Hash-chained audit records and their verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def _canonical(payload: Mapping[str, Any]) -> bytes:
    # Sorted keys and fixed separators: the same record always hashes the same, on
    # any machine and after a round trip through a database's JSON column.
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(
    seq: int,
    ts: str,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """The SHA-256 of a record's content and its predecessor's hash."""
    body = {
        "seq": seq,
        "ts": ts,
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": dict(details),
        "prev": prev_hash,
    }
    return hashlib.sha256(_canonical(body)).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One sensitive action as it was recorded: who did what to which thing, and when."""

    seq: int
    ts: str
    actor: str
    action: str
    subject: str
    details: Mapping[str, Any]
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": dict(self.details),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass
class ChainBuilder:
    """Appends records to a chain whose head (last sequence number and hash) it knows."""

    last_seq: int = 0
    last_hash: str = GENESIS_HASH

    def append(
        self,
        actor: str,
        action: str,
        subject: str,
        details: Mapping[str, Any] | None = None,
        ts: datetime | None = None,
    ) -> AuditRecord:
        for name, value in (("actor", actor), ("action", action), ("subject", subject)):
            if not value or not value.strip():
                raise ValueError(f"audit {name} must not be empty")
        when = ts or datetime.now(UTC)
        if when.tzinfo is None:
            raise ValueError("audit ts must carry a time zone")
        stamp = when.astimezone(UTC).isoformat(timespec="microseconds")
        data = dict(details or {})
        # Round-trip once so what we hash is exactly what a JSON column gives back.
        data = json.loads(_canonical(data))
        seq = self.last_seq + 1
        digest = record_hash(seq, stamp, actor, action, subject, data, self.last_hash)
        record = AuditRecord(seq, stamp, actor, action, subject, data, self.last_hash, digest)
        self.last_seq, self.last_hash = seq, digest
        return record


@dataclass(frozen=True)
class ChainVerdict:
    """What verifying a chain found: how many records held, and the first that did not."""

    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str | None = None
    problems: list[str] = field(default_factory=list)


def verify_chain(
    records: Iterable[AuditRecord],
    start_seq: int = 0,
    start_hash: str = GENESIS_HASH,
) -> ChainVerdict:
    """Check that every record's hash is right and links to the one before it."""
    prev_seq, prev_hash = start_seq, start_hash
    checked = 0
    for rec in records:
        reason: str | None = None
        if rec.seq != prev_seq + 1:
            reason = f"record {rec.seq} follows record {prev_seq}: records are missing or reordered"
        elif rec.prev_hash != prev_hash:
            reason = (
                f"record {rec.seq} does not link to record {prev_seq} (its previous hash differs)"
            )
        else:
            expected = record_hash(
                rec.seq, rec.ts, rec.actor, rec.action, rec.subject, rec.details, rec.prev_hash
            )
            if expected != rec.hash:
                reason = f"record {rec.seq} was changed after it was written (hash mismatch)"
        if reason is not None:
            return ChainVerdict(False, checked, prev_seq, prev_hash, rec.seq, reason, [reason])
        prev_seq, prev_hash = rec.seq, rec.hash
        checked += 1
    return ChainVerdict(True, checked, prev_seq, prev_hash)
