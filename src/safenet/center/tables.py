"""The center's own tables, as SQLAlchemy Core sees them.

Created by migration ``center_0003`` (``safenet/store/migrations/center/``); a change
here needs a new numbered migration, never an edit of an applied one. Times are
stored in UTC whatever offset they arrive with (:class:`safenet.store.UtcDateTime`);
:func:`utc` remains for values that did not come through these columns.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from safenet.store import UtcDateTime

metadata = sa.MetaData()

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = UtcDateTime()

installations = sa.Table(
    "camera_installations",
    metadata,
    sa.Column("installation_id", sa.String(80), primary_key=True),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("row_number", sa.Integer, nullable=False),
    sa.Column("agency", sa.String(200), nullable=False),
    sa.Column("road_address", sa.String(300)),
    sa.Column("lot_address", sa.String(300)),
    sa.Column("purpose", sa.String(100)),
    sa.Column("camera_count", sa.Integer, nullable=False),
    sa.Column("resolution", sa.Integer),
    sa.Column("view_direction", sa.String(300)),
    sa.Column("retention_days", sa.Integer),
    sa.Column("installed", sa.String(40)),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("data_date", sa.Date),
    sa.Column("local_gov_code", sa.String(20)),
    sa.Column("management_no", sa.String(60)),
    sa.Column("imported_at", _TIME, nullable=False),
    sa.Column("retired_at", _TIME),
)
"""Rows of 전국CCTV표준데이터: a place with 카메라대수 cameras (a "site" in that data)."""

cameras = sa.Table(
    "cameras",
    metadata,
    sa.Column("camera_id", sa.String(100), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("installation_id", sa.String(80)),
    sa.Column("camera_index", sa.Integer),
    sa.Column("lat", sa.Float, nullable=False),
    sa.Column("lon", sa.Float, nullable=False),
    sa.Column("heading", sa.Float),
    sa.Column("purpose", sa.String(100)),
    sa.Column("view_direction", sa.String(300)),
    sa.Column("retention_days", sa.Integer),
    sa.Column("name", sa.String(200)),
    sa.Column("address", sa.String(300)),
    sa.Column("camera_group", sa.String(200)),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("imported_at", _TIME, nullable=False),
    sa.Column("retired_at", _TIME),
)
"""Every camera a read may name: from the national data (``standard``) or an LPR list."""

reads = sa.Table(
    "reads",
    metadata,
    sa.Column("seq", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("read_id", sa.String(64), nullable=False),
    sa.Column("camera_id", sa.String(100), nullable=False),
    sa.Column("read_at", _TIME, nullable=False),
    sa.Column("received_at", _TIME, nullable=False),
    sa.Column("plate", sa.String(16), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("alternatives", sa.JSON),
    sa.Column("vehicle_colour", sa.String(40)),
    sa.Column("vehicle_type", sa.String(40)),
    sa.Column("snapshot_ref", sa.String(200)),
    sa.Column("has_snapshot", sa.Boolean, nullable=False),
    sa.Column("is_hit", sa.Boolean, nullable=False),
    sa.UniqueConstraint("camera_id", "read_id", name="uq_reads_camera_read"),
)
"""Plate reads kept for the retention period; non-hit reads never leave the center.

