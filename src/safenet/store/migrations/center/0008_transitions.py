"""The center's camera-to-camera counts (issue 15): camera ids and numbers, no plates.

``transition_counts`` holds what :class:`safenet.center.transitions.TransitionTally`
has counted, so a restart goes on from there: one row per (camera before or ``''``,
camera, next camera) with its count and since when the center counts.

Written out column by column so the migration stays what it was when it first ran.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0008"
down_revision = "center_0007"


def upgrade() -> None:
    op.create_table(
        "transition_counts",
        sa.Column("previous", sa.String(64), primary_key=True),
        sa.Column("camera_id", sa.String(64), primary_key=True),
        sa.Column("following", sa.String(64), primary_key=True),
        sa.Column("count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("transition_counts")
