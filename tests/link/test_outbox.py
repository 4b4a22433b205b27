"""The outbox and inbox tables on SQLite and PostgreSQL: transactional, ordered, idempotent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from safenet.link import InvalidMessage, inbox, outbox
from safenet.store import Database, migrate, open_database
from tests.link.conftest import make_report


@pytest.fixture
def center_db(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    migrate(db, "center")
    yield db
    db.dispose()


def test_enqueue_is_ordered_and_idempotent(center_db: Database) -> None:
    with center_db.begin() as conn:
        assert outbox.enqueue(conn, make_report(1))
        assert outbox.enqueue(conn, make_report(2))
        assert not outbox.enqueue(conn, make_report(1))  # same fact, same id: ignored
    with center_db.read() as conn:
        rows = outbox.pending(conn)
        assert [r.envelope.message_id for r in rows] == [
            make_report(1).message_id,
            make_report(2).message_id,
        ]
        assert rows[0].envelope.subject == "safenet.v1.report.seocho"
        assert outbox.depth(conn) == 2
        assert outbox.oldest_pending_at(conn) is not None


def test_enqueue_commits_or_rolls_back_with_the_callers_fact(center_db: Database) -> None:
    def record_then_fail() -> None:
        with center_db.begin() as conn:
            outbox.enqueue(conn, make_report(1))
            raise RuntimeError("the hit insert failed")

    with pytest.raises(RuntimeError):
        record_then_fail()
    with center_db.read() as conn:
        assert outbox.depth(conn) == 0


def test_an_invalid_message_is_never_committed(center_db: Database) -> None:
    with pytest.raises(InvalidMessage, match=r"\$\.score"), center_db.begin() as conn:
        outbox.enqueue(conn, make_report(1, score=3.0))
    with center_db.read() as conn:
        assert outbox.depth(conn) == 0


def test_mark_sent_record_failure_and_prune(center_db: Database) -> None:
    with center_db.begin() as conn:
        for i in range(3):
            outbox.enqueue(conn, make_report(i))
    with center_db.begin() as conn:
        seqs = [r.seq for r in outbox.pending(conn)]
        outbox.record_failure(conn, seqs[:1], "link down")
        outbox.mark_sent(conn, seqs[1:], at=datetime.now(UTC) - timedelta(days=2))
    with center_db.begin() as conn:
        rows = outbox.pending(conn)
        assert [r.seq for r in rows] == seqs[:1]
        assert rows[0].attempts == 1
        assert outbox.prune_sent(conn, datetime.now(UTC) - timedelta(days=1)) == 2
        assert conn.execute(sa.text("SELECT count(*) FROM link_outbox")).scalar() == 1


def test_inbox_accepts_each_message_id_once(center_db: Database) -> None:
    with center_db.begin() as conn:
        assert inbox.first_receipt(conn, make_report(1))
        assert not inbox.first_receipt(conn, make_report(1))
        assert inbox.already_received(conn, make_report(1).message_id)
        assert not inbox.already_received(conn, make_report(2).message_id)
    with center_db.begin() as conn:
        assert not inbox.first_receipt(conn, make_report(1))
        assert inbox.prune_received(conn, datetime.now(UTC) + timedelta(seconds=1)) == 1
