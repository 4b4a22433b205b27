"""The center's evidence tables: requests and decisions, provisions, the provision register.

Written out column by column (not imported from safenet.evidence.tables) so that the
migration stays what it was when it first ran, whatever the live code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0005"
down_revision = "center_0004"


def _seq() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "evidence_requests",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("case_number", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("requester_id", sa.String(64), nullable=False),
        sa.Column("request", sa.LargeBinary(), nullable=False),
        sa.Column("requested_at", _time(), nullable=False),
        sa.Column("received_at", _time(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", _time(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("denial_code", sa.String(32), nullable=True),
        sa.Column("denial_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_evidence_requests_state", "evidence_requests", ["state", "received_at"])
    op.create_table(
        "evidence_provisions",
        sa.Column("package_id", sa.String(64), primary_key=True),
        sa.Column("request_id", sa.String(64), nullable=False, unique=True),
        sa.Column("manifest", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("body_size", _seq(), nullable=False),
        sa.Column("approver", sa.String(64), nullable=False),
        sa.Column("provided_at", _time(), nullable=False),
        sa.Column("expires_at", _time(), nullable=False),
    )
    op.create_table(
        "provision_register",
        sa.Column("record_id", sa.String(80), primary_key=True),
        sa.Column("package_id", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("site", sa.String(32), nullable=False),
        sa.Column("provided_at", _time(), nullable=False),
        sa.Column("form", sa.String(16), nullable=False),
        sa.Column("camera_ids", sa.JSON(), nullable=False),
        sa.Column("time_from", _time(), nullable=True),
        sa.Column("time_to", _time(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("file_sha256", sa.JSON(), nullable=False),
        sa.Column("recipient_agency", sa.String(100), nullable=False),
        sa.Column("recipient_officer_id", sa.String(64), nullable=False),
        sa.Column("recipient_name", sa.String(40), nullable=False),
        sa.Column("recipient_rank", sa.String(20), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(100), nullable=False),
        sa.Column("period_until", _time(), nullable=False),
        sa.Column("case_number", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("approver", sa.String(64), nullable=False),
        sa.Column("approved_at", _time(), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
    )
    op.create_index("ix_provision_register_package_id", "provision_register", ["package_id"])
    op.create_index("ix_provision_register_provided_at", "provision_register", ["provided_at"])
    op.create_index("ix_provision_register_case_number", "provision_register", ["case_number"])


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
