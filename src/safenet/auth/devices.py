"""Camera identities: one API key per camera, bound to that camera id.

A camera (or the platform relaying for it) sends ``X-Camera-Key: snc_<id>_<secret>``.
The key is random, shown once when issued, and stored as an HMAC-SHA256 under the
site's pepper: a copy of the database alone neither yields a usable key nor lets one be
checked offline. The key's id part finds the row without scanning; the comparison is
constant-time. :meth:`CameraKeys.verify_camera_key` answers *which* camera a key
belongs to; the read's ``camera_id`` must then be that camera (the ingest's check).

A camera posting each read as it reads it would otherwise cost a database look-up per
request (on the event loop's thread). The row of a key that verified is kept in memory
for ``cache_s`` seconds (``auth.camera_key_cache_s``, default 5): within that time the
secret is still compared with the stored hash on every request, and a revoke or
re-issue made through the same :class:`CameraKeys` (this process) ends it at once. A
key revoked by another process (the CLI) is refused at the latest ``cache_s`` later.
Keys that did not verify are never kept, so a newly issued key works at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

import sqlalchemy as sa

from safenet.audit import store as audit
from safenet.auth.errors import AuthError
from safenet.auth.tables import camera_keys
from safenet.auth.types import Clock, Principal, PrincipalKind, Role, utc_now
from safenet.store import Database

PREFIX = "snc"
_MAX_KNOWN = 100_000
"""At most this many verified keys are kept in memory (then the memory starts again)."""
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


class _Known(NamedTuple):
    key_hash: str
    camera_id: str
    checked_at: float


class CameraKeys:
    """The camera keys of one center."""

    def __init__(
        self,
        db: Database,
        pepper: bytes,
        clock: Clock = utc_now,
        *,
        cache_s: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if len(pepper) < 32:
            raise ValueError("camera key pepper must be at least 32 bytes")
        if cache_s < 0:
            raise ValueError("cache_s: must not be negative")
        self._db = db
        self._pepper = pepper
        self._clock = clock
        self._cache_s = cache_s
        self._monotonic = monotonic
        self._known: dict[str, _Known] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def _forget(self, camera_id: str) -> None:
        with self._lock:
            self._generation += 1  # a look-up that began before this may not be kept
            for key_id in [k for k, v in self._known.items() if v.camera_id == camera_id]:
                del self._known[key_id]

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
        if replace:
            self._forget(camera_id)
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
        self._forget(camera_id)
        return int(count or 0)

    def verify_camera_key(self, key: str) -> str:
        """The camera id a live key belongs to; :class:`AuthError` for any other key."""
        match = _KEY.match(key.strip())
        if match is None:
            raise AuthError("camera key is malformed")
        key_id, secret = match.groups()
        if self._cache_s > 0:
            with self._lock:
                known = self._known.get(key_id)
            if known is not None and self._monotonic() - known.checked_at < self._cache_s:
                if not hmac.compare_digest(known.key_hash, self._hash(key_id, secret)):
                    raise AuthError("camera key is not valid")
                return known.camera_id
        checked_at = self._monotonic()
        with self._lock:
            generation = self._generation
        with self._db.read() as conn:
            row = conn.execute(sa.select(camera_keys).where(camera_keys.c.key_id == key_id)).first()
        expected = row.key_hash if row is not None else "0" * 64
        if not hmac.compare_digest(expected, self._hash(key_id, secret)) or row is None:
            raise AuthError("camera key is not valid")
        if row.revoked_at is not None:
            raise AuthError("camera key has been revoked")
        if self._cache_s > 0:
            with self._lock:
                if generation != self._generation:
                    return str(row.camera_id)  # revoked or re-issued meanwhile: not kept
                if len(self._known) >= _MAX_KNOWN:
                    self._known.clear()
                self._known[key_id] = _Known(row.key_hash, str(row.camera_id), checked_at)
        return str(row.camera_id)
