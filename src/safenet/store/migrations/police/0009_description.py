"""The decision chain's description and reasons on the police side (issue 17).

``police_wanted.vehicle_type``: the wanted vehicle's body type, beside its make, model
and colour. ``police_hits.assessment``: why the center's decision chain reported a
hit (the LocationReport's optional ``assessment``), for the dispatcher's card.

The body type is a word of the vehicle vocabulary (``safenet.vehicles``: 승용, SUV,
승합, 화물, ...), sent to the centers with the colour as vocabulary codes so their
decision chain can compare them with what the cameras report. Entries registered
before have none (empty).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0009"
down_revision = "police_0008"


def upgrade() -> None:
    with op.batch_alter_table("police_wanted") as batch:
        batch.add_column(
            sa.Column("vehicle_type", sa.String(60), nullable=False, server_default="")
        )
    with op.batch_alter_table("police_hits") as batch:
        batch.add_column(sa.Column("assessment", sa.JSON(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
