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


class _Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two_processes(db_url: str) -> Iterator[tuple[CameraKeys, CameraKeys, _Clock]]:
    """The serving center's keys (memory of 5 s) and another process's (the CLI), one DB."""
    db = open_database(db_url)
    migrate(db, "center")
    clock = _Clock()
    yield CameraKeys(db, b"p" * 32, monotonic=clock), CameraKeys(db, b"p" * 32), clock
    db.dispose()


def test_a_remembered_key_still_needs_its_secret(
    two_processes: tuple[CameraKeys, CameraKeys, _Clock],
) -> None:
    serving, _, _ = two_processes
    key = serving.issue("SC-01", actor="admin.lee")
    assert serving.verify_camera_key(key) == "SC-01"  # now remembered
    prefix, key_id, secret = key.split("_", 2)
    forged = f"{prefix}_{key_id}_{secret[:-1]}{'B' if secret[-1] != 'B' else 'C'}"
    with pytest.raises(AuthError, match="not valid"):
        serving.verify_camera_key(forged)


def test_a_revoke_in_the_serving_process_ends_a_remembered_key_at_once(
    two_processes: tuple[CameraKeys, CameraKeys, _Clock],
) -> None:
    serving, _, _ = two_processes
    key = serving.issue("SC-01", actor="admin.lee")
    assert serving.verify_camera_key(key) == "SC-01"
    serving.revoke("SC-01", actor="admin.lee")
    with pytest.raises(AuthError, match="revoked"):
        serving.verify_camera_key(key)
    old = serving.issue("SC-02", actor="admin.lee")
    assert serving.verify_camera_key(old) == "SC-02"
    serving.issue("SC-02", actor="admin.lee")  # re-issue ends the old key
    with pytest.raises(AuthError, match="revoked"):
        serving.verify_camera_key(old)


def test_a_revoke_by_another_process_ends_the_key_within_the_cache_time(
    two_processes: tuple[CameraKeys, CameraKeys, _Clock],
) -> None:
    serving, cli, clock = two_processes
    key = serving.issue("SC-01", actor="admin.lee")
    assert serving.verify_camera_key(key) == "SC-01"
    cli.revoke("SC-01", actor="admin.lee")
    clock.now += 4.9  # within auth.camera_key_cache_s: the documented bound
    assert serving.verify_camera_key(key) == "SC-01"
    clock.now += 0.2
    with pytest.raises(AuthError, match="revoked"):
        serving.verify_camera_key(key)


def test_no_memory_means_every_request_is_looked_up(db_url: str) -> None:
    db = open_database(db_url)
    migrate(db, "center")
    try:
        serving, cli = CameraKeys(db, b"p" * 32, cache_s=0), CameraKeys(db, b"p" * 32)
        key = serving.issue("SC-01", actor="admin.lee")
        assert serving.verify_camera_key(key) == "SC-01"
        cli.revoke("SC-01", actor="admin.lee")
        with pytest.raises(AuthError, match="revoked"):
            serving.verify_camera_key(key)
    finally:
        db.dispose()


def test_a_key_issued_elsewhere_works_at_once(
    two_processes: tuple[CameraKeys, CameraKeys, _Clock],
) -> None:
    serving, cli, _ = two_processes
    with pytest.raises(AuthError):
        serving.verify_camera_key("snc_000000000000_" + "A" * 43)
    key = cli.issue("SC-09", actor="admin.lee")
    assert serving.verify_camera_key(key) == "SC-09"
