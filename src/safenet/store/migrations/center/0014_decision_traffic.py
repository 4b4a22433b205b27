"""The decision chain's look-alike traffic in the database (issue 17): a restart keeps it.

``decision_traffic``: each surely read pass of a real plate one step from a wanted
entry's plate, kept for the chain's traffic hour
(:class:`safenet.matching.decision.memory.NearTraffic`),
which outlasts the journal's evidence window. One row per pass, named by entry,
plate, camera and the pass's first frame; ``frame`` is the pass's surest frame (what
the chain weighs of it: camera, position, time, description); ``ord`` its place in the
entry's log (the order the chain noted the passes).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0014"
down_revision = "center_0013"


def upgrade() -> None:
    op.create_table(
        "decision_traffic",
        sa.Column("entry_id", sa.String(64), primary_key=True),
        sa.Column("plate", sa.String(16), primary_key=True),
        sa.Column("camera_id", sa.String(100), primary_key=True),
        sa.Column("first_ts", sa.Float, primary_key=True),
        sa.Column("last_ts", sa.Float, nullable=False),
        sa.Column("sureness", sa.Float, nullable=False),
        sa.Column("frame", sa.JSON, nullable=False),
        sa.Column("ord", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_decision_traffic_last", "decision_traffic", ["last_ts"])


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
