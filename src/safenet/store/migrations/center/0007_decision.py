"""The decision chain at the center (issue 17): the wanted vehicle's look, each hit's verdict.

Hotlist entries carry the wanted vehicle's colour, body type, make and model as the
police sent them (vocabulary codes of ``safenet.vehicles``; empty when not said).
Each hit keeps the decision chain's verdict: the rule that decided it
(``decision_rule``), the queue item it belongs to (``group_plate``: with the entry,
the plate the vehicle appears to carry) and the factors with their words
(``assessment``, JSON). Hits written before carry none of these.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0007"
down_revision = "center_0006"


def upgrade() -> None:
    with op.batch_alter_table("hotlist_entries") as batch:
        batch.add_column(sa.Column("colour", sa.String(16), nullable=True))
        batch.add_column(sa.Column("vehicle_type", sa.String(16), nullable=True))
        batch.add_column(sa.Column("make", sa.String(60), nullable=True))
        batch.add_column(sa.Column("model", sa.String(60), nullable=True))
    with op.batch_alter_table("hits") as batch:
        batch.add_column(sa.Column("decision_rule", sa.String(24), nullable=True))
        batch.add_column(sa.Column("group_plate", sa.String(16), nullable=True))
        batch.add_column(sa.Column("assessment", sa.JSON(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
