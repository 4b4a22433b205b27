"""The in-process link's journal: the embedded broker survives a crash as JetStream does.

Unit tests reopen a journaled :class:`MemoryBroker` on the same file and check what
comes back: unacknowledged messages (in order), acks, delivery counts, dead letters,
the duplicate window, and what pruning keeps. The crash tests run the embedded link
(broker, outbox relay, police receiver) in a child process and kill it with -9 at
random points; in the end the police hold every committed report exactly once.

The child process is this module run as a program (``python -m
tests.link.test_memory_journal``); reproduce a crash run with ``SAFENET_KILL_SEED``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa

from safenet.link import (
    POLICE,
    ConsumerSpec,
    Envelope,
    Family,
    LinkConfigError,
    LinkError,
    LocationReport,
    MemoryBroker,
    MemoryTransport,
    Message,
    Relay,
    consumer,
    inbox,
    outbox,
)
from safenet.store import Database, migrate, open_database
from tests.link.conftest import Recorder, make_report
from tests.link.proc_sender import KillSwitch

REPO = Path(__file__).resolve().parents[2]


def report_spec(**overrides: object) -> ConsumerSpec:
    fields: dict[str, object] = {"ack_wait_s": 1.0, "max_deliver": 3, "retry_backoff_s": 0.05}
    fields.update(overrides)
    base = consumer(POLICE, Family.REPORT, source="seocho")
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


class Link:
    """One life of a journaled in-process link: open, use, close (the process 'ends')."""

    def __init__(self, journal: Path, spec: ConsumerSpec, **broker_options: object) -> None:
        self.broker = MemoryBroker(journal=journal, **broker_options)  # type: ignore[arg-type]
        self.spec = spec
        self.police = MemoryTransport(self.broker, POLICE)
        self.seocho = MemoryTransport(self.broker, "seocho")

    async def __aenter__(self) -> Link:
        await self.police.provision(["seocho"], [self.spec])
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.police.close()
        await self.seocho.close()
        self.broker.close()

    async def receive(self, n: int, handler: Recorder | None = None) -> list[str]:
        rec = handler or Recorder()
        sub = await self.police.subscribe(self.spec, rec)
        await rec.wait_for(n)
        await asyncio.sleep(0.1)  # anything more would show up now
        await sub.stop()
        return [m.hit_id for m in rec.messages]  # type: ignore[attr-defined]


def rows(journal: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(journal)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def test_unacknowledged_messages_come_back_in_order_after_reopen(tmp_path: Path) -> None:
    journal = tmp_path / "link.journal"
    async with Link(journal, report_spec()) as link:
        for i in range(5):
            await link.seocho.publish(make_report(i))
    async with Link(journal, report_spec()) as link:
        assert await link.receive(5) == [f"hit-{i}" for i in range(5)]


async def test_acknowledged_messages_stay_acknowledged_after_reopen(tmp_path: Path) -> None:
    journal = tmp_path / "link.journal"
    hang = asyncio.Event()
    async with Link(journal, report_spec()) as link:
        for i in range(5):
            await link.seocho.publish(make_report(i))
        rec = Recorder()

        async def handler(message: object) -> None:
            if message.hit_id == "hit-2":  # type: ignore[attr-defined]
                await hang.wait()  # the process dies with hit-2 in hand
            await rec(message)

        sub = await link.police.subscribe(link.spec, handler)
        await rec.wait_for(2)
        await asyncio.sleep(0.05)
        await sub.abort()
    async with Link(journal, report_spec()) as link:
        # The subscription exists before the police provision again, as on JetStream.
        assert await link.receive(3) == ["hit-2", "hit-3", "hit-4"]
    async with Link(journal, report_spec()) as link:
        await link.seocho.publish(make_report(9))
        assert await link.receive(1) == ["hit-9"]


async def test_a_message_that_keeps_killing_the_receiver_is_dead_lettered(
    tmp_path: Path,
) -> None:
    journal = tmp_path / "link.journal"
    spec = report_spec(max_deliver=2)
    for life in range(3):
        async with Link(journal, spec) as link:
            if life == 0:
                await link.seocho.publish(make_report(1))
            calls = 0

            async def dies(message: Message) -> None:
                nonlocal calls
                calls += 1
                await asyncio.Event().wait()

            sub = await link.police.subscribe(spec, dies)
            await asyncio.sleep(0.2)
            await sub.abort()
            # Handed out twice without an ack, then dead-lettered on the third life.
            assert calls == (1 if life < 2 else 0), life
    async with Link(journal, spec) as link:
        [dead] = await link.police.dead_letters()
        assert dead.original_subject == "safenet.v1.report.seocho"
        assert "delivered 3 times" in dead.reason


async def test_dead_letters_and_their_settlement_survive_reopen(tmp_path: Path) -> None:
    journal = tmp_path / "link.journal"
    async with Link(journal, report_spec()) as link:
        link.broker.store(Envelope("safenet.v1.report.seocho", "junk-1", b"{not json", "raw"))
        await link.seocho.publish(make_report(1))
        assert await link.receive(1) == ["hit-1"]
        assert len(await link.police.dead_letters()) == 1
    assert ("police-report-seocho", 1) in rows(journal, "SELECT durable, seq FROM acks")
    async with Link(journal, report_spec()) as link:
        [dead] = await link.police.dead_letters()
        assert dead.payload == b"{not json"
        assert dead.receiver == POLICE
        assert dead.reason
        await link.seocho.publish(make_report(2))
        assert await link.receive(1) == ["hit-2"]  # the junk is not handed out again


async def test_the_duplicate_window_survives_reopen(tmp_path: Path) -> None:
    journal = tmp_path / "link.journal"
    async with Link(journal, report_spec()) as link:
        await link.seocho.publish(make_report(1))
        assert await link.receive(1) == ["hit-1"]
        await link.broker.prune()  # the message goes, its id stays for the window
    assert rows(journal, "SELECT count(*) FROM messages") == [(0,)]
    async with Link(journal, report_spec()) as link:
        # A relay that died between the PubAck and its mark sends the row again.
        assert not link.broker.store(Envelope.of(make_report(1)))
        results = await link.seocho.publish_batch(
            [Envelope.of(make_report(1)), Envelope.of(make_report(2))]
        )
        assert results == [None, None]
        assert await link.receive(1) == ["hit-2"]


async def test_pruning_keeps_only_what_a_consumer_still_needs(tmp_path: Path) -> None:
    journal = tmp_path / "link.journal"
    async with Link(journal, report_spec()) as link:
        for i in range(10):
            await link.seocho.publish(make_report(i))
        link.broker.store(Envelope("safenet.v1.report.seocho", "junk-1", b"[]", "raw"))
        await link.seocho.publish(make_report(10))
    async with Link(journal, report_spec()) as link:
        assert await link.receive(11) == [f"hit-{i}" for i in range(11)]
        for i in range(11, 14):
            await link.seocho.publish(make_report(i))
        removed = await link.broker.prune()
        # hit-0..10 and the junk went; the dead letter (no consumer reads it) and the
        # three unread reports stay.
        assert removed == 12
    stored = rows(journal, "SELECT stream, seq FROM messages ORDER BY stream, seq")
    reports = [("SAFENET_REPORT_SEOCHO", seq) for seq in (13, 14, 15)]
    assert stored == [("SAFENET_DEAD_POLICE", 1), *reports]
    floor = "SELECT ack_floor FROM consumers WHERE durable = 'police-report-seocho'"
    assert rows(journal, floor) == [(12,)]
    assert rows(journal, "SELECT count(*) FROM acks") == [(0,)]
    async with Link(journal, report_spec()) as link:
        assert await link.receive(3) == ["hit-11", "hit-12", "hit-13"]
        await link.broker.prune()
    async with Link(journal, report_spec()) as link:
        # Sequences go on after the stream was emptied, so nothing new hides under the floor.
        await link.seocho.publish(make_report(20))
        assert await link.receive(1) == ["hit-20"]


async def test_pruning_runs_on_its_own_cadence(tmp_path: Path) -> None:
    journal = tmp_path / "link.journal"
    async with Link(journal, report_spec(), prune_interval_s=0.1) as link:
        for i in range(5):
            await link.seocho.publish(make_report(i))
        assert await link.receive(5) == [f"hit-{i}" for i in range(5)]
        await asyncio.sleep(0.15)
        await link.seocho.publish(make_report(5))  # any write past the interval prunes
        assert await link.receive(1) == ["hit-5"]
    assert rows(journal, "SELECT count(*) FROM messages")[0][0] <= 1


async def test_a_batch_is_stored_in_order_with_fenced_entries_refused(tmp_path: Path) -> None:
    journal = tmp_path / "link.journal"
    async with Link(journal, report_spec()) as link:
        envelopes = [Envelope.of(make_report(i)) for i in range(3)]
        envelopes.insert(1, Envelope.of(make_report(7, site="gangnam")))
        results = await link.seocho.publish_batch(envelopes)
        assert [type(r).__name__ for r in results] == ["NoneType", "LinkForbidden"] + [
            "NoneType"
        ] * 2
    assert rows(journal, "SELECT seq FROM messages WHERE stream = 'SAFENET_REPORT_SEOCHO'") == [
        (1,),
        (2,),
        (3,),
    ]
    async with Link(journal, report_spec()) as link:
        assert await link.receive(3) == ["hit-0", "hit-1", "hit-2"]


async def test_one_journal_serves_one_broker(tmp_path: Path) -> None:
    journal = tmp_path / "link.journal"
    first = MemoryBroker(journal=journal)
    try:
        with pytest.raises(LinkConfigError, match="held by another broker"):
            MemoryBroker(journal=journal)
    finally:
        first.close()
    MemoryBroker(journal=journal).close()


def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"plain text, not SQLite" * 100)
    with pytest.raises(LinkConfigError, match="not a link journal"):
        MemoryBroker(journal=path)


async def test_a_closed_journal_refuses_publishes(tmp_path: Path) -> None:
    broker = MemoryBroker(journal=tmp_path / "link.journal")
    seocho = MemoryTransport(broker, "seocho")
    broker.close()
    with pytest.raises(LinkError, match="closed"):
        await seocho.publish(make_report(1))


# -- crash tests: the embedded link in a child process, killed with -9 -------------------

PER_LIFE = 30
MIN_KILLS = 12
KILL_POINTS = ("after_commit", "after_publish", "after_mark", "after_receipt", "after_store")
"""Where the child dies: a hit committed before any publish; the journal holds a report the
relay has not marked; the relay marked it sent; the police hold it, nothing written; the
police wrote it, no ack yet."""

_metadata = sa.MetaData()
HITS = sa.Table("mj_hits", _metadata, sa.Column("n", sa.Integer, primary_key=True))
RECEIVED = sa.Table(
    "mj_received",
    _metadata,
    # No unique key on purpose: a duplicate slipping past the inbox would show.
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("hit_id", sa.String(64), nullable=False),
)


class _KillingTransport(MemoryTransport):
    """The in-process transport, dying (maybe) once the journal accepted a publish."""

    kill: KillSwitch

    async def publish_envelope(self, envelope: Envelope) -> None:
        await super().publish_envelope(envelope)
        self.kill.reached("after_publish")

    async def publish_batch(self, envelopes: Sequence[Envelope]) -> list[LinkError | None]:
        results = await super().publish_batch(envelopes)
        self.kill.reached("after_publish")
        return results


class _KillingRelay(Relay):
    """The outbox relay, dying (maybe) right after it marked rows sent."""

    kill: KillSwitch

    def _settle(
        self, sent: list[int], failed: dict[int, LinkError], reassigned: dict[int, str]
    ) -> None:
        super()._settle(sent, failed, reassigned)
        if sent:
            self.kill.reached("after_mark")


async def child_main() -> int:
    """One life of the embedded link: a center records hits, relays them; the police store them.

    Environment: ``MJ_DIR`` (its files), ``MJ_TOTAL`` (hits to record), ``MJ_JOURNAL``
    (``1``: journaled broker), ``MJ_BATCHED`` (``1``: batched relay), ``MJ_RECEIVE``
    (``0``: no police subscription), ``MJ_KILL`` (``POINT:N``, see :class:`KillSwitch`),
    ``MJ_PATIENCE_S`` (how long to wait for the police to have everything).
    Exits 0 once every hit is recorded, relayed and stored by the police; 3 when the
    police do not get everything in time.
    """
    env = os.environ
    home = Path(env["MJ_DIR"])
    total = int(env["MJ_TOTAL"])
    receiving = env.get("MJ_RECEIVE", "1") == "1"
    kill = KillSwitch(env.get("MJ_KILL", ""))
    broker = MemoryBroker(
        journal=home / "link.journal" if env.get("MJ_JOURNAL") == "1" else None,
        prune_interval_s=0.3,
    )
    police = MemoryTransport(broker, POLICE)
    center = _KillingTransport(broker, "seocho")
    center.kill = kill
    # Many lives may each die with the same report in hand: that is not a poison message.
    spec = report_spec(ack_wait_s=0.5, max_deliver=1000)
    await police.provision(["seocho"], [spec])
    center_db = open_database(f"sqlite:///{home / 'seocho.db'}")
    migrate(center_db, "center")
    _metadata.create_all(center_db.engine, tables=[HITS])
    police_db = open_database(f"sqlite:///{home / 'police.db'}")
    migrate(police_db, "police")
    _metadata.create_all(police_db.engine, tables=[RECEIVED])

    async def on_report(message: Message) -> None:
        assert isinstance(message, LocationReport)
        kill.reached("after_receipt")

        def store() -> None:
            with police_db.begin() as conn:
                if inbox.first_receipt(conn, message):
                    conn.execute(
                        sa.insert(RECEIVED).values(
                            message_id=message.message_id, hit_id=message.hit_id
                        )
                    )

        await asyncio.to_thread(store)
        kill.reached("after_store")

    def count(db: Database, table: sa.Table) -> int:
        with db.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    def record(n: int) -> None:
        with center_db.begin() as conn:  # the hit and its report, in one transaction
            conn.execute(sa.insert(HITS).values(n=n))
            outbox.enqueue(conn, make_report(n))

    if receiving:
        await police.subscribe(spec, on_report)
    relay = _KillingRelay(
        center_db,
        center,
        batched=env.get("MJ_BATCHED") == "1",
        batch_size=10,
        poll_interval_s=0.05,
        max_backoff_s=0.2,
    )
    relay.kill = kill
    await relay.start()
    for n in range(await asyncio.to_thread(count, center_db, HITS), total):
        await asyncio.to_thread(record, n)
        kill.reached("after_commit")
        relay.notify()
    deadline = time.monotonic() + float(env.get("MJ_PATIENCE_S", "30"))
    while await asyncio.to_thread(relay.read_depth) > 0 or (
        receiving and await asyncio.to_thread(count, police_db, RECEIVED) < total
    ):
        if time.monotonic() > deadline:
            print("INCOMPLETE", flush=True)
            return 3
        relay.notify()
        await asyncio.sleep(0.05)
    kill.reached("drained")
    await relay.stop()
    await police.close()
    await center.close()
    broker.close()
    print("DONE", flush=True)
    return 0


def start_child(home: Path, life: int, **env: str) -> subprocess.Popen[bytes]:
    out = (home / f"life-{life}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "tests.link.test_memory_journal"],
        cwd=REPO,
        env={**os.environ, "MJ_DIR": str(home), **env},
        stdout=out,
        stderr=out,
    )


def table(path: Path, sql: str) -> list[tuple[object, ...]]:
    """``sql``'s rows, or none when a kill came before the child made its file or tables."""
    if not path.exists():
        return []
    try:
        return rows(path, sql)
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        return []


