"""The relay moves the outbox onto either transport, and survives the link going down."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from safenet.link import POLICE, Family, Message, Relay, Subscription, Transport, inbox, outbox
from safenet.link.tables import outbox as outbox_table
from safenet.store import Database, migrate, open_database
from tests.link.conftest import LinkEnv, make_report


def open_site_db(tmp_path: Path, name: str, side: str) -> Database:
    db = open_database(f"sqlite:///{tmp_path / f'{name}.db'}")
    migrate(db, side)  # type: ignore[arg-type]
    return db


def inbox_receiver(db: Database, order: list[str]):  # type: ignore[no-untyped-def]
    async def handle(message: Message) -> None:
        def store() -> None:
            with db.begin() as conn:
                if inbox.first_receipt(conn, message):
                    order.append(message.message_id)

        await asyncio.to_thread(store)

    return handle


async def wait_until(predicate, within_s: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + within_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def _seocho_to_police(
    link_env: LinkEnv, tmp_path: Path
) -> tuple[Database, Transport, list[str], Subscription]:
    """A center's database and transport, and the police receiving its reports (ids, in order)."""
    center_db = open_site_db(tmp_path, "seocho", "center")
    police_db = open_site_db(tmp_path, "police", "police")
    police = await link_env.transport(POLICE)
    await police.provision(["seocho"])
    seocho = await link_env.transport("seocho")
    received: list[str] = []
    sub = await police.subscribe_family(Family.REPORT, inbox_receiver(police_db, received))
    return center_db, seocho, received, sub


async def test_relay_publishes_in_order_and_marks_sent(link_env: LinkEnv, tmp_path: Path) -> None:
    center_db, seocho, received, sub = await _seocho_to_police(link_env, tmp_path)
    relay = Relay(center_db, seocho, batch_size=7, poll_interval_s=0.05)
    await relay.start()
    expected = []
    for i in range(25):
        with center_db.begin() as conn:
            outbox.enqueue(conn, make_report(i))
        expected.append(make_report(i).message_id)
        relay.notify()
    await wait_until(lambda: len(received) >= 25)
    await relay.stop()
    await sub.stop()
    assert received == expected
    assert relay.read_depth() == 0


async def test_link_down_outbox_grows_then_drains_in_order(
    link_env: LinkEnv, tmp_path: Path
) -> None:
    center_db = open_site_db(tmp_path, "seocho", "center")
    police_db = open_site_db(tmp_path, "police", "police")
    police = await link_env.transport(POLICE, publish_timeout_s=1.0)
    await police.provision(["seocho"])
    seocho = await link_env.transport("seocho", publish_timeout_s=1.0)
    received: list[str] = []
    sub = await police.subscribe_family(Family.REPORT, inbox_receiver(police_db, received))
    relay = Relay(center_db, seocho, batch_size=5, poll_interval_s=0.05, max_backoff_s=0.5)
    await relay.start()
    with center_db.begin() as conn:
        outbox.enqueue(conn, make_report(0))
    relay.notify()
    await wait_until(lambda: len(received) == 1)

    link_env.down()
    expected = [make_report(0).message_id]
    for i in range(1, 21):
        with center_db.begin() as conn:  # the center goes on recording hits
            outbox.enqueue(conn, make_report(i))
        expected.append(make_report(i).message_id)
        relay.notify()
    await asyncio.sleep(1.5)
    assert await asyncio.to_thread(relay.read_depth) == 20
    assert len(received) == 1

    link_env.up()
    await wait_until(lambda: len(received) == 21, within_s=30)
    await relay.stop()
    await sub.stop()
    assert received == expected
    assert await asyncio.to_thread(relay.read_depth) == 0
    with police_db.read() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM link_inbox")).scalar() == 21


async def test_a_commit_to_the_outbox_wakes_the_relay_without_a_poll(
    link_env: LinkEnv, tmp_path: Path
) -> None:
    # A poll interval far beyond the wait below: only the commit itself can wake the
    # relay, whichever thread commits (services write in worker threads).
    center_db, seocho, received, sub = await _seocho_to_police(link_env, tmp_path)
    relay = Relay(center_db, seocho, poll_interval_s=60.0)
    await relay.start()
    await asyncio.sleep(0.2)  # the relay's first look found nothing; it sleeps now

    def commit() -> None:
        with center_db.begin() as conn:
            outbox.enqueue(conn, make_report(1))

    await asyncio.to_thread(commit)
    await wait_until(lambda: len(received) == 1, within_s=5.0)
    await relay.stop()
    await sub.stop()


def test_only_a_committed_enqueue_tells_the_listeners(tmp_path: Path) -> None:
    db = open_site_db(tmp_path, "seocho", "center")
    woken: list[str] = []
    stop = db.on_commit(outbox.COMMIT_TOPIC, lambda: woken.append("woken"))
    with db.begin() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert woken == []  # a transaction that queued nothing wakes nobody
    try:
        with db.begin() as conn:
            outbox.enqueue(conn, make_report(1))
            raise RuntimeError("the fact failed")
    except RuntimeError:
        pass
    assert woken == []  # rolled back: nothing to send
    with db.begin() as conn:
        outbox.enqueue(conn, make_report(2))
    assert woken == ["woken"]
    stop()
    with db.begin() as conn:
        outbox.enqueue(conn, make_report(3))
    assert woken == ["woken"]


async def test_a_publish_whose_mark_failed_is_not_taken_for_a_forgery(
    link_env: LinkEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server stored a row but the relay could not mark it sent (a locked database
    under load): the next pass's "duplicate" answer is its own earlier publish — sent, not
    a forgery alarm, and not sent again under a fresh id."""
    center_db, seocho, received, sub = await _seocho_to_police(link_env, tmp_path)
    real_mark = outbox.mark_sent
    failures = []

    def mark_once_failing(conn, seqs, at=None):  # type: ignore[no-untyped-def]
        if seqs and not failures:
            failures.append(list(seqs))
            raise sa.exc.OperationalError("UPDATE outbox", {}, Exception("database is locked"))
        return real_mark(conn, seqs, at)

    monkeypatch.setattr(outbox, "mark_sent", mark_once_failing)
    relay = Relay(center_db, seocho, poll_interval_s=0.05, max_backoff_s=0.1)
    await relay.start()
    await wait_until(lambda: relay._inherited is not None)  # a row of its own time, not inherited
    with center_db.begin() as conn:
        outbox.enqueue(conn, make_report(1))
    relay.notify()
    await wait_until(lambda: relay.read_depth() == 0 and bool(failures))
    await relay.stop()
    await sub.stop()
    assert received == [make_report(1).message_id]
    assert relay.duplicates_total == 0, "its own publish taken for someone else's"
    with center_db.read() as conn:
        dedup = conn.execute(sa.select(outbox_table.c.dedup_id)).scalar_one()
    assert dedup is None, "sent again under a fresh id"
