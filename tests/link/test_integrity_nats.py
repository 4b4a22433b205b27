"""Attacks on the link's integrity by a center holding only its own credentials.

Each test is the attack as issue 13 ran it against the fenced nats-server: it passed
on the shared streams (one JetStream de-duplication window for every center's
reports) and must now fail, with the attempt alarmed.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import nats
import pytest
import sqlalchemy as sa

from safenet.link import Family, HotlistAck, Message, Relay, outbox
from safenet.link.alarms import AlarmKind
from safenet.link.codec import encode
from safenet.link.fencing import inbox_prefix
from safenet.link.tables import outbox as outbox_table
from safenet.store import migrate, open_database
from tests.link.conftest import FencedNats, make_report

pytestmark = pytest.mark.nats

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


async def raw_publish(
    fenced: FencedNats, site: str, subject: str, payload: bytes, msg_id: str
) -> bool:
    """Publish as ``site``'s NATS user with a chosen Nats-Msg-Id; True when stored anew."""
    creds = fenced.credentials[site]
    nc = await nats.connect(
        fenced.url,
        user=creds.user,
        password=creds.password,
        inbox_prefix=inbox_prefix(site),
        allow_reconnect=False,
    )
    try:
        ack = await nc.jetstream().publish(subject, payload, headers={"Nats-Msg-Id": msg_id})
        return not ack.duplicate
    finally:
        await nc.close()


async def collect(transport, family: Family, n: int, within_s: float = 5.0) -> list[Message]:  # type: ignore[no-untyped-def]
    got: list[Message] = []
    enough = asyncio.Event()

    async def handler(message: Message) -> None:
        got.append(message)
        if len(got) >= n:
            enough.set()

    sub = await transport.subscribe_family(family, handler)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(enough.wait(), within_s)
    await asyncio.sleep(0.2)  # and nothing more arrives
    await sub.stop()
    return got


async def test_a_forged_report_id_from_another_center_does_not_suppress_the_report(
    fenced_nats: FencedNats,
) -> None:
    police = fenced_nats.transport("police")
    gangnam = fenced_nats.transport("gangnam")
    async with police, gangnam:
        await police.provision(["seocho", "gangnam"])
        real = make_report(1, "gangnam", explanation="kidnapping suspect, exact plate")
        # 서초구 guesses 강남구's next report id (a UUIDv5 of the site and hit id) and
        # publishes junk under it on its own subject, first.
        await raw_publish(
            fenced_nats, "seocho", "safenet.v1.report.seocho", b"junk", real.message_id
        )
        await gangnam.publish(real)
        got = await collect(police, Family.REPORT, 1)
        assert [m.message_id for m in got] == [real.message_id]
        # The junk is refused, and the police are told who sent it.
        assert police.alarms.count(AlarmKind.INVALID_MESSAGE, site="seocho") == 1
        assert gangnam.alarms.count() == 0


async def test_a_valid_report_under_another_reports_id_is_refused_and_alarmed(
    fenced_nats: FencedNats,
) -> None:
    police = fenced_nats.transport("police")
    async with police:
        await police.provision(["seocho", "gangnam"])
        victim = make_report(7, "gangnam")
        own = make_report(7, "seocho")  # a well-formed report of its own, under a taken id
        await raw_publish(
            fenced_nats, "seocho", "safenet.v1.report.seocho", encode(own), victim.message_id
        )
        got = await collect(police, Family.REPORT, 1, within_s=2.0)
        assert got == []
        [alarm] = police.alarms.recent()
        assert (alarm.kind, alarm.site) == (AlarmKind.FORGED_MESSAGE_ID, "seocho")
        assert victim.message_id in alarm.detail
        letters = await police.dead_letters()
        assert [letter.original_subject for letter in letters] == ["safenet.v1.report.seocho"]