@pytest.mark.slow
@pytest.mark.xdist_group("kill-nine")  # never beside tests/link/test_kill.py (see there)
def test_kill_minus_nine_anywhere_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    seed = int(os.environ.get("SAFENET_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    kills: list[tuple[str, int]] = []  # (where, hits committed by then)
    deadline = time.monotonic() + 90
    life = total = 0
    while True:
        assert time.monotonic() < deadline, f"seed {seed}: timed out after {kills}"
        life += 1
        # Each life has new hits to record, so every kill lands with work in progress.
        total = PER_LIFE * life
        env = {"MJ_TOTAL": str(total), "MJ_JOURNAL": "1", "MJ_BATCHED": rng.choice("01")}
        timer: float | None = None
        point = "none"
        if len(kills) < MIN_KILLS:
            if rng.random() < 0.25:
                timer, point = rng.uniform(0.3, 1.0), "timer"  # a kill at any moment
            else:
                point = f"{rng.choice(KILL_POINTS)}:{rng.randint(1, 6)}"
                env["MJ_KILL"] = point
        proc = start_child(tmp_path, life, **env)
        if timer is not None:
            try:
                proc.wait(timer)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
        rc = proc.wait(60)
        if rc == -signal.SIGKILL:
            committed = table(tmp_path / "seocho.db", "SELECT count(*) FROM mj_hits")
            kills.append((point, int(str(committed[0][0])) if committed else 0))
            continue
        log = (tmp_path / f"life-{life}.log").read_text(errors="replace")[-3000:]
        assert rc == 0, f"seed {seed}: life {life} exited {rc}:\n{log}"
        if len(kills) >= MIN_KILLS:
            break  # a life without a kill finished everything

    summary = f"seed {seed}; {life} lives; kills (point, hits committed) {kills}"
    hits = table(tmp_path / "seocho.db", "SELECT n FROM mj_hits ORDER BY n")
    assert [h[0] for h in hits] == list(range(total)), summary
    received = table(tmp_path / "police.db", "SELECT hit_id FROM mj_received")
    assert sorted(r[0] for r in received) == sorted(f"hit-{i}" for i in range(total)), summary
    assert table(tmp_path / "police.db", "SELECT count(*) FROM link_inbox") == [(total,)]
    broker = MemoryBroker(journal=tmp_path / "link.journal")
    try:
        assert broker.dead_letters() == [], summary
    finally:
        broker.close()
    print(summary)


@pytest.mark.parametrize("journaled", [True, False], ids=["journal", "memory-only"])
def test_a_report_marked_sent_survives_the_process_only_with_a_journal(
    tmp_path: Path, journaled: bool
) -> None:
    env = {"MJ_TOTAL": "20", "MJ_JOURNAL": "1" if journaled else "0", "MJ_BATCHED": "1"}
    # First life: every report relayed and marked sent, then the process dies before
    # the police ever subscribed.
    first = start_child(tmp_path, 1, MJ_RECEIVE="0", MJ_KILL="drained:1", **env)
    assert first.wait(60) == -signal.SIGKILL
    unsent = "SELECT count(*) FROM link_outbox WHERE sent_at IS NULL"
    assert table(tmp_path / "seocho.db", unsent) == [(0,)]
    second = start_child(tmp_path, 2, MJ_PATIENCE_S="1.5", **env)
    rc = second.wait(60)
    got = table(tmp_path / "police.db", "SELECT count(*) FROM mj_received")
    if journaled:
        assert rc == 0
        assert got == [(20,)]
    else:
        assert rc == 3  # lost with the process: what the journal is for
        assert got == [(0,)]


if __name__ == "__main__":
    sys.exit(asyncio.run(child_main()))
