"""The police side's own tables: wanted registry, hotlist versions, centers, hits, alerts.

Written out column by column (not imported from safenet.police.tables) so that the
migration stays what it was when it first ran, whatever the live code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "police_0003"
down_revision = "police_0002"


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "police_wanted",
        sa.Column("entry_id", sa.String(40), primary_key=True),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("plate_input", sa.String(40), nullable=False),
        sa.Column("is_pattern", sa.Boolean(), nullable=False),
        sa.Column("vehicle_make", sa.String(60), nullable=False),
        sa.Column("vehicle_model", sa.String(60), nullable=False),
        sa.Column("vehicle_colour", sa.String(60), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("case_number", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("registrar", sa.String(64), nullable=False),
        sa.Column("registrar_name", sa.String(200), nullable=False),
        sa.Column("approver", sa.String(64), nullable=True),
        sa.Column("approver_name", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("approved_at", _time(), nullable=True),
        sa.Column("expires_at", _time(), nullable=False),
        sa.Column("ended_at", _time(), nullable=True),
        sa.Column("ended_by", sa.String(64), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("renewals", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", _time(), nullable=False),
    )
    op.create_index("ix_police_wanted_status", "police_wanted", ["status", "expires_at"])
    op.create_index("ix_police_wanted_case", "police_wanted", ["case_number"])

    op.create_table(
        "police_hotlist_versions",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("cause", sa.String(40), nullable=False),
        sa.Column("added", sa.JSON(), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
    )

    op.create_table(
        "police_centers",
        sa.Column("site", sa.String(32), primary_key=True),
        sa.Column("first_seen_at", _time(), nullable=False),
        sa.Column("acked_version", sa.Integer(), nullable=True),
        sa.Column("acked_at", _time(), nullable=True),
        sa.Column("acked_entry_count", sa.Integer(), nullable=True),
        sa.Column("heartbeat_at", _time(), nullable=True),
        sa.Column("heartbeat_version", sa.Integer(), nullable=True),
        sa.Column("software_version", sa.String(200), nullable=True),
        sa.Column("snapshot_version", sa.Integer(), nullable=True),
        sa.Column("snapshot_at", _time(), nullable=True),
    )

    op.create_table(
        "police_hits",
        sa.Column("id", _id(), primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(32), nullable=False),
        sa.Column("hit_id", sa.String(64), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("hotlist_version", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.String(64), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.Column("read_at", _time(), nullable=False),
        sa.Column("plate_read", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("read_confidence", sa.Float(), nullable=False),
        sa.Column("snapshot_ref", sa.String(200), nullable=True),
        sa.Column("retrospective", sa.Boolean(), nullable=False),
        sa.Column("received_at", _time(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", _time(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("alerted", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("site", "hit_id", name="uq_police_hits_site_hit"),
    )
    op.create_index("ix_police_hits_entry", "police_hits", ["entry_id", "read_at"])

    op.create_table(
        "police_hit_updates",
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("site", sa.String(32), nullable=False),
        sa.Column("hit_id", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("decided_at", _time(), nullable=False),
        sa.Column("received_at", _time(), nullable=False),
    )
    op.create_index("ix_police_hit_updates_hit", "police_hit_updates", ["site", "hit_id"])

    op.create_table(
        "police_alerts",
        sa.Column("alert_id", _id(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("site", sa.String(32), nullable=False),
        sa.Column("hit_row", _id(), nullable=True),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("acknowledged_by", sa.String(64), nullable=True),
        sa.Column("acknowledged_at", _time(), nullable=True),
        sa.Column("dispatched_by", sa.String(64), nullable=True),
        sa.Column("dispatched_at", _time(), nullable=True),
        sa.Column("dispatch_note", sa.Text(), nullable=True),
    )
    op.create_index("ix_police_alerts_site", "police_alerts", ["site", "alert_id"])
    op.create_index("ix_police_alerts_entry", "police_alerts", ["entry_id"])


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
