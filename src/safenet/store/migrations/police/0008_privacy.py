"""Privacy limits on wanted entries (issue 13): a vague pattern's hits are held for an operator.

``hold_hits`` is set by the registration gate when the pattern policy allows a witness
pattern only on terms (a description, a category that allows it): every hit on the
entry then waits for a center operator before it is sent, whatever the category's own
rule. Entries registered before are full plates or patterns of the old gate: false.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0008"
down_revision = "police_0007"


def upgrade() -> None:
    with op.batch_alter_table("police_wanted") as batch:
        batch.add_column(
            sa.Column("hold_hits", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
