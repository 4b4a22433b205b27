"""The audit log in a site's database: append inside the caller's transaction, verify, sign.

The tables are created by migrations ``0002_audit`` and ``0006_integrity`` of both
chains. A record is appended in the same transaction as the action it records, so an
action without its audit record (or the reverse) can never be committed. ``seq`` is the
primary key: two concurrent appends cannot both take the same place in the chain; the
loser's transaction fails and is retried by its caller rather than forking the chain.

- :func:`append` records an action; :func:`record_once` records an idempotent one (a
  repeated acknowledge) only the first time its key is seen.
- :func:`checkpoint` signs the head; :func:`prune` deletes records past retention under
  a signed pruning anchor.
- :func:`verify_anchored` is the auditor's check (trusted keys from outside the
  database, the other side's witnessed heads, the coverage lag); :func:`verify` only
  checks that the chain and its stored checkpoints are consistent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.audit.chain import GENESIS_HASH, AuditRecord, ChainBuilder, ChainVerdict, verify_chain
from safenet.audit.checkpoint import (
    Checkpoint,
    PruneAnchor,
    SigningKey,
    sign_checkpoint,
    sign_prune,
)
from safenet.audit.origin import current_origin
from safenet.audit.settings import MIN_RETENTION_DAYS
from safenet.audit.verify import AuditVerdict, WitnessedHead, verify_log
from safenet.store.sql import insert_if_absent

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


audit_prune = sa.Table(
    "audit_prune",
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
    sa.Column("cutoff", sa.String(40), nullable=False),
    sa.Column("removed", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("signature", sa.String(200), nullable=False),
    sa.Column("public_key", sa.String(100), nullable=False),
)
"""Signed pruning anchors: the chain starts after the newest one."""

audit_once = sa.Table(
    "audit_once",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
)
"""Keys of idempotent actions already recorded, and the record that did."""


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
    origin = current_origin()
    if origin is not None and "from" not in (details or {}):
        details = {**(details or {}), "from": origin}  # where the request came from
    if conn.dialect.name != "postgresql":  # SQLite serializes writers: the head is ours
        record = _next(conn, actor, action, subject, details, ts)
        conn.execute(audit_log.insert().values(**record.as_dict()))
        return record
    # Two transactions may read the same head; the second's insert waits for the first's
    # and then finds its place taken. In a savepoint it reads the new head and tries
    # again, so both land in one unbroken chain (no lock held across the caller's work).
    for attempt in range(_APPEND_TRIES):
        record = _next(conn, actor, action, subject, details, ts)
        try:
            with conn.begin_nested():
                conn.execute(audit_log.insert().values(**record.as_dict()))
        except sa.exc.IntegrityError:
            if attempt == _APPEND_TRIES - 1:
                raise
            continue
        return record
    raise AssertionError("unreachable")  # pragma: no cover


_APPEND_TRIES = 20
"""How often a record is placed again after a concurrent writer took its place."""


def _next(
    conn: Connection,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None,
    ts: datetime | None,
) -> AuditRecord:
    seq, head = _head(conn)
    if seq == 0:
        seq, head = _anchor(conn)
    return ChainBuilder(seq, head).append(actor, action, subject, details, ts)


def record_once(
    conn: Connection,
    key: str,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
    ts: datetime | None = None,
) -> AuditRecord | None:
    """Record an idempotent action the first time ``key`` is seen; None when it was before.

    ``key`` names the effect, not the request: ``alert:17:acknowledge`` is recorded once
    however often an officer presses the button. The key goes into the record's details
    (``once``), so the chain covers it too.
    """
    if not key or len(key) > 200:
        raise ValueError(f"key: {key!r} must be 1-200 characters")
    seq, _ = _head(conn)
    if seq == 0:
        seq, _ = _anchor(conn)
    if not insert_if_absent(conn, audit_once, {"key": key, "seq": seq + 1}, ["key"]):
        return None
    return append(conn, actor, action, subject, {**(details or {}), "once": key}, ts)


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
    """Check that the chain and its stored checkpoints are consistent (a self-check).

    A checkpoint whose record is gone or whose hash no longer matches means records were
    removed or rewritten after it was signed. Without ``key_public`` the checkpoints are
    checked against the keys stored beside them, which a rewriter controls too: this
    proves consistency, not integrity. Auditors use :func:`verify_anchored`.
    """
    from safenet.audit.checkpoint import verify_checkpoint

    start, start_hash = _anchor(conn)
    verdict = verify_chain(records(conn, after_seq=start), start, start_hash)
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
        checkpoint = _checkpoint(cp)
        problem = None
        if not verify_checkpoint(checkpoint, key_public):
            problem = f"checkpoint at record {cp.seq} has an invalid signature"
        elif int(cp.seq) <= start:
            continue  # pruned since, under a signed anchor
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


def checkpoint(
    conn: Connection, key: SigningKey, site: str, ts: datetime | None = None
) -> Checkpoint | None:
    """Sign the current head of the chain and store the checkpoint (None if the log is empty).

    A head already signed returns the stored checkpoint instead of a second one.
    """
    seq, head = _head(conn)
    if seq == 0:
        return None
    row = conn.execute(sa.select(audit_checkpoint).where(audit_checkpoint.c.seq == seq)).first()
    if row is not None:
        return _checkpoint(row)
    cp = sign_checkpoint(key, site, seq, head, ts)
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


def _checkpoint(row: Any) -> Checkpoint:
    return Checkpoint(row.site, int(row.seq), row.head_hash, row.ts, row.signature, row.public_key)


def _prune_anchor(row: Any) -> PruneAnchor:
    return PruneAnchor(
        row.site,
        int(row.seq),
        row.head_hash,
        row.ts,
        row.cutoff,
        int(row.removed),
        row.signature,
        row.public_key,
    )


def checkpoints(conn: Connection) -> list[Checkpoint]:
    """Every stored checkpoint, oldest first."""
    rows = conn.execute(sa.select(audit_checkpoint).order_by(audit_checkpoint.c.seq)).all()
    return [_checkpoint(r) for r in rows]


def prune_anchors(conn: Connection) -> list[PruneAnchor]:
    """Every stored pruning anchor, oldest first."""
    rows = conn.execute(sa.select(audit_prune).order_by(audit_prune.c.seq)).all()
    return [_prune_anchor(r) for r in rows]


def _anchor(conn: Connection) -> tuple[int, str]:
    """Where the chain starts: after the newest pruning anchor, or at the genesis."""
    row = conn.execute(
        sa.select(audit_prune.c.seq, audit_prune.c.head_hash)
        .order_by(audit_prune.c.seq.desc())
        .limit(1)
    ).first()
    return (0, GENESIS_HASH) if row is None else (int(row.seq), str(row.head_hash))


def anchor(conn: Connection) -> tuple[int, str]:
    """Where the chain starts: the newest pruning anchor's record and hash (0, genesis: none)."""
    return _anchor(conn)


