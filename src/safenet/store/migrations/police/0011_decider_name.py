"""The center operator's rank and name on hit decisions (issue 12).

``police_hit_updates.operator_name``: the HitUpdate's optional ``operator_name`` (rank
and real name, "주무관 박서연"); older centers send none. ``police_hits.decided_by_name``:
the latest decision's name, for the dispatcher's card. ``police_alerts.acknowledged_by_name``
and ``dispatched_by_name``: the officer's rank and name beside the user id, for the
card's "수신 확인" / "출동" lines. Views fall back to the user id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0011"
down_revision = "police_0010"


def upgrade() -> None:
    with op.batch_alter_table("police_hit_updates") as batch:
        batch.add_column(sa.Column("operator_name", sa.String(100), nullable=True))
    with op.batch_alter_table("police_hits") as batch:
        batch.add_column(sa.Column("decided_by_name", sa.String(100), nullable=True))
    with op.batch_alter_table("police_alerts") as batch:
        batch.add_column(sa.Column("acknowledged_by_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("dispatched_by_name", sa.String(100), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