async def test_a_forged_ack_id_from_another_center_does_not_suppress_the_ack(
    fenced_nats: FencedNats,
) -> None:
    police = fenced_nats.transport("police")
    gangnam = fenced_nats.transport("gangnam")
    async with police, gangnam:
        await police.provision(["seocho", "gangnam"])
        real = HotlistAck(site="gangnam", version=4, entry_count=12, acked_at=NOW)
        forged = HotlistAck(site="seocho", version=1, entry_count=0, acked_at=NOW)
        await raw_publish(
            fenced_nats, "seocho", "safenet.v1.ack.seocho", encode(forged), real.message_id
        )
        await gangnam.publish(real)
        got = await collect(police, Family.ACK, 1)
        assert [m.message_id for m in got] == [real.message_id]
        assert police.alarms.count(AlarmKind.FORGED_MESSAGE_ID, site="seocho") == 1


async def test_a_duplicate_answer_to_a_first_publish_is_an_alarm_and_the_report_still_arrives(
    fenced_nats: FencedNats, sqlite_url: str
) -> None:
    """Someone holding 강남구's own credentials publishes under its next report id first."""
    db = open_database(sqlite_url)
    migrate(db, "center")
    police = fenced_nats.transport("police")
    gangnam = fenced_nats.transport("gangnam")
    try:
        async with police, gangnam:
            await police.provision(["seocho", "gangnam"])
            real = make_report(3, "gangnam")
            await raw_publish(
                fenced_nats, "gangnam", "safenet.v1.report.gangnam", b"junk", real.message_id
            )
            relay = Relay(db, gangnam, poll_interval_s=0.05)
            assert await relay.drain_once() == (0, 0)  # the relay runs before the hit
            with db.begin() as conn:
                outbox.enqueue(conn, real)
            await relay.start()
            try:
                got = await collect(police, Family.REPORT, 1)
            finally:
                await relay.stop()
            assert [m.message_id for m in got] == [real.message_id]
            assert relay.duplicates_total == 1
            [alarm] = gangnam.alarms.recent()
            assert alarm.kind is AlarmKind.DUPLICATE_FIRST_PUBLISH
            assert alarm.message_id == real.message_id
            with db.read() as conn:
                row = conn.execute(sa.select(outbox_table)).one()
            assert row.sent_at is not None
            assert row.dedup_id.startswith(real.message_id + ":")
    finally:
        db.dispose()


async def test_a_retry_after_a_lost_acknowledgement_may_be_told_duplicate_quietly(
    fenced_nats: FencedNats, sqlite_url: str
) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    police = fenced_nats.transport("police")
    gangnam = fenced_nats.transport("gangnam")
    try:
        async with police, gangnam:
            await police.provision(["seocho", "gangnam"])
            real = make_report(4, "gangnam")
            with db.begin() as conn:
                outbox.enqueue(conn, real)
                [row] = outbox.pending(conn)
                outbox.note_ambiguous(conn, [row.seq])  # offered; the PubAck never came back
            await gangnam.publish(real)  # ... but the server had stored it
            relay = Relay(db, gangnam, poll_interval_s=0.05)
            sent, failed = await relay.drain_once()
            assert (sent, failed) == (1, 0)
            assert relay.duplicates_total == 0
            assert gangnam.alarms.count() == 0
            got = await collect(police, Family.REPORT, 1)
            assert [m.message_id for m in got] == [real.message_id]
    finally:
        db.dispose()


async def test_a_row_left_by_a_relay_that_died_before_marking_it_is_resent_quietly(
    fenced_nats: FencedNats, sqlite_url: str
) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    police = fenced_nats.transport("police")
    gangnam = fenced_nats.transport("gangnam")
    try:
        async with police, gangnam:
            await police.provision(["seocho", "gangnam"])
            real = make_report(5, "gangnam")
            with db.begin() as conn:
                outbox.enqueue(conn, real)
            await gangnam.publish(real)  # the dead relay got its PubAck, never marked it
            relay = Relay(db, gangnam)  # the restarted one inherits the row
            assert await relay.drain_once() == (0, 0)
            assert await relay.drain_once() == (1, 0)  # resent under a fresh id
            assert gangnam.alarms.count() == 0
            got = await collect(police, Family.REPORT, 2)
            # Both copies reach the police, whose inbox keeps one (same message id).
            assert [m.message_id for m in got] == [real.message_id, real.message_id]
            assert police.alarms.count() == 0
    finally:
        db.dispose()


