"""Two transactions recording at once on PostgreSQL: both land, in one unbroken chain.

Seen in `safenet deploy local` (2026-12-03): a center recording its start while it
applied its first hotlist; both read the same head and the second died on the log's
primary key, killing the center's start-up.
"""

from __future__ import annotations

import threading

import pytest

from safenet.audit import store as audit
from safenet.store import migrate, open_database

pytestmark = pytest.mark.pg


def test_two_writers_that_read_the_same_head_both_land_in_one_chain(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        migrate(db, "center")
        with db.begin() as conn:
            audit.append(conn, "system", "center.started", "seocho")
        first_in = threading.Event()
        release = threading.Event()
        errors: list[BaseException] = []

        def slow_writer() -> None:
            try:
                with db.begin() as conn:
                    audit.append(conn, "system", "config.loaded", "seocho")
                    first_in.set()
                    release.wait(10)  # holds its uncommitted record at the head's place
            except BaseException as exc:  # reported below
                errors.append(exc)

        def second_writer() -> None:
            try:
                with db.begin() as conn:
                    audit.append(conn, "link", "hotlist.applied", "v1")
            except BaseException as exc:  # reported below
                errors.append(exc)

        slow = threading.Thread(target=slow_writer)
        slow.start()
        assert first_in.wait(10)
        second = threading.Thread(target=second_writer)
        second.start()  # reads the same head, then waits on the first's row
        second.join(0.5)
        release.set()
        slow.join(10)
        second.join(10)
        assert not errors, errors
        with db.read() as conn:
            verdict = audit.verify(conn)
            actions = [r.action for r in audit.records(conn)]
        assert verdict.ok, verdict
        assert actions == ["center.started", "config.loaded", "hotlist.applied"]
    finally:
        db.dispose()
