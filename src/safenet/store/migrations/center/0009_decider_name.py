"""The operator's rank and name on a decided hit (issue 12).

``hits.decided_by_name``: what records show for the person who confirmed or rejected a
candidate ("주무관 박서연"), beside ``decided_by`` (the user id). Hits decided before
have none; views fall back to the id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0009"
down_revision = "center_0008"


def upgrade() -> None:
    with op.batch_alter_table("hits") as batch:
        batch.add_column(sa.Column("decided_by_name", sa.String(100), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
