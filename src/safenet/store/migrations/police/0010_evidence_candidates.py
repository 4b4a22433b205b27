"""Parts waiting for their package are kept per candidate: several copies of one part number.

A forged EvidencePart can carry the number of a real one; keyed by (site, request, part)
alone, whichever came first kept its place and the center's own was dropped. The key
now includes the part's SHA-256, so the police hold each distinct copy (up to a cap)
until the verified header says which one the center signed. The table only holds
parts in flight; they are copied across.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0010"
down_revision = "police_0009"


def upgrade() -> None:
    op.create_table(
        "evidence_parts_new",
        sa.Column("site", sa.String(32), primary_key=True),
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("part", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    columns = "site, request_id, part, sha256, parts, data, received_at"
    op.execute(f"INSERT INTO evidence_parts_new ({columns}) SELECT {columns} FROM evidence_parts")
    op.drop_table("evidence_parts")
    op.rename_table("evidence_parts_new", "evidence_parts")


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
