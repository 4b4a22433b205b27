"""Personal accounts, their recovery codes and sessions, and per-camera API keys.

Written out column by column (not imported from safenet.auth.tables) so that the
migration stays what it was when it first ran, whatever the live code becomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "center_0004"
down_revision = "center_0003"


def _time() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "auth_users",
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
        sa.Column("locked_until", _time(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("updated_at", _time(), nullable=False),
    )
    op.create_table(
        "auth_recovery_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("used_at", _time(), nullable=True),
    )
    op.create_index("ix_auth_recovery_codes_user_id", "auth_recovery_codes", ["user_id"])
    op.create_table(
        "auth_sessions",
        sa.Column("session_id", sa.String(32), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("last_seen_at", _time(), nullable=False),
        sa.Column("expires_at", _time(), nullable=False),
        sa.Column("refresh_jti", sa.String(32), nullable=True),
        sa.Column("revoked_at", _time(), nullable=True),
        sa.Column("revoked_reason", sa.String(100), nullable=True),
    )
    op.create_index("ix_auth_sessions_user_id", "auth_sessions", ["user_id"])
    op.create_table(
        "auth_camera_keys",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("camera_id", sa.String(100), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _time(), nullable=False),
        sa.Column("revoked_at", _time(), nullable=True),
    )
    op.create_index("ix_auth_camera_keys_camera_id", "auth_camera_keys", ["camera_id"])


def downgrade() -> None:
    op.drop_table("auth_camera_keys")
    op.drop_table("auth_sessions")
    op.drop_table("auth_recovery_codes")
    op.drop_table("auth_users")
