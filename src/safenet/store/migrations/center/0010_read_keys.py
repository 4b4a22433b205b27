"""The retained reads' match keys, for an indexed retrospective look-up (issue 16).

``read_keys`` (:mod:`safenet.center.retro_index`): on PostgreSQL one row per read,
``(read_seq, read_at, keys BIGINT[])`` with a GIN index on ``keys`` and a BRIN index on
``read_seq``; on SQLite one row per key, ``(read_seq, key, read_at)``, indexed by
``(key, read_seq)`` and by ``read_seq``. Reads already stored get their keys here, in
chunks, so a look-up after the upgrade finds them as it finds new ones.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "center_0010"
down_revision = "center_0009"

_CHUNK = 5000


def upgrade() -> None:
    from safenet.center.retro_index import write_keys
    from safenet.store import UtcDateTime

    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.create_table(
            "read_keys",
            sa.Column("read_seq", sa.BigInteger(), nullable=False),
            sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("keys", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        )
        op.create_index("ix_read_keys_keys", "read_keys", ["keys"], postgresql_using="gin")
        op.create_index("ix_read_keys_read_seq", "read_keys", ["read_seq"], postgresql_using="brin")
    else:
        op.create_table(
            "read_keys",
            sa.Column("read_seq", sa.Integer(), nullable=False),
            sa.Column("key", sa.BigInteger(), nullable=False),
            sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.create_index("ix_read_keys_key", "read_keys", ["key", "read_seq"])
        op.create_index("ix_read_keys_read_seq", "read_keys", ["read_seq"])
    reads = sa.table(
        "reads",
        sa.column("seq", sa.BigInteger()),
        sa.column("read_at", UtcDateTime()),
        sa.column("plate", sa.String()),
        sa.column("alternatives", sa.JSON()),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(reads.c.seq, reads.c.read_at, reads.c.plate, reads.c.alternatives)
            .where(reads.c.seq > last)
            .order_by(reads.c.seq)
            .limit(_CHUNK)
        ).all()
        if not rows:
            break
        last = int(rows[-1].seq)
        write_keys(conn, [r._asdict() for r in rows])


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