On PostgreSQL (migration ``center_0011``) the table is partitioned by ``read_at``: its
primary key is ``(seq, read_at)``, its resend guard ``(camera_id, read_id, read_at)``,
and ``read_snapshots``/``hits`` keep ``read_seq`` without a database foreign key (see
:mod:`safenet.center.partitions`). This declaration is SQLite's shape and the columns
both share; the foreign keys below tell SQLAlchemy how the tables join.
"""

snapshots = sa.Table(
    "read_snapshots",
    metadata,
    sa.Column("read_seq", _SEQ, sa.ForeignKey("reads.seq", ondelete="CASCADE"), primary_key=True),
    sa.Column("jpeg", sa.LargeBinary, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
)
"""Snapshot images sent with reads; they go when their read goes."""

hits = sa.Table(
    "hits",
    metadata,
    sa.Column("hit_id", sa.String(40), primary_key=True),
    sa.Column("read_seq", _SEQ, sa.ForeignKey("reads.seq"), nullable=False),
    sa.Column("read_id", sa.String(64), nullable=False),
    sa.Column("camera_id", sa.String(100), nullable=False),
    sa.Column("entry_id", sa.String(64), nullable=False),
    sa.Column("hotlist_version", sa.Integer, nullable=False),
    sa.Column("read_at", _TIME, nullable=False),
    sa.Column("detected_at", _TIME, nullable=False),
    sa.Column("plate_read", sa.String(16), nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("match_level", sa.String(16), nullable=False),
    sa.Column("text_rank", sa.Integer, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("explanation", sa.Text, nullable=False),
    sa.Column("read_confidence", sa.Float, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("reported", sa.Boolean, nullable=False),
    sa.Column("retrospective", sa.Boolean, nullable=False),
    sa.Column("impossible_journey", sa.Boolean, nullable=False),
    sa.Column("journey_note", sa.Text),
    sa.Column("suppressed_by", sa.String(40)),
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_by_name", sa.String(100)),
    sa.Column("decided_at", _TIME),
    sa.Column("decision_reason", sa.Text),
    sa.Column("decision_rule", sa.String(24)),
    sa.Column("group_plate", sa.String(16)),
    sa.Column("assessment", sa.JSON),
    sa.UniqueConstraint("read_seq", "entry_id", name="uq_hits_read_entry"),
)
"""Reads that matched a wanted entry: alerts, candidates, and what operators decided."""

hotlist_entries = sa.Table(
    "hotlist_entries",
    metadata,
    sa.Column("entry_id", sa.String(64), primary_key=True),
    sa.Column("plate", sa.String(16), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("expires_at", _TIME, nullable=False),
    sa.Column("fuzzy_allowance", sa.Float, nullable=False),
    sa.Column("vehicle", sa.String(200), nullable=False),
    sa.Column("policy", sa.String(40), nullable=False),
    sa.Column("confirm_before_send", sa.Boolean, nullable=False),
    sa.Column("added_version", sa.Integer, nullable=False),
    sa.Column("colour", sa.String(16)),
    sa.Column("vehicle_type", sa.String(16)),
    sa.Column("make", sa.String(60)),
    sa.Column("model", sa.String(60)),
)
"""The hotlist the center matches with, kept so a restarted center matches at once."""

hotlist_state = sa.Table(
    "hotlist_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("entry_count", sa.Integer, nullable=False),
    sa.Column("applied_at", _TIME),
    sa.Column("acked_at", _TIME),
)
"""One row (id 1): the hotlist version in force and when it was acknowledged."""

hotlist_parts = sa.Table(
    "hotlist_parts",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("part", sa.Integer, primary_key=True),
    sa.Column("parts", sa.Integer, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("received_at", _TIME, nullable=False),
)
"""Parts of a multi-part snapshot received so far (applied once all are in)."""

retro_lookups = sa.Table(
    "retro_lookups",
    metadata,
    sa.Column("id", _SEQ, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.String(64), nullable=False),
    sa.Column("hotlist_version", sa.Integer, nullable=False),
    sa.Column("up_to_seq", _SEQ, nullable=False),
    sa.Column("requested_at", _TIME, nullable=False),
    sa.Column("done_at", _TIME),
    sa.Column("reads_searched", sa.Integer),
    sa.Column("hits", sa.Integer),
)
"""Newly added entries to look up in the retained reads (pending until ``done_at``)."""


def utc(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite returns it without an offset)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utc_or_none(value: datetime | None) -> datetime | None:
    """:func:`utc` for a column that may be NULL."""
    return None if value is None else utc(value)
