"""The link's tables in a site's database, as SQLAlchemy Core sees them.

Created by migration ``0001_link`` of both chains (``safenet.store``; ``0006_integrity``
added two outbox columns); keep the two in step when either changes (a new numbered
migration, never an edit of 0001).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

outbox = sa.Table(
    "link_outbox",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("message_id", sa.String(64), nullable=False, unique=True),
    sa.Column("message_type", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("payload", sa.LargeBinary(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("publish_tries", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("dedup_id", sa.String(100), nullable=True),
)
"""Messages a site has committed to send, in commit order; ``sent_at`` is set on PubAck.

``attempts`` counts failed publishes; ``publish_tries`` the failed ones that may have
reached the server all the same (the acknowledgement was lost), after which a
"duplicate" answer is a success.
``dedup_id`` is a fresh de-duplication id after someone else took the message's own
(migration 0006)."""

inbox = sa.Table(
    "link_inbox",
    metadata,
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("message_type", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)
"""Ids of the messages a site has already processed: its guard against redeliveries."""
