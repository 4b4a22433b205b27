"""The audit log in a real database (SQLite and PostgreSQL) after the migrations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from safenet.audit import SigningKey
from safenet.audit import store as audit
from safenet.store import migrate, open_database


@pytest.mark.parametrize("side", ["center", "police"])
def test_append_verify_and_detect_tampering(db_url: str, side: str) -> None:
    db = open_database(db_url)
    try:
        migrate(db, side)
        with db.begin() as conn:
            for i in range(5):
                audit.append(conn, "officer:kim", "wanted.register", f"entry:{i}", {"case": i})
        with db.read() as conn:
            verdict = audit.verify(conn)
        assert verdict.ok
        assert verdict.checked == 5
        with db.begin() as conn:
            conn.execute(
                sa.update(audit.audit_log)
                .where(audit.audit_log.c.seq == 3)
                .values(actor="officer:lee")
            )
        with db.read() as conn:
            verdict = audit.verify(conn)
        assert not verdict.ok
        assert verdict.first_bad_seq == 3
    finally:
        db.dispose()


def test_rollback_removes_the_record_with_the_action(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")

    def failing_action() -> None:
        with db.begin() as conn:
            audit.append(conn, "op:park", "candidate.confirm", "hit:1")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    with db.read() as conn:
        assert list(audit.records(conn)) == []
    db.dispose()


def test_checkpoint_catches_a_rewritten_tail(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    migrate(db, "police")
    key = SigningKey.generate()
    with db.begin() as conn:
        for i in range(3):
            audit.append(conn, "officer:kim", "wanted.approve", f"entry:{i}")
        cp = audit.checkpoint(conn, key, "police")
    assert cp is not None
    assert cp.seq == 3
    # Someone deletes the last record and re-appends a different one: the chain is
    # consistent again, but no longer reaches the signed head.
    with db.begin() as conn:
        conn.execute(sa.delete(audit.audit_log).where(audit.audit_log.c.seq == 3))
        audit.append(conn, "officer:kim", "wanted.cancel", "entry:2")
    with db.read() as conn:
        verdict = audit.verify(conn, key.public_key_b64)
    assert not verdict.ok
    assert "signed checkpoint" in (verdict.reason or "")
    db.dispose()
