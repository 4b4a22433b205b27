"""The wanted vehicle's body type (issue 17), beside its make, model and colour.

A word of the vehicle vocabulary (``safenet.vehicles``: 승용, SUV, 승합, 화물, ...), sent
to the centers with the colour as vocabulary codes so their decision chain can compare
them with what the cameras report. Entries registered before have none (empty).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0008"
down_revision = "police_0007"


def upgrade() -> None:
    with op.batch_alter_table("police_wanted") as batch:
        batch.add_column(
            sa.Column("vehicle_type", sa.String(60), nullable=False, server_default="")
        )


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