async def test_a_report_naming_another_centers_camera_is_refused_over_nats(
    fenced_nats: FencedNats, sqlite_url: str
) -> None:
    from safenet.link import CameraAnnouncement, Coordinates
    from safenet.link.camera_store import RegistryKeeper
    from safenet.link.cameras import guard_reports, registry_messages

    db = open_database(sqlite_url)
    migrate(db, "police")
    police = fenced_nats.transport("police")
    seocho = fenced_nats.transport("seocho")
    gangnam = fenced_nats.transport("gangnam")
    here = Coordinates(lat=37.4979, lon=127.0276)
    try:
        async with police, seocho, gangnam:
            await police.provision(["seocho", "gangnam"])
            cam = CameraAnnouncement(camera_id="g-cam-7", coordinates=here, heading=0.0)
            for message in registry_messages("gangnam", 1, [cam], NOW):
                await gangnam.publish(message)  # on its own subject, with its own account
            keeper = RegistryKeeper(db)
            await keeper.start()
            registry_sub = await police.subscribe_family(Family.REGISTRY, keeper.on_registry)
            for _ in range(100):
                if keeper.directory().announced("gangnam"):
                    break
                await asyncio.sleep(0.05)
            got: list[Message] = []

            async def intake(message: Message) -> None:
                got.append(message)

            guarded = guard_reports(intake, keeper.directory, police.alarms)
            report_sub = await police.subscribe_family(Family.REPORT, guarded)
            # 서초구's credentials, 강남구's camera and position: fenced in, but a lie.
            await seocho.publish(make_report(9, "seocho", camera_id="g-cam-7", coordinates=here))
            await gangnam.publish(make_report(9, "gangnam", camera_id="g-cam-7", coordinates=here))
            for _ in range(100):
                if got and police.alarms.count():
                    break
                await asyncio.sleep(0.05)
            await report_sub.stop()
            await registry_sub.stop()
            assert [m.site for m in got] == ["gangnam"]  # type: ignore[union-attr]
            [alarm] = police.alarms.recent()
            assert (alarm.kind, alarm.site) == (AlarmKind.FOREIGN_CAMERA, "seocho")
    finally:
        db.dispose()


async def test_provision_replaces_an_empty_shared_stream_of_an_older_release(
    fenced_nats: FencedNats,
) -> None:
    from nats.js import api

    from safenet.link import LinkConfigError

    police = fenced_nats.transport("police")
    async with police:
        old = api.StreamConfig(
            name="SAFENET_REPORT", subjects=["safenet.v1.report.>"], storage=api.StorageType.FILE
        )
        await police.js.add_stream(old)
        await police.provision(["seocho"])  # empty: deleted, per-site streams made
        names = {s.config.name for s in await police.js.streams_info()}
        assert "SAFENET_REPORT" not in names
        assert "SAFENET_REPORT_SEOCHO" in names
        legacy_ack = api.StreamConfig(
            name="SAFENET_ACK", subjects=["safenet.v1.ack.>"], storage=api.StorageType.FILE
        )
        await police.js.delete_stream("SAFENET_ACK_SEOCHO")
        await police.js.add_stream(legacy_ack)
        await raw_publish(fenced_nats, "seocho", "safenet.v1.ack.seocho", b"{}", "old-1")
        with pytest.raises(LinkConfigError, match="SAFENET_ACK of an older release still holds 1"):
            await police.provision(["seocho"])  # unread messages: left for the police to drain
