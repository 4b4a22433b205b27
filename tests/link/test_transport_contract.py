"""One contract, two transports: the in-process link behaves like NATS JetStream.

Every test runs against the in-process broker and a real, fenced nats-server:
acknowledgement, redelivery, max-deliver, dead letters, the duplicate window, crash
redelivery after AckWait, order per site, and fencing.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from safenet.link import (
    POLICE,
    ConsumerSpec,
    Family,
    LinkForbidden,
    LocationReport,
    consumer,
    decode,
    encode,
)
from tests.link.conftest import LinkEnv, Recorder, make_report


def report_consumer(name: str, **overrides: object) -> ConsumerSpec:
    base = consumer(POLICE, Family.REPORT, source="seocho")
    fields: dict[str, object] = {
        "durable": f"police-test-{name}",
        "ack_wait_s": 1.0,
        "max_deliver": 3,
        "retry_backoff_s": 0.05,
    }
    fields.update(overrides)
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


async def setup(link_env: LinkEnv, spec: ConsumerSpec):  # type: ignore[no-untyped-def]
    police = await link_env.transport(POLICE)
    await police.provision(["seocho", "gangnam"], [spec])
    return police, await link_env.transport("seocho"), await link_env.transport("gangnam")


async def test_delivered_once_acked_and_not_redelivered(link_env: LinkEnv) -> None:
    spec = report_consumer("ack")
    police, seocho, _ = await setup(link_env, spec)
    for i in range(3):
        await seocho.publish(make_report(i))
    rec = Recorder()
    sub = await police.subscribe(spec, rec)
    await rec.wait_for(3)
    await asyncio.sleep(spec.ack_wait_s * 1.5)  # past AckWait: acked messages stay acked
    await sub.stop()
    assert [m.hit_id for m in rec.messages] == ["hit-0", "hit-1", "hit-2"]  # type: ignore[attr-defined]
    assert rec.calls == 3


async def test_republishing_inside_the_duplicate_window_is_dropped(link_env: LinkEnv) -> None:
    spec = report_consumer("dup")
    police, seocho, _ = await setup(link_env, spec)
    for _ in range(3):
        await seocho.publish(make_report(1))
    await seocho.publish(make_report(2))
    rec = Recorder()
    sub = await police.subscribe(spec, rec)
    await rec.wait_for(2)
    await asyncio.sleep(0.3)
    await sub.stop()
    assert [m.hit_id for m in rec.messages] == ["hit-1", "hit-2"]  # type: ignore[attr-defined]


async def test_failing_handler_is_retried_until_it_succeeds(link_env: LinkEnv) -> None:
    spec = report_consumer("retry")
    police, seocho, _ = await setup(link_env, spec)
    await seocho.publish(make_report(1))
    await seocho.publish(make_report(2))
    rec = Recorder()
    rec.fail = lambda m, attempt: m.hit_id == "hit-1" and attempt < 3  # type: ignore[attr-defined]
    sub = await police.subscribe(spec, rec)
    await rec.wait_for(2)
    await sub.stop()
    assert rec.attempts[make_report(1).message_id] == 3
    assert {m.hit_id for m in rec.messages} == {"hit-1", "hit-2"}  # type: ignore[attr-defined]
    assert await police.dead_letters() == []


async def test_poison_message_is_dead_lettered_after_max_deliver(link_env: LinkEnv) -> None:
    spec = report_consumer("poison")
    police, seocho, _ = await setup(link_env, spec)
    await seocho.publish(make_report(1))
    await seocho.publish(make_report(2))
    rec = Recorder()
    rec.fail = lambda m, attempt: m.hit_id == "hit-1"  # type: ignore[attr-defined]
    sub = await police.subscribe(spec, rec)
    await rec.wait_for(1)
    letters = []
    for _ in range(100):
        letters = await police.dead_letters()
        if letters:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    await sub.stop()
    assert [m.hit_id for m in rec.messages] == ["hit-2"]  # type: ignore[attr-defined]
    assert rec.attempts[make_report(1).message_id] == spec.max_deliver
    assert len(letters) == 1
    letter = letters[0]
    assert letter.subject == "safenet.v1.dead.police.report"
    assert letter.original_subject == "safenet.v1.report.seocho"
    assert letter.receiver == POLICE
    assert letter.deliveries == spec.max_deliver
    assert "handler failed 3 times" in letter.reason
    assert isinstance(decode(letter.payload), LocationReport)


async def test_invalid_payloads_are_dead_lettered_at_once(link_env: LinkEnv) -> None:
    spec = report_consumer("invalid")
    police, seocho, _ = await setup(link_env, spec)
    subject = "safenet.v1.report.seocho"
    await link_env.inject("seocho", subject, b"not json at all", "raw-1")
    invalid = encode(make_report(3)).replace(b'"score":1.0', b'"score":7.5')
    await link_env.inject("seocho", subject, invalid, "raw-2")
    await seocho.publish(make_report(4))
    rec = Recorder()
    sub = await police.subscribe(spec, rec)
    await rec.wait_for(1)
    letters = []
    for _ in range(100):
        letters = await police.dead_letters()
        if len(letters) >= 2:
            break
        await asyncio.sleep(0.05)
    await sub.stop()
    assert rec.calls == 1  # the handler never saw the bad ones
    reasons = sorted(letter.reason for letter in letters)
    assert len(reasons) == 2
    assert any("undecodable" in r for r in reasons)
    assert any("$.score" in r for r in reasons)
    assert all(letter.deliveries == 1 for letter in letters)


async def test_a_receiver_that_dies_mid_message_gets_it_again(link_env: LinkEnv) -> None:
    spec = report_consumer("crash")
    police, seocho, _ = await setup(link_env, spec)
    await seocho.publish(make_report(1))
    started = asyncio.Event()

    async def hang(message: object) -> None:
        started.set()
        await asyncio.sleep(3600)

    sub = await police.subscribe(spec, hang)
    await asyncio.wait_for(started.wait(), 10)
    await sub.abort()  # as if the process were killed: no ack, no nak
    rec = Recorder()
    t0 = asyncio.get_running_loop().time()
    sub2 = await police.subscribe(spec, rec)
    await rec.wait_for(1, within_s=spec.ack_wait_s + 10)
    waited = asyncio.get_running_loop().time() - t0
    await sub2.stop()
    assert [m.hit_id for m in rec.messages] == ["hit-1"]  # type: ignore[attr-defined]
    assert waited >= spec.ack_wait_s * 0.5  # it came back because AckWait ran out


async def test_a_slow_handler_is_not_redelivered_while_it_works(link_env: LinkEnv) -> None:
    spec = report_consumer("slow", ack_wait_s=0.6)
    police, seocho, _ = await setup(link_env, spec)
    await seocho.publish(make_report(1))
    calls = 0

    async def slow(message: object) -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(1.5)

    sub = await police.subscribe(spec, slow)
    other = await police.subscribe(spec, slow)  # a second receiver on the same consumer
    await asyncio.sleep(2.5)
    await sub.stop()
    await other.stop()
    assert calls == 1


async def test_order_is_kept_per_site(link_env: LinkEnv) -> None:
    spec = report_consumer("order")
    police, seocho, gangnam = await setup(link_env, spec)
    for i in range(30):
        await seocho.publish(make_report(i, "seocho"))
        await gangnam.publish(make_report(i, "gangnam"))
    rec = Recorder()
    sub = await police.subscribe_family(Family.REPORT, rec)  # every center's stream
    await rec.wait_for(60)
    await sub.stop()
    for site in ("seocho", "gangnam"):
        got = [m.hit_id for m in rec.messages if m.site == site]  # type: ignore[attr-defined]
        assert got == [f"hit-{i}" for i in range(30)]


async def test_fencing_holds_on_both_transports(link_env: LinkEnv) -> None:
    spec = report_consumer("fence")
    police, seocho, _ = await setup(link_env, spec)
    with pytest.raises(LinkForbidden):
        await seocho.publish(make_report(1, "gangnam"))
    with pytest.raises(LinkForbidden):
        await seocho.subscribe(consumer("gangnam", Family.EVIDENCE_REQUEST), Recorder())
    with pytest.raises(LinkForbidden):
        await seocho.subscribe(consumer(POLICE, Family.REPORT, source="seocho"), Recorder())
    with pytest.raises(LinkForbidden):
        await seocho.dead_letters()
    assert police.site == POLICE
