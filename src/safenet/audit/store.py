"""The audit log in a site's database: append inside the caller's transaction, verify, sign.

The table is created by migration ``0002_audit`` of both chains. A record is appended in
the same transaction as the action it records, so an action without its audit record
(or the reverse) can never be committed. ``seq`` is the primary key: two concurrent
appends cannot both take the same place in the chain; the loser's transaction fails
and is retried by its caller rather than forking the chain.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit.chain import GENESIS_HASH, AuditRecord, ChainBuilder, ChainVerdict, verify_chain
from safenet.audit.checkpoint import Checkpoint, SigningKey, sign_checkpoint

metadata = sa.MetaData()

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("ts", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("details", sa.JSON(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

audit_checkpoint = sa.Table(
    "audit_checkpoint",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("site", sa.String(64), nullable=False),
    sa.Column("head_hash", sa.String(64), nullable=False),
    sa.Column("ts", sa.String(40), nullable=False),
    sa.Column("signature", sa.String(200), nullable=False),
    sa.Column("public_key", sa.String(100), nullable=False),
)


def _head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(
        sa.select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    return (0, GENESIS_HASH) if row is None else (int(row.seq), str(row.hash))


def append(
    conn: Connection,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
    ts: datetime | None = None,
) -> AuditRecord:
    """Record ``actor`` doing ``action`` to ``subject``, inside the caller's transaction.

    ``details`` must not hold personal data beyond what the action needs (case numbers
    and ids rather than plates of vehicles that are not wanted).
    """
    seq, head = _head(conn)
    record = ChainBuilder(seq, head).append(actor, action, subject, details, ts)
    conn.execute(audit_log.insert().values(**record.as_dict()))
    return record


def records(conn: Connection, after_seq: int = 0, batch: int = 5000) -> Iterator[AuditRecord]:
    """Every record after ``after_seq``, in chain order, read in batches."""
    last = after_seq
    while True:
        rows = conn.execute(
            sa.select(audit_log)
            .where(audit_log.c.seq > last)
            .order_by(audit_log.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        for r in rows:
            yield AuditRecord(
                int(r.seq), r.ts, r.actor, r.action, r.subject, r.details, r.prev_hash, r.hash
            )
        last = int(rows[-1].seq)


def verify(conn: Connection, key_public: str | None = None) -> ChainVerdict:
    """Verify the whole chain, and that it still reaches every signed checkpoint.

    A checkpoint whose record is gone or whose hash no longer matches means records were
    removed or rewritten after it was signed, even if the remaining chain is consistent.
    """
    from safenet.audit.checkpoint import verify_checkpoint

    verdict = verify_chain(records(conn))
    if not verdict.ok:
        return verdict
    # Only the checkpointed records' hashes are needed, not the whole log's.
    signed = sa.select(audit_checkpoint.c.seq)
    hashes = {
        int(s): h
        for s, h in conn.execute(
            sa.select(audit_log.c.seq, audit_log.c.hash).where(audit_log.c.seq.in_(signed))
        )
    }
    for cp in conn.execute(sa.select(audit_checkpoint).order_by(audit_checkpoint.c.seq)).all():
        checkpoint = Checkpoint(
            cp.site, int(cp.seq), cp.head_hash, cp.ts, cp.signature, cp.public_key
        )
        problem = None
        if not verify_checkpoint(checkpoint, key_public):
            problem = f"checkpoint at record {cp.seq} has an invalid signature"
        elif hashes.get(int(cp.seq)) != cp.head_hash:
            problem = f"record {cp.seq} no longer matches its signed checkpoint"
        if problem:
            return ChainVerdict(
                False,
                verdict.checked,
                verdict.head_seq,
                verdict.head_hash,
                int(cp.seq),
                problem,
                [problem],
            )
    return verdict


def checkpoint(conn: Connection, key: SigningKey, site: str) -> Checkpoint | None:
    """Sign the current head of the chain and store the checkpoint (None if the log is empty)."""
    seq, head = _head(conn)
    if seq == 0:
        return None
    cp = sign_checkpoint(key, site, seq, head)
    exists = conn.execute(
        sa.select(audit_checkpoint.c.seq).where(audit_checkpoint.c.seq == seq)
    ).first()
    if exists is None:
        conn.execute(
            audit_checkpoint.insert().values(
                seq=cp.seq,
                site=cp.site,
                head_hash=cp.head_hash,
                ts=cp.ts,
                signature=cp.signature,
                public_key=cp.public_key,
            )
        )
    return cp
