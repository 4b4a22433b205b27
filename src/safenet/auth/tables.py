"""The accounts a site keeps: people, their recovery codes and sessions, camera keys.

Created by migration ``0004_auth`` of both chains (the police and every center keep
their own accounts; nobody signs in at one site with another site's account).
"""

from __future__ import annotations

import sqlalchemy as sa

from safenet.store import UtcDateTime

metadata = sa.MetaData()

users = sa.Table(
    "auth_users",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("site", sa.String(64), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("rank", sa.String(60), nullable=False),
    sa.Column("roles", sa.JSON(), nullable=False),
    sa.Column("sites", sa.JSON(), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("totp_secret", sa.String(64), nullable=False),
    sa.Column("totp_state", sa.String(16), nullable=False),
    sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
    sa.Column("failed_attempts", sa.Integer(), nullable=False),
    sa.Column("locked_until", UtcDateTime(), nullable=True),
    sa.Column("disabled", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

recovery_codes = sa.Table(
    "auth_recovery_codes",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False, index=True),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)

sessions = sa.Table(
    "auth_sessions",
    metadata,
    sa.Column("session_id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.String(64), nullable=False, index=True),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("refresh_jti", sa.String(32), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_reason", sa.String(100), nullable=True),
)

camera_keys = sa.Table(
    "auth_camera_keys",
    metadata,
    sa.Column("key_id", sa.String(16), primary_key=True),
    sa.Column("camera_id", sa.String(100), nullable=False, index=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
)
