"""The center's own tables: camera registry, reads, snapshots, hits, hotlist, look-ups.

Written out column by column (not imported from safenet.center.tables) so that the
migration stays what it was when it first ran, whatever the live code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0003"
down_revision = "center_0002"


def _seq() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "camera_installations",
        sa.Column("installation_id", sa.String(80), primary_key=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("road_address", sa.String(300), nullable=True),
        sa.Column("lot_address", sa.String(300), nullable=True),
        sa.Column("purpose", sa.String(100), nullable=True),
        sa.Column("camera_count", sa.Integer(), nullable=False),
        sa.Column("resolution", sa.Integer(), nullable=True),
        sa.Column("view_direction", sa.String(300), nullable=True),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("installed", sa.String(40), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("local_gov_code", sa.String(20), nullable=True),
        sa.Column("management_no", sa.String(60), nullable=True),
        sa.Column("imported_at", _time(), nullable=False),
        sa.Column("retired_at", _time(), nullable=True),
    )
    op.create_index("ix_camera_installations_source", "camera_installations", ["source"])

    op.create_table(
        "cameras",
        sa.Column("camera_id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("installation_id", sa.String(80), nullable=True),
        sa.Column("camera_index", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.Column("purpose", sa.String(100), nullable=True),
        sa.Column("view_direction", sa.String(300), nullable=True),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("camera_group", sa.String(200), nullable=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("imported_at", _time(), nullable=False),
        sa.Column("retired_at", _time(), nullable=True),
    )
    op.create_index("ix_cameras_installation", "cameras", ["installation_id"])
    op.create_index("ix_cameras_retention_days", "cameras", ["retention_days"])

    op.create_table(
        "reads",
        sa.Column("seq", _seq(), primary_key=True, autoincrement=True),
        sa.Column("read_id", sa.String(64), nullable=False),
        sa.Column("camera_id", sa.String(100), nullable=False),
        sa.Column("read_at", _time(), nullable=False),
        sa.Column("received_at", _time(), nullable=False),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("alternatives", sa.JSON(), nullable=True),
        sa.Column("vehicle_colour", sa.String(40), nullable=True),
        sa.Column("vehicle_type", sa.String(40), nullable=True),
        sa.Column("snapshot_ref", sa.String(200), nullable=True),
        sa.Column("has_snapshot", sa.Boolean(), nullable=False),
        sa.Column("is_hit", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("camera_id", "read_id", name="uq_reads_camera_read"),
    )
    op.create_index("ix_reads_read_id", "reads", ["read_id"])
    op.create_index("ix_reads_hit_read_at", "reads", ["is_hit", "read_at"])
    op.create_index("ix_reads_camera_read_at", "reads", ["camera_id", "read_at"])

    op.create_table(
        "read_snapshots",
        sa.Column(
            "read_seq",
            _seq(),
            sa.ForeignKey("reads.seq", ondelete="CASCADE", name="fk_read_snapshots_read"),
            primary_key=True,
        ),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )

    op.create_table(
        "hits",
        sa.Column("hit_id", sa.String(40), primary_key=True),
        sa.Column(
            "read_seq",
            _seq(),
            sa.ForeignKey("reads.seq", name="fk_hits_read"),
            nullable=False,
        ),
        sa.Column("read_id", sa.String(64), nullable=False),
        sa.Column("camera_id", sa.String(100), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("hotlist_version", sa.Integer(), nullable=False),
        sa.Column("read_at", _time(), nullable=False),
        sa.Column("detected_at", _time(), nullable=False),
        sa.Column("plate_read", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("match_level", sa.String(16), nullable=False),
        sa.Column("text_rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("read_confidence", sa.Float(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.Column("retrospective", sa.Boolean(), nullable=False),
        sa.Column("impossible_journey", sa.Boolean(), nullable=False),
        sa.Column("journey_note", sa.Text(), nullable=True),
        sa.Column("suppressed_by", sa.String(40), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", _time(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.UniqueConstraint("read_seq", "entry_id", name="uq_hits_read_entry"),
    )
    op.create_index("ix_hits_entry_read_at", "hits", ["entry_id", "read_at"])
    op.create_index("ix_hits_state", "hits", ["state"])
    op.create_index("ix_hits_read_at", "hits", ["read_at"])

    op.create_table(
        "hotlist_entries",
        sa.Column("entry_id", sa.String(64), primary_key=True),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("expires_at", _time(), nullable=False),
        sa.Column("fuzzy_allowance", sa.Float(), nullable=False),
        sa.Column("vehicle", sa.String(200), nullable=False),
        sa.Column("policy", sa.String(40), nullable=False),
        sa.Column("confirm_before_send", sa.Boolean(), nullable=False),
        sa.Column("added_version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "hotlist_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("applied_at", _time(), nullable=True),
        sa.Column("acked_at", _time(), nullable=True),
    )
    op.create_table(
        "hotlist_parts",
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("part", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", _time(), nullable=False),
    )
    op.create_table(
        "retro_lookups",
        sa.Column("id", _seq(), primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("hotlist_version", sa.Integer(), nullable=False),
        sa.Column("up_to_seq", _seq(), nullable=False),
        sa.Column("requested_at", _time(), nullable=False),
        sa.Column("done_at", _time(), nullable=True),
        sa.Column("reads_searched", sa.Integer(), nullable=True),
        sa.Column("hits", sa.Integer(), nullable=True),
    )
    op.create_index("ix_retro_lookups_done_at", "retro_lookups", ["done_at"])


def downgrade() -> None:
    raise NotImplementedError("safenet migrations go forward only")
