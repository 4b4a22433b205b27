"""A site's own database: the engine every center and police service writes through.

SQLite is the embedded default (one file per site under ``./var``); PostgreSQL is for
production. Both are reached through SQLAlchemy 2 Core with a synchronous engine;
services run database work in a worker thread (``asyncio.to_thread``).

SQLite is opened the way a small always-on service needs it: WAL journal (readers do
not block the writer), foreign keys enforced, a busy timeout instead of immediate
"database is locked" errors, and ``BEGIN IMMEDIATE`` for write transactions so two
writers queue on the lock instead of deadlocking when a read transaction upgrades.

A part that must act once a write is committed (the link relay, which publishes what
the outbox holds) listens for a topic with :meth:`Database.on_commit`; a write marks
its transaction with :func:`after_commit`. The listeners run after the commit, in
the committing thread, and never for a transaction that rolled back.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from safenet.store.errors import UnsupportedDatabase

log = logging.getLogger(__name__)

Dialect = Literal["sqlite", "postgresql"]

# Execution option marking a connection whose transaction only reads, so SQLite may
# use a deferred BEGIN that does not take the write lock.
_READ_ONLY = "safenet_read_only"
# Key in a connection's info dict: the commit topics its open write transaction raised.
_TOPICS = "safenet_commit_topics"

Listener = Callable[[], None]


def after_commit(conn: Connection, topic: str) -> None:
    """Tell ``topic``'s listeners once the transaction of ``conn`` commits.

    A no-op outside :meth:`Database.begin` (a bare engine transaction, a migration):
    whoever listens then finds the write at its next poll.
    """
    topics: set[str] | None = conn.info.get(_TOPICS)
    if topics is not None:
        topics.add(topic)


@dataclass(frozen=True)
class Database:
    """One site's database: its engine plus the transaction helpers services use."""

    url: str
    engine: Engine
    _listeners: dict[str, tuple[Listener, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _listeners_lock: threading.Lock = field(
        default_factory=threading.Lock, repr=False, compare=False
    )

    @property
    def dialect(self) -> Dialect:
        name = self.engine.dialect.name
        return "sqlite" if name == "sqlite" else "postgresql"

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises.

        After the commit, the listeners of every topic the transaction raised with
        :func:`after_commit` are called.
        """
        with self.engine.begin() as conn:
            topics: set[str] = set()
            conn.info[_TOPICS] = topics
            try:
                yield conn
            finally:
                conn.info.pop(_TOPICS, None)
        for topic in topics:
            for listener in self._listeners.get(topic, ()):
                try:
                    listener()
                except Exception:  # a listener never undoes what was committed
                    log.exception("store: a listener of %s failed", topic)

    def on_commit(self, topic: str, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after each commit that raised ``topic``; returns the unsubscribe."""
        with self._listeners_lock:
            self._listeners[topic] = (*self._listeners.get(topic, ()), listener)

        def stop() -> None:
            with self._listeners_lock:
                kept = tuple(x for x in self._listeners.get(topic, ()) if x is not listener)
                self._listeners[topic] = kept

        return stop

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (on SQLite it does not take the write lock)."""
        with (
            self.engine.connect().execution_options(**{_READ_ONLY: True}) as conn,
            conn.begin(),
        ):
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection (call before the process exits or forks)."""
        self.engine.dispose()


def open_database(
    url: str,
    *,
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL",
    sqlite_busy_timeout_ms: int = 10_000,
    echo: bool = False,
    **engine_options: Any,
) -> Database:
    """Open a site's database from its SQLAlchemy URL (``sqlite:///…`` or ``postgresql+psycopg://…``).

    The schema is not touched: call :func:`safenet.store.migrate` once at start-up.
    ``sqlite_synchronous`` is ``FULL`` by default so that a committed hit survives a
    power cut, not only a crash; ``NORMAL`` is faster and still survives a crash.
    """
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(
            parsed, sqlite_synchronous, sqlite_busy_timeout_ms, echo, engine_options
        )
    elif backend == "postgresql":
        if parsed.drivername == "postgresql":
            # A bare postgresql:// URL would pick psycopg2, which we do not ship.
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = sa.create_engine(parsed, echo=echo, pool_pre_ping=True, **engine_options)
    else:
        raise UnsupportedDatabase(
            f"database url: backend {backend!r} is not supported; use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DB"
        )
    return Database(url=parsed.render_as_string(hide_password=False), engine=engine)


def _enter_wal(cursor: Any, busy_timeout_ms: int) -> None:
    """Put the database in WAL mode, waiting out a concurrent opener.

    WAL is a property of the file, so a connection to a database already in WAL has
    nothing to do. Switching needs an exclusive lock, and SQLite answers "database is
    locked" to it at once instead of calling the busy handler, so we retry for as long
    as the busy timeout would have waited.
    """
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + busy_timeout_ms / 1000
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _sqlite_engine(
    url: sa.URL,
    synchronous: str,
    busy_timeout_ms: int,
    echo: bool,
    engine_options: dict[str, Any],
) -> Engine:
    if synchronous not in {"FULL", "NORMAL"}:
        raise ValueError(f"sqlite_synchronous: {synchronous!r} is not FULL or NORMAL")
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, echo=echo, **engine_options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take BEGIN out of the sqlite3 module's hands (it skips it for SELECT and DDL);
        # the "begin" hook below issues it.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            _enter_wal(cursor, busy_timeout_ms)
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
