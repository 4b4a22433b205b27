"""Camera identities: one API key per camera, bound to that camera id.

A camera (or the platform relaying for it) sends ``X-Camera-Key: snc_<id>_<secret>``.
The key is random, shown once when issued, and stored as an HMAC-SHA256 under the
site's pepper: a copy of the database alone neither yields a usable key nor lets one be
checked offline. The key's id part finds the row without scanning; the comparison is
constant-time. :meth:`CameraKeys.verify_camera_key` answers *which* camera a key
belongs to; the read's ``camera_id`` must then be that camera (the ingest's check).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import sqlalchemy as sa

from safenet.audit import store as audit
from safenet.auth.errors import AuthError
from safenet.auth.tables import camera_keys
from safenet.auth.types import Clock, Principal, PrincipalKind, Role, utc_now
from safenet.store import Database

PREFIX = "snc"
_KEY = re.compile(r"^snc_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


def camera_principal(camera_id: str, site: str) -> Principal:
    """The principal a camera acts as: a device, at one site, that may only post reads."""
    return Principal(
        subject=camera_id,
        name=f"camera {camera_id}",
        roles=frozenset({Role.CAMERA}),
        sites=frozenset({site}),
        kind=PrincipalKind.CAMERA,
    )


class CameraKeys:
    """The camera keys of one center."""

    def __init__(self, db: Database, pepper: bytes, clock: Clock = utc_now) -> None:
        if len(pepper) < 32:
            raise ValueError("camera key pepper must be at least 32 bytes")
        self._db = db
        self._pepper = pepper
        self._clock = clock

    def _hash(self, key_id: str, secret: str) -> str:
        return hmac.new(self._pepper, f"{key_id}\0{secret}".encode(), hashlib.sha256).hexdigest()

    def issue(self, camera_id: str, *, actor: str, replace: bool = True) -> str:
        """A new key for ``camera_id`` (shown once); by default the camera's old keys end."""
        if not camera_id or len(camera_id) > 100:
            raise ValueError("camera_id: must be 1-100 characters")
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        now = self._clock()
        with self._db.begin() as conn:
            if replace:
                conn.execute(
                    camera_keys.update()
                    .where(camera_keys.c.camera_id == camera_id, camera_keys.c.revoked_at.is_(None))
                    .values(revoked_at=now)
                )
            conn.execute(
                camera_keys.insert().values(
                    key_id=key_id,
                    camera_id=camera_id,
                    key_hash=self._hash(key_id, secret),
                    created_at=now,
                )
            )
            audit.append(conn, actor, "auth.camera_key_issued", camera_id, {"key": key_id}, now)
        return f"{PREFIX}_{key_id}_{secret}"

    def revoke(self, camera_id: str, *, actor: str) -> int:
        """End every key of ``camera_id`` at once; the count ended."""
        now = self._clock()
        with self._db.begin() as conn:
            count = conn.execute(
                camera_keys.update()
                .where(camera_keys.c.camera_id == camera_id, camera_keys.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
            audit.append(conn, actor, "auth.camera_key_revoked", camera_id, {"keys": count}, now)
        return int(count or 0)

    def verify_camera_key(self, key: str) -> str:
        """The camera id a live key belongs to; :class:`AuthError` for any other key."""
        match = _KEY.match(key.strip())
        if match is None:
            raise AuthError("camera key is malformed")
        key_id, secret = match.groups()
        with self._db.read() as conn:
            row = conn.execute(sa.select(camera_keys).where(camera_keys.c.key_id == key_id)).first()
        expected = row.key_hash if row is not None else "0" * 64
        if not hmac.compare_digest(expected, self._hash(key_id, secret)) or row is None:
            raise AuthError("camera key is not valid")
        if row.revoked_at is not None:
            raise AuthError("camera key has been revoked")
        return str(row.camera_id)
