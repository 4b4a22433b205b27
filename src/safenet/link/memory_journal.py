"""The in-process link's journal: what its broker must not forget when the process dies.

With a journal, :class:`safenet.link.memory.MemoryBroker` keeps on disk what a
nats-server keeps in its JetStream store, so the embedded link survives a crash the
way JetStream does. A publish returns — the PubAck on which the outbox relay marks a
row sent — only once the message is committed here with ``synchronous=FULL``. Each
durable consumer's acks and delivery counts, dead-lettering and the duplicate window
are recorded too, and on the next start every message a consumer had not
acknowledged is delivered to it again, in stream order.

One writer thread owns the SQLite connection and commits whatever is queued in one
transaction (group commit): a relay's batch is one transaction, and publishes from
several sites that arrive together share one fsync. Acks and delivery counts are
committed without an fsync of their own (``synchronous=NORMAL``): they survive a
killed process, and a power cut at worst redelivers a message that the receiver's
inbox then drops — the trade JetStream makes with its asynchronous acks.

The file is held by one process at a time (``locking_mode=EXCLUSIVE``): two brokers
appending to one journal would hand out the same stream sequence numbers.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import json
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from safenet.link.errors import LinkConfigError, LinkUnavailable
from safenet.link.subjects import Family
from safenet.link.topology import ConsumerSpec

log = logging.getLogger(__name__)

T = TypeVar("T")

SCHEMA_VERSION = 1

# Enough to amortise one fsync over a burst, small enough to keep one commit short.
_MAX_GROUP = 512

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    stream TEXT NOT NULL,
    seq INTEGER NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    payload BLOB NOT NULL,
    headers TEXT NOT NULL,
    stored_at REAL NOT NULL,
    PRIMARY KEY (stream, seq)
);
CREATE TABLE IF NOT EXISTS streams (
    stream TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS seen_ids (
    stream TEXT NOT NULL,
    message_id TEXT NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (stream, message_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS consumers (
    durable TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    ack_floor INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS acks (
    durable TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (durable, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
    durable TEXT NOT NULL,
    seq INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (durable, seq)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class StoredMessage:
    """A message as a stream keeps it, in memory and in the journal (``stored_at``: wall clock)."""

    stream: str
    seq: int
    subject: str
    message_id: str
    payload: bytes
    headers: dict[str, str]
    stored_at: float


@dataclass
class JournalConsumer:
    """A durable consumer as recorded: its spec and what it has acknowledged.

    Every sequence up to ``ack_floor`` is settled; above it, ``acked`` lists the
    acknowledged ones and ``deliveries`` how often the others were handed out.
    """

    spec: ConsumerSpec
    ack_floor: int = 0
    acked: set[int] = field(default_factory=set)
    deliveries: dict[int, int] = field(default_factory=dict)


@dataclass
class JournalState:
    """Everything a broker restores on start, per stream name."""

    messages: dict[str, list[StoredMessage]] = field(default_factory=dict)
    last_seq: dict[str, int] = field(default_factory=dict)
    seen: dict[str, dict[str, float]] = field(default_factory=dict)
    consumers: list[JournalConsumer] = field(default_factory=list)


@dataclass(frozen=True)
class PrunePlan:
    """What a prune forgets, decided by the broker from its in-memory state.

    ``floors``: each consumer's new ack floor. ``keep_from``: per stream, the first
    sequence still kept (everything below is acknowledged by every consumer, trimmed
    or expired). ``last_seq``: per stream, so sequences never restart after the
    messages are gone. ``forget_before``: per stream, the duplicate window's edge.
    """

    floors: dict[str, int]
    keep_from: dict[str, int]
    last_seq: dict[str, int]
    forget_before: dict[str, float]


@dataclass
class _Op:
    work: Callable[[sqlite3.Connection], Any]
    durable: bool
    future: cf.Future[Any]


class Journal:
    """The broker's SQLite journal, written by one background thread.

    Every write returns a :class:`concurrent.futures.Future` that completes once the
    write is committed (or fails with :class:`LinkUnavailable`). Writes commit in the
    order they were submitted.
    """

    def __init__(self, path: Path | str, *, busy_timeout_s: float = 2.0) -> None:
        self.path = Path(path)
        self._busy_timeout_s = busy_timeout_s
        self._queue: queue.SimpleQueue[_Op | None] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._synchronous = "FULL"  # the connection's setting; written by the thread only
        ready: cf.Future[None] = cf.Future()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name=f"link-journal-{self.path.name}", daemon=True
        )
        self._thread.start()
        ready.result()

    # -- writes ------------------------------------------------------------------------

    def append(
        self, messages: Sequence[StoredMessage], ack: tuple[str, int] | None = None
    ) -> cf.Future[None]:
        """Store messages (and record their ids as seen); with ``ack``, also settle that
        consumer's message in the same transaction (a dead letter replacing it)."""
        rows = [
            (m.stream, m.seq, m.subject, m.message_id, m.payload, _dump(m.headers), m.stored_at)
            for m in messages
        ]
        seen = [(m.stream, m.message_id, m.stored_at) for m in messages]

        def work(conn: sqlite3.Connection) -> None:
            conn.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            conn.executemany("INSERT OR REPLACE INTO seen_ids VALUES (?, ?, ?)", seen)
            if ack is not None:
                _ack(conn, *ack)

        return self._submit(work, durable=True)

    def provision(self, specs: Iterable[ConsumerSpec]) -> cf.Future[None]:
        """Record consumers (new ones start with nothing acknowledged)."""
        rows = [(spec.durable, _spec_dump(spec)) for spec in specs]

        def work(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO consumers (durable, spec) VALUES (?, ?) "
                "ON CONFLICT (durable) DO UPDATE SET spec = excluded.spec",
                rows,
            )

        return self._submit(work, durable=True)

    def delivered(self, durable: str, seq: int, count: int) -> cf.Future[None]:
        """Record that a consumer's message was handed out ``count`` times so far."""

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO deliveries VALUES (?, ?, ?)", (durable, seq, count)
            )

        return self._submit(work, durable=False)

    def acked(self, durable: str, seq: int) -> cf.Future[None]:
        """Record a consumer's acknowledgement of one message."""
        return self._submit(lambda conn: _ack(conn, durable, seq), durable=False)

    def prune(self, plan: PrunePlan) -> cf.Future[int]:
        """Forget what ``plan`` says no one needs any more; return the messages removed."""

        def work(conn: sqlite3.Connection) -> int:
            for durable, floor in plan.floors.items():
                conn.execute(
                    "UPDATE consumers SET ack_floor = max(ack_floor, ?) WHERE durable = ?",
                    (floor, durable),
                )
                conn.execute("DELETE FROM acks WHERE durable = ? AND seq <= ?", (durable, floor))
                conn.execute(
                    "DELETE FROM deliveries WHERE durable = ? AND seq <= ?", (durable, floor)
                )
            removed = 0
            for stream, first in plan.keep_from.items():
                cur = conn.execute(
                    "DELETE FROM messages WHERE stream = ? AND seq < ?", (stream, first)
                )
                removed += cur.rowcount
            conn.executemany(
                "INSERT INTO streams VALUES (?, ?) ON CONFLICT (stream) "
                "DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
                list(plan.last_seq.items()),
            )
            conn.executemany(
                "DELETE FROM seen_ids WHERE stream = ? AND seen_at < ?",
                list(plan.forget_before.items()),
            )
            return removed

        return self._submit(work, durable=False)

    def load(self) -> JournalState:
        """Read everything back (on start, before any write)."""
        return self._submit(_load, durable=False).result()

    def close(self) -> None:
        """Commit what is queued, then close the file."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    # -- the writer thread -------------------------------------------------------------

    def _submit(self, work: Callable[[sqlite3.Connection], T], *, durable: bool) -> cf.Future[T]:
        future: cf.Future[T] = cf.Future()
        with self._lock:
            if self._closed:
                future.set_exception(LinkUnavailable(f"journal: {self.path} is closed"))
                return future
            self._queue.put(_Op(work, durable, future))
        return future

    def _run(self, ready: cf.Future[None]) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:
            ready.set_exception(exc)
            return
        ready.set_result(None)
        try:
            while True:
                first = self._queue.get()
                if first is None:
                    break
                group = [first]
                stop = False
                while len(group) < _MAX_GROUP:
                    try:
                        op = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if op is None:
                        stop = True
                        break
                    group.append(op)
                self._commit(conn, group)
                if stop:
                    break
        finally:
            with self._lock:  # later writes fail at once instead of waiting forever
                self._closed = True
            conn.close()
            self._fail_queued()

    def _commit(self, conn: sqlite3.Connection, group: list[_Op]) -> None:
        live = [op for op in group if op.future.set_running_or_notify_cancel()]
        outcomes: list[tuple[_Op, Any, BaseException | None]] = []
        synchronous = "FULL" if any(op.durable for op in live) else "NORMAL"
        try:
            if synchronous != self._synchronous:
                conn.execute(f"PRAGMA synchronous = {synchronous}")
                self._synchronous = synchronous
            conn.execute("BEGIN IMMEDIATE")
            for op in live:
                # One savepoint per write, so a bad write fails alone.
                conn.execute("SAVEPOINT op")
                try:
                    value = op.work(conn)
                except Exception as exc:
                    conn.execute("ROLLBACK TO op")
                    conn.execute("RELEASE op")
                    outcomes.append((op, None, self._unavailable(exc)))
                else:
                    conn.execute("RELEASE op")
                    outcomes.append((op, value, None))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            failure = self._unavailable(exc)
            log.error("link journal: commit of %d writes failed: %s", len(live), failure)
            for op in live:
                op.future.set_exception(failure)
            return
        for op, value, error in outcomes:
            if error is None:
                op.future.set_result(value)
            else:
                op.future.set_exception(error)

    def _fail_queued(self) -> None:
        while True:
            try:
                op = self._queue.get_nowait()
            except queue.Empty:
                return
            if op is not None and op.future.set_running_or_notify_cancel():
                op.future.set_exception(LinkUnavailable(f"journal: {self.path} is closed"))

    def _unavailable(self, exc: BaseException) -> LinkUnavailable:
        return LinkUnavailable(f"journal: {self.path}: {exc}")

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, isolation_level=None, timeout=self._busy_timeout_s, check_same_thread=True
        )
        try:
            # Exclusive before WAL: one process owns the journal, and WAL then needs no
            # shared-memory file.
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise LinkConfigError(f"journal: {self.path} cannot use WAL (mode {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise LinkConfigError(
                    f"journal: {self.path} has schema version {version}; this safenet "
                    f"reads up to {SCHEMA_VERSION}"
                )
            conn.execute("BEGIN IMMEDIATE")
            _create(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            conn.close()
            if "locked" in str(exc):
                raise LinkConfigError(
                    f"journal: {self.path} is held by another broker (one process per journal)"
                ) from exc
            raise LinkConfigError(f"journal: {self.path} cannot be opened: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise LinkConfigError(f"journal: {self.path} is not a link journal: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return conn


def _create(conn: sqlite3.Connection) -> None:
    # executescript() would commit the open transaction; run the statements one by one.
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def _ack(conn: sqlite3.Connection, durable: str, seq: int) -> None:
    conn.execute("INSERT OR IGNORE INTO acks VALUES (?, ?)", (durable, seq))
    conn.execute("DELETE FROM deliveries WHERE durable = ? AND seq = ?", (durable, seq))


def _load(conn: sqlite3.Connection) -> JournalState:
    state = JournalState()
    for stream, seq, subject, message_id, payload, headers, stored_at in conn.execute(
        "SELECT stream, seq, subject, message_id, payload, headers, stored_at "
        "FROM messages ORDER BY stream, seq"
    ):
        state.messages.setdefault(stream, []).append(
            StoredMessage(
                stream, seq, subject, message_id, bytes(payload), json.loads(headers), stored_at
            )
        )
        state.last_seq[stream] = max(state.last_seq.get(stream, 0), seq)
    for stream, last_seq in conn.execute("SELECT stream, last_seq FROM streams"):
        state.last_seq[stream] = max(state.last_seq.get(stream, 0), last_seq)
    for stream, message_id, seen_at in conn.execute(
        "SELECT stream, message_id, seen_at FROM seen_ids"
    ):
        state.seen.setdefault(stream, {})[message_id] = seen_at
    consumers: dict[str, JournalConsumer] = {}
    for durable, spec, ack_floor in conn.execute("SELECT durable, spec, ack_floor FROM consumers"):
        consumers[durable] = JournalConsumer(_spec_load(spec), ack_floor)
    for durable, seq in conn.execute("SELECT durable, seq FROM acks"):
        record = consumers.get(durable)
        if record is not None and seq > record.ack_floor:
            record.acked.add(seq)
    for durable, seq, count in conn.execute("SELECT durable, seq, count FROM deliveries"):
        record = consumers.get(durable)
        if record is not None and seq > record.ack_floor:
            record.deliveries[seq] = count
    state.consumers = list(consumers.values())
    return state


def _dump(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _spec_dump(spec: ConsumerSpec) -> str:
    data = dataclasses.asdict(spec)
    data["family"] = spec.family.value
    data["filter_subjects"] = list(spec.filter_subjects)
    return _dump(data)


def _spec_load(text: str) -> ConsumerSpec:
    data = json.loads(text)
    known = {f.name for f in dataclasses.fields(ConsumerSpec)}
    fields = {k: v for k, v in data.items() if k in known}
    fields["family"] = Family(fields["family"])
    fields["filter_subjects"] = tuple(fields["filter_subjects"])
    return ConsumerSpec(**fields)
