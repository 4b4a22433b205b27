"""The decision chain's state in the database (issue 17): held candidates survive a restart.

Three tables, written in the transaction that stores the batch
(:mod:`safenet.center.decision_store`):

- ``decision_journal``: every read the decision chain observed (its observation and
  its matches), kept for the chain's evidence window; a restarted center, or another
  queue worker of the site, replays them to rebuild the chain's evidence.
- ``decision_held``: the candidates held for corroboration (the hit draft with its
  read, the entry, the hold's deadline in stream time). Surfacing deletes the row in
  the transaction that writes the hit; the expiry deletes it when the hold ran out.
- ``decision_memory``: the neighbour memory's remembered camera passes per entry
  (:mod:`safenet.matching.decision.memory`), within the memory's age.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0012"
down_revision = "center_0011"

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "decision_journal",
        sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
        sa.Column("read_key", sa.String(170), nullable=False),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("written_at", sa.Float, nullable=False),
        sa.Column("writer", sa.String(40), nullable=False),
        sa.Column("observation", sa.JSON, nullable=False),
        sa.Column("matches", sa.JSON, nullable=False),
        sa.UniqueConstraint("read_key", name="uq_decision_journal_read"),
    )
    op.create_index("ix_decision_journal_ts", "decision_journal", ["ts"])
    op.create_index("ix_decision_journal_written", "decision_journal", ["written_at"])
    op.create_table(
        "decision_held",
        sa.Column("read_key", sa.String(170), primary_key=True),
        sa.Column("entry_id", sa.String(64), primary_key=True),
        sa.Column("read_seq", _SEQ, nullable=False),
        sa.Column("deadline", sa.Float, nullable=False),
        sa.Column("writer", sa.String(40), nullable=False),
        sa.Column("draft", sa.JSON, nullable=False),
    )
    op.create_table(
        "decision_memory",
        sa.Column("entry_id", sa.String(64), primary_key=True),
        sa.Column("rank", sa.Integer, primary_key=True),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("camera_id", sa.String(100), nullable=False),
        sa.Column("first_ts", sa.Float, nullable=False),
        sa.Column("last_ts", sa.Float, nullable=False),
        sa.Column("sureness", sa.Float, nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
