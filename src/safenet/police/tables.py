"""The police database's own tables, as SQLAlchemy Core sees them.

Created by migration ``police_0003`` (``safenet/store/migrations/police/``); keep the
two in step (a new numbered migration for every change, never an edit of 0003). The
link's outbox/inbox and the audit log have their own tables (migrations 0001, 0002).
"""

from __future__ import annotations

import sqlalchemy as sa

from safenet.store.sql import UtcDateTime

metadata = sa.MetaData()

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_Time = UtcDateTime()

wanted = sa.Table(
    "police_wanted",
    metadata,
    sa.Column("entry_id", sa.String(40), primary_key=True),
    sa.Column("plate", sa.String(16), nullable=False),
    sa.Column("plate_input", sa.String(40), nullable=False),
    sa.Column("is_pattern", sa.Boolean(), nullable=False),
    sa.Column("vehicle_make", sa.String(60), nullable=False),
    sa.Column("vehicle_model", sa.String(60), nullable=False),
    sa.Column("vehicle_colour", sa.String(60), nullable=False),
    sa.Column("vehicle_type", sa.String(60), nullable=False, server_default=""),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("case_number", sa.String(64), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("registrar", sa.String(64), nullable=False),
    sa.Column("registrar_name", sa.String(200), nullable=False),
    sa.Column("approver", sa.String(64), nullable=True),
    sa.Column("approver_name", sa.String(200), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("approved_at", _Time, nullable=True),
    sa.Column("expires_at", _Time, nullable=False),
    sa.Column("ended_at", _Time, nullable=True),
    sa.Column("ended_by", sa.String(64), nullable=True),
    sa.Column("end_reason", sa.Text(), nullable=True),
    sa.Column("renewals", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("updated_at", _Time, nullable=False),
    sa.Column("hold_hits", sa.Boolean(), nullable=False, server_default=sa.false()),
)
"""Every wanted entry ever registered, whatever its status (nothing is deleted)."""

hotlist_versions = sa.Table(
    "police_hotlist_versions",
    metadata,
    sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("cause", sa.String(40), nullable=False),
    sa.Column("added", sa.JSON(), nullable=False),
    sa.Column("removed", sa.JSON(), nullable=False),
    sa.Column("entry_count", sa.Integer(), nullable=False),
)
"""One row per hotlist version: what changed and why."""

centers = sa.Table(
    "police_centers",
    metadata,
    sa.Column("site", sa.String(32), primary_key=True),
    sa.Column("first_seen_at", _Time, nullable=False),
    sa.Column("acked_version", sa.Integer(), nullable=True),
    sa.Column("acked_at", _Time, nullable=True),
    sa.Column("acked_entry_count", sa.Integer(), nullable=True),
    sa.Column("heartbeat_at", _Time, nullable=True),
    sa.Column("heartbeat_version", sa.Integer(), nullable=True),
    sa.Column("software_version", sa.String(200), nullable=True),
    sa.Column("snapshot_version", sa.Integer(), nullable=True),
    sa.Column("snapshot_at", _Time, nullable=True),
)
"""Each center's hotlist synchronisation: what it acknowledged, when, what it was sent."""

hits = sa.Table(
    "police_hits",
    metadata,
    sa.Column("id", _Id, primary_key=True, autoincrement=True),
    sa.Column("site", sa.String(32), nullable=False),
    sa.Column("hit_id", sa.String(64), nullable=False),
    sa.Column("entry_id", sa.String(64), nullable=False),
    sa.Column("hotlist_version", sa.Integer(), nullable=False),
    sa.Column("camera_id", sa.String(64), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("address", sa.String(200), nullable=False),
    sa.Column("heading", sa.Float(), nullable=True),
    sa.Column("read_at", _Time, nullable=False),
    sa.Column("plate_read", sa.String(16), nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("report_decision", sa.String(16), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("explanation", sa.Text(), nullable=False),
    sa.Column("read_confidence", sa.Float(), nullable=False),
    sa.Column("snapshot_ref", sa.String(200), nullable=True),
    sa.Column("retrospective", sa.Boolean(), nullable=False),
    sa.Column("received_at", _Time, nullable=False),
    sa.Column("decision", sa.String(16), nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("decided_by_name", sa.String(100), nullable=True),
    sa.Column("decided_at", _Time, nullable=True),
    sa.Column("decision_reason", sa.Text(), nullable=True),
    sa.Column("alerted", sa.Boolean(), nullable=False),
    sa.Column("assessment", sa.JSON(), nullable=True),
    sa.UniqueConstraint("site", "hit_id", name="uq_police_hits_site_hit"),
)
"""Every LocationReport received: one row per (center, hit id), however often it came."""

hit_updates = sa.Table(
    "police_hit_updates",
    metadata,
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("site", sa.String(32), nullable=False),
    sa.Column("hit_id", sa.String(64), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("operator", sa.String(64), nullable=False),
    sa.Column("operator_name", sa.String(100), nullable=True),
    sa.Column("decided_at", _Time, nullable=False),
    sa.Column("received_at", _Time, nullable=False),
)
"""Every HitUpdate received, kept even when its hit has not arrived yet."""

alerts = sa.Table(
    "police_alerts",
    metadata,
    sa.Column("alert_id", _Id, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("entry_id", sa.String(64), nullable=False),
    sa.Column("site", sa.String(32), nullable=False),
    sa.Column("hit_row", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
    sa.Column("created_at", _Time, nullable=False),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("acknowledged_by", sa.String(64), nullable=True),
    sa.Column("acknowledged_by_name", sa.String(100), nullable=True),
    sa.Column("acknowledged_at", _Time, nullable=True),
    sa.Column("dispatched_by", sa.String(64), nullable=True),
    sa.Column("dispatched_by_name", sa.String(100), nullable=True),
    sa.Column("dispatched_at", _Time, nullable=True),
    sa.Column("dispatch_note", sa.Text(), nullable=True),
)
"""Every alert raised for officers, with who acknowledged it and who dispatched."""
