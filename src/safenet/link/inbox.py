"""The idempotent inbox: a receiver processes each message id once, however often it arrives.

Delivery is at-least-once (a receiver killed after its commit but before its ack gets
the message again), so every receiver records the message id in the same
transaction as its own write and skips the write when the id is already there::

    async def on_report(message: Message) -> None:
        def store() -> None:
            with db.begin() as conn:
                if inbox.first_receipt(conn, message):
                    conn.execute(insert(locations).values(...))
        await asyncio.to_thread(store)

The unique key is the message id, so two receivers racing on one message also end
with one row.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from safenet.link.messages import LinkMessage, message_type
from safenet.link.tables import inbox
from safenet.store.sql import insert_if_absent


def first_receipt(conn: Connection, message: LinkMessage) -> bool:
    """Record the message as received; True the first time, False for a redelivery."""
    return insert_if_absent(
        conn,
        inbox,
        {
            "message_id": message.message_id,
            "message_type": message_type(message),
            "subject": message.subject,
            "received_at": datetime.now(UTC),
        },
        ["message_id"],
    )


def already_received(conn: Connection, message_id: str) -> bool:
    """Whether a message id was processed before."""
    row = conn.execute(
        sa.select(inbox.c.message_id).where(inbox.c.message_id == message_id)
    ).first()
    return row is not None


def prune_received(conn: Connection, before: datetime) -> int:
    """Forget ids received before ``before``; keep them far longer than any redelivery."""
    result = conn.execute(sa.delete(inbox).where(inbox.c.received_at < before))
    return int(result.rowcount or 0)
