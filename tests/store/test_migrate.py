"""The store applies each side's migration chain on SQLite and PostgreSQL, idempotently."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from safenet.store import (
    SIDES,
    UnsupportedDatabase,
    WrongSide,
    current_revision,
    head_revision,
    insert_if_absent,
    migrate,
    open_database,
    version_table,
)


@pytest.mark.parametrize("side", SIDES)
def test_migrate_brings_a_fresh_database_to_head_and_is_idempotent(db_url: str, side: str) -> None:
    db = open_database(db_url)
    try:
        assert current_revision(db, side) is None  # type: ignore[arg-type]
        assert migrate(db, side) == head_revision(side)  # type: ignore[arg-type]
        assert migrate(db, side) == head_revision(side)  # type: ignore[arg-type]
        assert current_revision(db, side) == head_revision(side)  # type: ignore[arg-type]
        with db.read() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        assert {"link_outbox", "link_inbox", version_table(side)} <= tables  # type: ignore[arg-type]
    finally:
        db.dispose()


def test_one_side_schema_is_refused_in_the_other_sides_database(db_url: str) -> None:
    db = open_database(db_url)
    try:
        migrate(db, "center")
        with pytest.raises(WrongSide, match="center's schema"):
            migrate(db, "police")
    finally:
        db.dispose()


def test_sqlite_is_opened_with_wal_foreign_keys_and_busy_timeout(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        with db.read() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        db.dispose()


def test_concurrent_migrations_end_with_one_schema(db_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        db = open_database(db_url)
        try:
            migrate(db, "police")
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = open_database(db_url)
    try:
        assert current_revision(db, "police") == head_revision("police")
    finally:
        db.dispose()


def test_insert_if_absent_does_not_abort_the_transaction(db_url: str) -> None:
    db = open_database(db_url)
    meta = sa.MetaData()
    t = sa.Table("t", meta, sa.Column("k", sa.String(10), primary_key=True))
    try:
        meta.create_all(db.engine)
        with db.begin() as conn:
            assert insert_if_absent(conn, t, {"k": "a"}, ["k"])
            assert not insert_if_absent(conn, t, {"k": "a"}, ["k"])
            assert insert_if_absent(conn, t, {"k": "b"}, ["k"])
        with db.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() == 2
    finally:
        db.dispose()


def test_unsupported_backend_is_named() -> None:
    with pytest.raises(UnsupportedDatabase, match="mysql"):
        open_database("mysql://u:p@localhost/db")


def test_bare_postgresql_url_uses_psycopg3() -> None:
    db = open_database("postgresql://u:p@127.0.0.1:1/x")
    assert db.engine.dialect.driver == "psycopg"
    db.dispose()
