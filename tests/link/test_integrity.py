"""Link integrity on both transports: per-site streams, receipt checks and their alarms."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from prometheus_client import CollectorRegistry, generate_latest

from safenet.link import (
    POLICE,
    Envelope,
    Family,
    MemoryBroker,
    MemoryTransport,
    Relay,
    encode,
    outbox,
)
from safenet.link.alarms import AlarmKind, LinkAlarms
from safenet.link.tables import outbox as outbox_table
from safenet.link.topology import (
    all_consumers,
    stream_for_subject,
    stream_named,
    stream_owner,
    streams_for,
)
from safenet.store import migrate, open_database
from tests.link.conftest import LinkEnv, Recorder, make_report


def test_every_site_has_its_own_stream_for_what_it_sends() -> None:
    names = [s.name for s in streams_for(["seocho", "gangnam"])]
    assert "SAFENET_REPORT_SEOCHO" in names
    assert "SAFENET_REPORT_GANGNAM" in names
    assert "SAFENET_REPORT" not in names  # no window shared by every center
    assert "SAFENET_HOTLIST" in names  # only the police publish hotlists
    assert "SAFENET_HEARTBEAT_POLICE" in names
    assert len(names) == len(set(names))
    for spec in streams_for(["seocho", "a-b"]):
        assert stream_named(spec.name) == spec
    assert stream_owner("SAFENET_ACK_GANGNAM") == "gangnam"
    assert stream_owner("SAFENET_HOTLIST") == POLICE
    assert stream_owner("SAFENET_REPORT") is None
    assert stream_owner("SAFENET_REPORT_POLICE") is None  # the police send no reports


def test_a_subject_belongs_to_one_stream_of_its_own_site() -> None:
    spec = stream_for_subject("safenet.v1.report.seocho")
    assert spec is not None
    assert spec.name == "SAFENET_REPORT_SEOCHO"
    dead = stream_for_subject("safenet.v1.dead.police.report")
    assert dead is not None
    assert dead.name == "SAFENET_DEAD_POLICE"
    assert stream_for_subject("safenet.v1.report.seocho.extra") is None
    assert stream_for_subject("safenet.v1.report.Seocho") is None
    assert stream_for_subject("elsewhere.report.seocho") is None
    # Every consumer reads a stream that holds exactly the subjects it filters.
    for consumer in all_consumers(["seocho", "gangnam"]):
        for subject in consumer.filter_subjects:
            found = stream_for_subject(subject)
            assert found is not None, consumer.durable
            assert found.name == consumer.stream, consumer.durable


async def test_another_sites_id_cannot_suppress_a_message(link_env: LinkEnv) -> None:
    police = await link_env.transport(POLICE)
    await police.provision(["seocho", "gangnam"])
    gangnam = await link_env.transport("gangnam")
    victim = make_report(1, "gangnam")
    forged = encode(make_report(1, "seocho"))
    await link_env.inject("seocho", "safenet.v1.report.seocho", forged, victim.message_id)
    await gangnam.publish(victim)
    rec = Recorder()
    sub = await police.subscribe_family(Family.REPORT, rec)
    await rec.wait_for(1)
    await asyncio.sleep(0.3)
    await sub.stop()
    assert [m.message_id for m in rec.messages] == [victim.message_id]  # type: ignore[attr-defined]
    assert police.alarms.count(AlarmKind.FORGED_MESSAGE_ID) == 1


async def test_a_message_stored_by_another_sites_account_is_refused() -> None:
    broker = MemoryBroker()
    police = MemoryTransport(broker, POLICE)
    await police.provision(["seocho", "gangnam"])
    # A well-formed 강남구 report on 강남구's subject, stored by 서초구's connection: the
    # broker knows who published, whatever the subject and payload claim.
    broker.store(Envelope.of(make_report(1, "gangnam")), publisher="seocho")
    rec = Recorder()
    sub = await police.subscribe_family(Family.REPORT, rec)
    for _ in range(100):
        if police.alarms.count():
            break
        await asyncio.sleep(0.02)
    await sub.stop()
    assert rec.messages == []
    [alarm] = police.alarms.recent()
    assert (alarm.kind, alarm.site) == (AlarmKind.SITE_MISMATCH, "seocho")
    assert "stored by seocho's account" in alarm.detail
    assert len(await police.dead_letters()) == 1


async def test_a_first_publish_told_duplicate_is_alarmed_and_sent_again(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    broker = MemoryBroker()
    police = MemoryTransport(broker, POLICE)
    gangnam = MemoryTransport(broker, "gangnam")
    await police.provision(["gangnam"])
    real = make_report(2, "gangnam")
    broker.store(Envelope("safenet.v1.report.gangnam", real.message_id, b"junk", "raw"))
    hooked: list[str] = []
    gangnam.alarms.add_hook(lambda alarm: hooked.append(alarm.kind.value))
    relay = Relay(db, gangnam)
    assert await relay.drain_once() == (0, 0)  # running before the hit is committed
    with db.begin() as conn:
        outbox.enqueue(conn, real)
    assert await relay.drain_once() == (0, 0)  # refused as sent; given a fresh id
    assert relay.duplicates_total == 1
    assert hooked == ["duplicate_first_publish"]
    assert await relay.drain_once() == (1, 0)
    rec = Recorder()
    sub = await police.subscribe_family(Family.REPORT, rec)
    await rec.wait_for(1)
    await sub.stop()
    assert [m.message_id for m in rec.messages] == [real.message_id]  # type: ignore[attr-defined]
    assert police.alarms.count(AlarmKind.INVALID_MESSAGE, site="gangnam") == 1  # the junk
    db.dispose()


async def test_a_refused_publish_is_not_taken_for_a_maybe_stored_one(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    broker = MemoryBroker()
    gangnam = MemoryTransport(broker, "gangnam")
    with db.begin() as conn:
        outbox.enqueue(conn, make_report(3, "gangnam"))
    broker.set_available(False)  # the broker refuses outright: the message surely is not there
    relay = Relay(db, gangnam)
    assert await relay.drain_once() == (0, 1)
    with db.read() as conn:
        row = conn.execute(sa.select(outbox_table)).one()
    assert (row.publish_tries, row.attempts) == (0, 1)  # surely not stored: no "maybe"
    db.dispose()


def test_alarms_are_counted_hooked_and_exported() -> None:
    alarms = LinkAlarms(POLICE)
    calls: list[str] = []

    def broken(alarm: object) -> None:
        raise RuntimeError("console down")

    alarms.add_hook(broken)  # a failing hook never stops the link
    alarms.add_hook(lambda alarm: calls.append(alarm.site))
    alarms.raise_alarm(
        AlarmKind.FOREIGN_CAMERA,
        site="seocho",
        subject="safenet.v1.report.seocho",
        message_id="m-1",
        detail="camera cam-9 is gangnam's",
    )
    assert calls == ["seocho"]
    assert alarms.count(AlarmKind.FOREIGN_CAMERA) == 1
    assert alarms.count(site="gangnam") == 0
    registry = CollectorRegistry()
    registry.register(alarms.collector("safenet_police"))
    text = generate_latest(registry).decode()
    assert 'safenet_police_link_alarms_total{kind="foreign_camera",site="seocho"} 1.0' in text
    assert 'safenet_police_link_alarms_total{kind="site_mismatch",site=""} 0.0' in text


@pytest.mark.parametrize("centers", [["seocho"], ["seocho", "gangnam", "eunpyeong"]])
async def test_the_police_read_a_family_from_every_center_provisioned_later(
    centers: list[str],
) -> None:
    broker = MemoryBroker()
    police = MemoryTransport(broker, POLICE)
    await police.provision(centers[:1])
    rec = Recorder()
    sub = await police.subscribe_family(Family.ACK, rec)
    await police.provision(centers)  # new centers join the running subscription
    for site in centers:
        from safenet.link import HotlistAck

        t = MemoryTransport(broker, site)
        await t.publish(
            HotlistAck(site=site, version=1, entry_count=0, acked_at=make_report(0).read_at)
        )
    await rec.wait_for(len(centers))
    await sub.stop()
    assert sorted(m.site for m in rec.messages) == sorted(centers)  # type: ignore[attr-defined]


def test_registries_and_audit_heads_are_fenced_like_every_other_subject() -> None:
    from safenet.link import AuditHead, permissions_for

    seocho = permissions_for("seocho")
    assert seocho.may_publish("safenet.v1.registry.seocho")
    assert seocho.may_publish("safenet.v1.audit.seocho")
    assert not seocho.may_publish("safenet.v1.registry.gangnam")
    assert not seocho.may_publish("safenet.v1.audit.police")
    police = permissions_for(POLICE)
    assert police.may_publish("safenet.v1.audit.police")
    assert not police.may_publish("safenet.v1.registry.seocho")
    with pytest.raises(ValueError, match="cutoff"):
        AuditHead(
            site="seocho",
            kind="prune",
            seq=3,
            head_hash="a" * 64,
            signed_at="2028-01-01T00:00:00+00:00",
            signature="c2ln",
            public_key="a2V5",
        )
