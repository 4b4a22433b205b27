"""The police's evidence tables: requests sent, packages received, parts, files, views.

Written out column by column (not imported from safenet.evidence.tables) so that the
migration stays what it was when it first ran, whatever the live code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0005"
down_revision = "police_0004"


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "evidence_requests_sent",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("site", sa.String(32), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(64), nullable=False),
        sa.Column("requester_id", sa.String(64), nullable=False),
        sa.Column("request", sa.LargeBinary(), nullable=False),
        sa.Column("requested_at", _time(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("denial_code", sa.String(32), nullable=True),
        sa.Column("denial_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", _time(), nullable=True),
    )
    op.create_index("ix_evidence_requests_sent_entry_id", "evidence_requests_sent", ["entry_id"])
    op.create_table(
        "evidence_packages",
        sa.Column("package_id", sa.String(64), primary_key=True),
        sa.Column("site", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False, unique=True),
        sa.Column("manifest", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("provided_at", _time(), nullable=False),
        sa.Column("received_at", _time(), nullable=False),
        sa.Column("verified_at", _time(), nullable=True),
        sa.Column("refused_reason", sa.Text(), nullable=True),
        sa.Column("expires_at", _time(), nullable=False),
        sa.Column("held_for_export", sa.Boolean(), nullable=False),
        sa.Column("purged_at", _time(), nullable=True),
    )
    op.create_index("ix_evidence_packages_expires_at", "evidence_packages", ["expires_at"])
    op.create_table(
        "evidence_parts",
        sa.Column("site", sa.String(32), primary_key=True),
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("part", sa.Integer(), primary_key=True),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", _time(), nullable=False),
    )
    op.create_table(
        "evidence_files",
        sa.Column("package_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(16), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("camera_ids", sa.JSON(), nullable=False),
        sa.Column("time_from", _time(), nullable=True),
        sa.Column("time_to", _time(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "evidence_views",
        sa.Column("id", _id(), primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("officer_id", sa.String(64), nullable=False),
        sa.Column("viewed_at", _time(), nullable=False),
    )
    op.create_index("ix_evidence_views_package_id", "evidence_views", ["package_id"])


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
