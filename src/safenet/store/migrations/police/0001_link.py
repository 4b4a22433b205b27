"""The link's transactional outbox and idempotent inbox on the police's side.

Written out column by column (not imported from safenet.link.tables) so that the
migration stays what it was when it first ran, whatever the live code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "link_outbox",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("message_type", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.UniqueConstraint("message_id", name="uq_link_outbox_message_id"),
    )
    op.create_index(
        "ix_link_outbox_pending",
        "link_outbox",
        ["seq"],
        sqlite_where=sa.text("sent_at IS NULL"),
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_index("ix_link_outbox_sent_at", "link_outbox", ["sent_at"])
    op.create_table(
        "link_inbox",
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("message_type", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_link_inbox_received_at", "link_inbox", ["received_at"])


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