def last_checkpoint(conn: Connection) -> Checkpoint | None:
    """The newest stored checkpoint, if any."""
    row = conn.execute(
        sa.select(audit_checkpoint).order_by(audit_checkpoint.c.seq.desc()).limit(1)
    ).first()
    return None if row is None else _checkpoint(row)


def head(conn: Connection) -> tuple[int, str]:
    """The chain's head: the last record's sequence number and hash (the anchor's if none)."""
    seq, digest = _head(conn)
    return (seq, digest) if seq else _anchor(conn)


def first_record_after(conn: Connection, seq: int) -> AuditRecord | None:
    """The first record after ``seq`` (the oldest one a checkpoint at ``seq`` leaves out)."""
    return next(records(conn, after_seq=seq, batch=1), None)


@dataclass(frozen=True)
class PruneResult:
    """What one prune did: the signed anchor, and the record that says so in the chain."""

    anchor: PruneAnchor
    record: AuditRecord


def prune(
    conn: Connection,
    key: SigningKey,
    site: str,
    *,
    retention: timedelta,
    now: datetime | None = None,
) -> PruneResult | None:
    """Delete the records older than ``retention`` under a signed pruning anchor.

    Only a prefix of the chain goes — up to the record before the first one that is
    still within retention — so the chain that remains starts cleanly after the anchor.
    The prune itself is recorded (``audit.prune``: how many, up to which record, the
    cutoff). None when nothing is old enough. ``retention`` below the legal minimum (two
    years) is refused.
    """
    if retention < timedelta(days=MIN_RETENTION_DAYS):
        raise ValueError(
            f"retention: {retention.days} days is below the minimum of {MIN_RETENTION_DAYS}"
        )
    now = now or datetime.now(UTC)
    cutoff = now - retention
    cutoff_text = cutoff.astimezone(UTC).isoformat(timespec="microseconds")
    start, _ = _anchor(conn)
    # Record timestamps are fixed-width UTC ISO texts, so text order is time order.
    young = conn.execute(
        sa.select(sa.func.min(audit_log.c.seq)).where(audit_log.c.ts >= cutoff_text)
    ).scalar_one()
    last, _ = _head(conn)
    through = (int(young) - 1) if young is not None else last
    if through <= start:
        return None
    row = conn.execute(
        sa.select(audit_log.c.hash).where(audit_log.c.seq == through)
    ).scalar_one_or_none()
    if row is None:
        return None
    removed = int(
        conn.execute(
            sa.select(sa.func.count()).select_from(audit_log).where(audit_log.c.seq <= through)
        ).scalar_one()
    )
    anchor = sign_prune(key, site, through, str(row), cutoff, removed, now)
    conn.execute(
        audit_prune.insert().values(
            seq=anchor.seq,
            site=anchor.site,
            head_hash=anchor.head_hash,
            ts=anchor.ts,
            cutoff=anchor.cutoff,
            removed=anchor.removed,
            signature=anchor.signature,
            public_key=anchor.public_key,
        )
    )
    conn.execute(sa.delete(audit_log).where(audit_log.c.seq <= through))
    conn.execute(sa.delete(audit_once).where(audit_once.c.seq <= through))
    record = append(
        conn,
        f"site:{site}",
        "audit.prune",
        f"audit:{site}",
        {"through_seq": through, "removed": removed, "cutoff": anchor.cutoff},
        now,
    )
    return PruneResult(anchor, record)


def verify_anchored(
    conn: Connection,
    *,
    site: str,
    trusted_keys: Sequence[str],
    witnessed: Sequence[WitnessedHead] | None,
    max_uncovered: timedelta,
    now: datetime | None = None,
) -> AuditVerdict:
    """The auditor's verification of this database's log (see :mod:`safenet.audit.verify`).

    ``trusted_keys`` come from configuration or a file; ``witnessed`` are the heads the
    other side holds for ``site`` (None: no witness consulted).
    """
    start, _ = _anchor(conn)
    return verify_log(
        records(conn, after_seq=start),
        checkpoints(conn),
        prune_anchors(conn),
        witnessed,
        site=site,
        trusted_keys=trusted_keys,
        now=now or datetime.now(UTC),
        max_uncovered=max_uncovered,
    )
