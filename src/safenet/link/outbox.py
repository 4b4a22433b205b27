"""The transactional outbox: a site commits what it will send together with the fact itself.

A center that records a hit calls :func:`enqueue` with the LocationReport inside the
same transaction as the hit row, so either both exist or neither does. The
:class:`safenet.link.relay.Relay` then publishes pending rows in order and marks them
sent once the link acknowledged them. A process killed anywhere in between resends
on restart; the message id makes the resend harmless::

    with db.begin() as conn:
        conn.execute(insert(hits).values(...))
        outbox.enqueue(conn, LocationReport(...))
    # committed: the relay listening on this database is woken now, not at its next poll

The wake-up rides on the transaction (:func:`safenet.store.after_commit` with
:data:`COMMIT_TOPIC`): nobody has to remember to call the relay, and a rolled-back
transaction wakes nobody.

All functions take an open SQLAlchemy connection in a transaction and do no I/O of
their own beyond it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.link.messages import LinkMessage
from safenet.link.tables import outbox
from safenet.link.transport import Envelope
from safenet.store.database import after_commit
from safenet.store.sql import insert_if_absent

COMMIT_TOPIC = "link.outbox"
"""The commit topic of a transaction that queued a message (the relay listens for it)."""


@dataclass(frozen=True)
class OutboxRow:
    """A committed, not yet acknowledged message.

    ``tries``: failed publishes of it that may have reached the server all the same
    (the acknowledgement was lost). At 0, a "duplicate" answer is not a success: the
    relay publishes it again under a fresh id, and raises an alarm when it knows the
    row was never offered before.
    """

    seq: int
    envelope: Envelope
    attempts: int
    tries: int = 0


def enqueue(conn: Connection, message: LinkMessage) -> bool:
    """Add a message to the outbox in the caller's transaction.

    Returns False when a message with the same id is already there (the same fact was
    enqueued before): enqueueing is idempotent. Raises InvalidMessage for a message
    that breaks its schema, so nothing invalid is ever committed.
    """
    return enqueue_envelope(conn, Envelope.of(message))


def enqueue_envelope(conn: Connection, envelope: Envelope) -> bool:
    """Add an already encoded message to the outbox (see :func:`enqueue`)."""
    added = insert_if_absent(
        conn,
        outbox,
        {
            "message_id": envelope.message_id,
            "message_type": envelope.message_type,
            "subject": envelope.subject,
            "payload": envelope.payload,
            "created_at": datetime.now(UTC),
            "attempts": 0,
        },
        ["message_id"],
    )
    if added:
        after_commit(conn, COMMIT_TOPIC)
    return added


def pending(conn: Connection, limit: int = 100) -> list[OutboxRow]:
    """The oldest messages not yet acknowledged, in commit order."""
    rows = conn.execute(
        sa.select(
            outbox.c.seq,
            outbox.c.message_id,
            outbox.c.message_type,
            outbox.c.subject,
            outbox.c.payload,
            outbox.c.attempts,
            outbox.c.publish_tries,
            outbox.c.dedup_id,
        )
        .where(outbox.c.sent_at.is_(None))
        .order_by(outbox.c.seq)
        .limit(limit)
    ).all()
    return [
        OutboxRow(
            seq=r.seq,
            envelope=Envelope(
                subject=r.subject,
                message_id=r.message_id,
                payload=bytes(r.payload),
                message_type=r.message_type,
                dedup_id=r.dedup_id,
                expect_new=r.publish_tries == 0,
            ),
            attempts=r.attempts,
            tries=r.publish_tries,
        )
        for r in rows
    ]


def note_ambiguous(conn: Connection, seqs: Sequence[int]) -> None:
    """Note a failed publish of these rows that may have reached the server (ack lost)."""
    if seqs:
        conn.execute(
            sa.update(outbox)
            .where(outbox.c.seq.in_(list(seqs)))
            .values(publish_tries=outbox.c.publish_tries + 1)
        )


def last_seq(conn: Connection) -> int:
    """The newest row's sequence number (0 for an empty outbox)."""
    value = conn.execute(sa.select(sa.func.max(outbox.c.seq))).scalar_one()
    return int(value or 0)


def reassign_dedup_id(conn: Connection, seq: int, dedup_id: str) -> None:
    """Publish a row under a fresh de-duplication id from now on (never offered under it)."""
    conn.execute(
        sa.update(outbox).where(outbox.c.seq == seq).values(dedup_id=dedup_id, publish_tries=0)
    )


def mark_sent(conn: Connection, seqs: Sequence[int], at: datetime | None = None) -> None:
    """Record that the link acknowledged these rows."""
    if seqs:
        conn.execute(
            sa.update(outbox)
            .where(outbox.c.seq.in_(list(seqs)))
            .values(sent_at=at or datetime.now(UTC))
        )


def record_failure(conn: Connection, seqs: Sequence[int], error: str) -> None:
    """Count a failed publish attempt on these rows and keep the error for operators."""
    if seqs:
        conn.execute(
            sa.update(outbox)
            .where(outbox.c.seq.in_(list(seqs)))
            .values(attempts=outbox.c.attempts + 1, last_error=error[:2000])
        )


def depth(conn: Connection) -> int:
    """How many messages wait to be acknowledged (the outbox queue depth)."""
    count = conn.execute(
        sa.select(sa.func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
    ).scalar_one()
    return int(count)


def oldest_pending_at(conn: Connection) -> datetime | None:
    """When the oldest waiting message was committed (None when nothing waits)."""
    value: datetime | None = conn.execute(
        sa.select(sa.func.min(outbox.c.created_at)).where(outbox.c.sent_at.is_(None))
    ).scalar_one()
    if value is not None and value.tzinfo is None:  # SQLite keeps no offset; we store UTC
        value = value.replace(tzinfo=UTC)
    return value


def last_error(conn: Connection) -> str | None:
    """The error of a waiting message's latest failed attempt (None when none failed)."""
    value: str | None = conn.execute(
        sa.select(outbox.c.last_error)
        .where(outbox.c.sent_at.is_(None), outbox.c.last_error.is_not(None))
        .limit(1)
    ).scalar()
    return value


def prune_sent(conn: Connection, before: datetime) -> int:
    """Delete acknowledged rows sent before ``before``; return how many went."""
    result = conn.execute(
        sa.delete(outbox).where(outbox.c.sent_at.is_not(None), outbox.c.sent_at < before)
    )
    return int(result.rowcount or 0)
