"""Camera keys: bound to one camera, shown once, stored under a pepper, revocable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from safenet.auth.devices import CameraKeys
from safenet.auth.errors import AuthError
from safenet.store import migrate, open_database


@pytest.fixture
def keys(db_url: str) -> Iterator[CameraKeys]:
    db = open_database(db_url)
    migrate(db, "center")
    yield CameraKeys(db, b"p" * 32)
    db.dispose()


def test_a_key_names_its_camera_and_no_other(keys: CameraKeys) -> None:
    sc01 = keys.issue("SC-01", actor="admin.lee")
    sc05 = keys.issue("SC-05", actor="admin.lee")
    assert keys.verify_camera_key(sc01) == "SC-01"
    assert keys.verify_camera_key(sc05) == "SC-05"


def test_forged_or_altered_keys_refused(keys: CameraKeys) -> None:
    key = keys.issue("SC-01", actor="admin.lee")
    prefix, key_id, secret = key.split("_", 2)
    other = keys.issue("SC-05", actor="admin.lee").split("_", 2)[1]
    for bad in (
        f"{prefix}_{other}_{secret}",  # SC-01's secret under SC-05's id
        f"{prefix}_{key_id}_{'A' * 43}",
        "snc_000000000000_" + "A" * 43,
        "not a key",
    ):
        with pytest.raises(AuthError):
            keys.verify_camera_key(bad)


def test_reissue_and_revoke_end_old_keys(keys: CameraKeys) -> None:
    old = keys.issue("SC-01", actor="admin.lee")
    new = keys.issue("SC-01", actor="admin.lee")
    with pytest.raises(AuthError, match="revoked"):
        keys.verify_camera_key(old)
    assert keys.revoke("SC-01", actor="admin.lee") == 1
    with pytest.raises(AuthError, match="revoked"):
        keys.verify_camera_key(new)


def test_stored_hashed_under_the_pepper(keys: CameraKeys, db_url: str) -> None:
    key = keys.issue("SC-01", actor="admin.lee")
    db = open_database(db_url)
    with db.read() as conn:
        stored = conn.execute(sa.text("SELECT key_hash FROM auth_camera_keys")).scalar_one()
    assert key.split("_", 2)[2] not in stored
    same_db_other_pepper = CameraKeys(db, b"q" * 32)
    with pytest.raises(AuthError):
        same_db_other_pepper.verify_camera_key(key)
    db.dispose()
