"""Witnessed heads: each side keeps the other's signed audit heads, so neither can rewrite alone.

Every checkpoint and pruning anchor a site signs goes over the link as an
:class:`~safenet.link.messages.AuditHead` (:func:`head_message`, enqueued in the site's
outbox in the checkpoint's own transaction). The receiving side keeps it in its
``audit_witness`` table (:func:`keep`; the police hold every center's heads, each
center the police's). ``safenet audit verify`` of a site's database then takes the
heads from the other side's database (:func:`heads`) or from a file exported from it
(:func:`export_heads` / :func:`read_heads_file`): a log that no longer reaches a
witnessed head was truncated, rewritten or restored from an older copy.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit.checkpoint import Checkpoint, PruneAnchor
from safenet.audit.store import metadata
from safenet.audit.verify import WitnessedHead
from safenet.link import inbox
from safenet.link.messages import AuditHead, Message
from safenet.store import Database
from safenet.store.sql import UtcDateTime, insert_if_absent

audit_witness = sa.Table(
    "audit_witness",
    metadata,
    sa.Column("site", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("head_hash", sa.String(64), nullable=False),
    sa.Column("ts", sa.String(40), nullable=False),
    sa.Column("signature", sa.String(200), nullable=False),
    sa.Column("public_key", sa.String(100), nullable=False),
    sa.Column("cutoff", sa.String(40), nullable=True),
    sa.Column("removed", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)
"""The other side's signed heads, as they arrived over the link (migration 0006)."""


def head_message(statement: Checkpoint | PruneAnchor) -> AuditHead:
    """The link message that carries a signed checkpoint or pruning anchor to the other side."""
    if isinstance(statement, PruneAnchor):
        return AuditHead(
            site=statement.site,
            kind="prune",
            seq=statement.seq,
            head_hash=statement.head_hash,
            signed_at=statement.ts,
            signature=statement.signature,
            public_key=statement.public_key,
            cutoff=statement.cutoff,
            removed=statement.removed,
        )
    return AuditHead(
        site=statement.site,
        kind="checkpoint",
        seq=statement.seq,
        head_hash=statement.head_hash,
        signed_at=statement.ts,
        signature=statement.signature,
        public_key=statement.public_key,
    )


def witnessed(message: AuditHead) -> WitnessedHead:
    """The head an AuditHead message carries."""
    return WitnessedHead(
        site=message.site,
        kind=message.kind,
        seq=message.seq,
        head_hash=message.head_hash,
        ts=message.signed_at,
        signature=message.signature,
        public_key=message.public_key,
        cutoff=message.cutoff,
        removed=message.removed,
    )


def keep(conn: Connection, head: WitnessedHead, now: datetime | None = None) -> bool:
    """Keep a head the other side sent; False when it was kept before (the first one stays)."""
    return insert_if_absent(
        conn,
        audit_witness,
        {**head.as_dict(), "received_at": now or datetime.now(UTC)},
        ["site", "kind", "seq"],
    )


def heads(conn: Connection, site: str | None = None) -> list[WitnessedHead]:
    """The heads kept of ``site``'s chain (every site's when None), oldest first."""
    query = sa.select(audit_witness).order_by(
        audit_witness.c.site, audit_witness.c.seq, audit_witness.c.kind
    )
    if site is not None:
        query = query.where(audit_witness.c.site == site)
    return [
        WitnessedHead(
            site=r.site,
            kind=r.kind,
            seq=int(r.seq),
            head_hash=r.head_hash,
            ts=r.ts,
            signature=r.signature,
            public_key=r.public_key,
            cutoff=r.cutoff,
            removed=None if r.removed is None else int(r.removed),
        )
        for r in conn.execute(query)
    ]


def export_heads(path: Path, items: Iterable[WitnessedHead]) -> int:
    """Write heads to a JSON-lines file (for an auditor); return how many."""
    lines = [json.dumps(h.as_dict(), sort_keys=True) for h in items]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def read_heads_file(path: Path) -> list[WitnessedHead]:
    """Heads from a JSON-lines file written by :func:`export_heads`."""
    found: list[WitnessedHead] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ValueError(f"witness file {path} does not exist") from exc
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            found.append(WitnessedHead.from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a witnessed head ({exc})") from exc
    return found


class WitnessKeeper:
    """The link handler that keeps the other side's audit heads (``audit`` family)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.kept = 0

    async def on_audit_head(self, message: Message) -> None:
        if not isinstance(message, AuditHead):
            return

        def store() -> bool:
            with self.db.begin() as conn:
                return inbox.first_receipt(conn, message) and keep(conn, witnessed(message))

        if await asyncio.to_thread(store):
            self.kept += 1
