"""Link and audit integrity on the police side (issue 13).

The outbox learns whether a message may already have reached the server
(``publish_tries``) and a fresh de-duplication id after someone else took its own
(``dedup_id``). The audit log gains every center's witnessed checkpoint heads
(``audit_witness``), signed pruning anchors (``audit_prune``) and the keys of actions
recorded once (``audit_once``). The camera registries the centers announced over the
link (``police_camera_registry`` and its parts and versions) let the police refuse a
report naming a camera its sender never announced.

Written out column by column so the migration stays what it was when it first ran.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0006"
down_revision = "police_0005"


def _seq() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("link_outbox") as batch:
        batch.add_column(
            sa.Column("publish_tries", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("dedup_id", sa.String(100), nullable=True))
    op.create_table(
        "audit_witness",
        sa.Column("site", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("seq", _seq(), primary_key=True, autoincrement=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("cutoff", sa.String(40), nullable=True),
        sa.Column("removed", _seq(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_prune",
        sa.Column("seq", _seq(), primary_key=True, autoincrement=False),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("cutoff", sa.String(40), nullable=False),
        sa.Column("removed", _seq(), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
    )
    op.create_table(
        "audit_once",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("seq", _seq(), nullable=False),
    )
    op.create_table(
        "police_camera_registry_parts",
        sa.Column("site", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("part", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("cameras", sa.JSON(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "police_camera_registry_versions",
        sa.Column("site", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("cameras", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "police_camera_registry",
        sa.Column("site", sa.String(32), primary_key=True),
        sa.Column("camera_id", sa.String(64), primary_key=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.Column("facing", sa.String(8), nullable=True),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_police_camera_registry_camera", "police_camera_registry", ["camera_id"])


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
