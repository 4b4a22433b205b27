"""The retained reads' match keys, for an indexed retrospective look-up (issue 16).

``read_keys(read_seq, key, read_at)``: the keys of each read's plate and alternatives
(:mod:`safenet.center.retro_keys`), indexed by ``(key, read_seq)`` for the look-up and
by ``read_seq`` for the purge (BRIN on PostgreSQL). Reads already stored get their keys here, in chunks, so a look-up
after the upgrade finds them as it finds new ones.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0010"
down_revision = "center_0009"

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_CHUNK = 5000


def upgrade() -> None:
    from safenet.center.retro_index import key_rows
    from safenet.store import UtcDateTime

    op.create_table(
        "read_keys",
        sa.Column("read_seq", _SEQ, nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_read_keys_key", "read_keys", ["key", "read_seq"])
    # BRIN on PostgreSQL (the sequence only grows); a plain index on SQLite.
    op.create_index("ix_read_keys_read_seq", "read_keys", ["read_seq"], postgresql_using="brin")
    conn = op.get_bind()
    reads = sa.table(
        "reads",
        sa.column("seq", sa.BigInteger()),
        sa.column("read_at", UtcDateTime()),
        sa.column("plate", sa.String()),
        sa.column("alternatives", sa.JSON()),
    )
    keys = sa.table(
        "read_keys",
        sa.column("read_seq", sa.BigInteger()),
        sa.column("key", sa.BigInteger()),
        sa.column("read_at", UtcDateTime()),
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
        keyed = key_rows(r._asdict() for r in rows)
        if keyed:
            conn.execute(
                keys.insert(), [{"read_seq": s, "key": k, "read_at": t} for s, k, t in keyed]
            )


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
