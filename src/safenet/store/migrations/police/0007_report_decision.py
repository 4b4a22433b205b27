"""The center's decision on each hit it reported (LocationReport schema version 2).

A schema-2 report says whether the center sent it as an ``alert``, a ``candidate``
or an operator-``confirmed`` candidate; the police store it instead of working it out
from the match level. Hits stored before carry what schema 1 implied: ``exact`` was
an alert, anything else a candidate.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0007"
down_revision = "police_0006"


def upgrade() -> None:
    with op.batch_alter_table("police_hits") as batch:
        batch.add_column(
            sa.Column("report_decision", sa.String(16), nullable=False, server_default="candidate")
        )
    hits = sa.table("police_hits", sa.column("level"), sa.column("report_decision"))
    op.execute(hits.update().where(hits.c.level == "exact").values(report_decision="alert"))


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
