"""A package crosses the link in parts, through the outbox, and is verified at the police.

On the in-process link and on a real, fenced NATS JetStream server (default max_payload,
1 MiB): the register rows and the outbox messages commit in one transaction, the relay
sends header and parts, the police reassemble and verify; a denial arrives with its
reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from safenet.audit import SigningKey
from safenet.evidence import (
    Reassembly,
    build_denial,
    reconcile,
    records_for,
    verify_package,
)
from safenet.evidence.tables import provision_register, record_from_row, register_values
from safenet.link import POLICE, Family, Relay, consumer, outbox
from safenet.link.errors import LinkUnavailable
from safenet.link.messages import EvidenceDenial, EvidencePackage, EvidencePart, Message
from safenet.link.transport import Envelope
from safenet.store import Database, migrate, open_database
from tests.evidence.world import NOW, SITE, build, make_request
from tests.link.conftest import LinkEnv, start_fenced
from tests.support.services import NatsServer


@pytest.fixture(params=["memory", pytest.param("nats", marks=pytest.mark.nats)])
async def link(
    request: pytest.FixtureRequest, nats_server: Callable[..., NatsServer], tmp_path: Path
) -> AsyncIterator[LinkEnv]:
    fenced = start_fenced(nats_server, tmp_path, (SITE,)) if request.param == "nats" else None
    env = LinkEnv(request.param, fenced)
    yield env
    await env.close()


class PoliceInbox:
    """What the police side does with evidence replies: reassemble, verify, keep denials."""

    def __init__(self, trusted: dict[str, str]) -> None:
        self.trusted = trusted
        self.assembling: dict[str, Reassembly] = {}
        self.verified: list[object] = []
        self.denials: list[EvidenceDenial] = []
        self.done = asyncio.Event()

    async def __call__(self, message: Message) -> None:
        if isinstance(message, EvidenceDenial):
            self.denials.append(message)
            self.done.set()
            return
        assert isinstance(message, EvidencePackage | EvidencePart)
        r = self.assembling.setdefault(
            message.request_id, Reassembly(message.site, message.request_id)
        )
        r.add(message)
        if r.complete:
            assert r.header is not None
            self.verified.append(
                verify_package(
                    r.header,
                    r.parts(),
                    trusted_keys=self.trusted,
                    now=NOW,
                    request=make_request(),
                )
            )
            self.done.set()


def _depth(db: Database) -> int:
    with db.read() as conn:
        return outbox.depth(conn)


async def _send(link: LinkEnv, tmp_path: Path, messages: list[object], rows: list[object]) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'center.db'}")
    migrate(db, "center")
    with db.begin() as conn:  # the register rows and what leaves: one transaction
        if rows:
            conn.execute(provision_register.insert(), [register_values(r) for r in rows])  # type: ignore[arg-type]
        for m in messages:
            outbox.enqueue(conn, m)  # type: ignore[arg-type]
    center = await link.transport(SITE)
    relay = Relay(db, center, batch_size=10, poll_interval_s=0.1)
    await relay.start()
    relay.notify()
    try:
        for _ in range(200):
            if _depth(db) == 0:
                break
            await asyncio.sleep(0.05)
        assert _depth(db) == 0
    finally:
        await relay.stop()
        with db.read() as conn:
            stored = [record_from_row(r) for r in conn.execute(provision_register.select())]
        db.dispose()
    assert sorted(stored, key=lambda r: r.record_id) == rows


async def test_a_package_arrives_in_parts_and_verifies_at_the_police(
    link: LinkEnv, tmp_path: Path, center_key: SigningKey, trusted: dict[str, str]
) -> None:
    built = build(key=center_key, part_bytes=16 * 1024)
    assert built.header.parts > 3
    rows = records_for(built.manifest, built.package_sha256)
    police = await link.transport(POLICE)
    await police.provision([SITE])
    inbox = PoliceInbox(trusted)
    sub = await police.subscribe(consumer(POLICE, Family.EVIDENCE_REPLY, source=SITE), inbox)
    try:
        await _send(link, tmp_path, list(built.messages), rows)  # type: ignore[arg-type]
        await asyncio.wait_for(inbox.done.wait(), 20)
    finally:
        await sub.stop()
    (verified,) = inbox.verified
    got = {f.entry.name: f.data for f in verified.files}  # type: ignore[attr-defined]
    assert len(got) == len(built.manifest.files)
    # Every file that left is in exactly one register row, with the hash the police verified.
    received = [(built.manifest.package_id, f.entry) for f in verified.files]  # type: ignore[attr-defined]
    assert reconcile(rows, received) == []


async def test_a_denial_reaches_the_police_with_its_reason(
    link: LinkEnv, tmp_path: Path, trusted: dict[str, str]
) -> None:
    denial = build_denial(
        make_request(),
        "operator",
        "요청 범위가 사건과 관련이 없음",
        decided_by="op-3",
        at=NOW,
    )
    police = await link.transport(POLICE)
    await police.provision([SITE])
    inbox = PoliceInbox(trusted)
    sub = await police.subscribe(consumer(POLICE, Family.EVIDENCE_REPLY, source=SITE), inbox)
    try:
        await _send(link, tmp_path, [denial], [])
        await asyncio.wait_for(inbox.done.wait(), 20)
    finally:
        await sub.stop()
    assert [(d.code, d.reason) for d in inbox.denials] == [
        ("operator", "요청 범위가 사건과 관련이 없음")
    ]
    assert inbox.verified == []


@pytest.mark.nats
async def test_nats_refuses_a_message_over_its_default_max_payload(
    nats_server: Callable[..., NatsServer], tmp_path: Path
) -> None:
    # Why packages travel in parts: one 1.5 MB message does not pass a default server.
    env = LinkEnv("nats", start_fenced(nats_server, tmp_path, (SITE,)))
    try:
        police = await env.transport(POLICE)
        await police.provision([SITE])
        center = await env.transport(SITE)
        envelope = Envelope(
            Family.EVIDENCE_REPLY.subject(SITE), "big-1", b"x" * 1_500_000, "evidence_part"
        )
        with pytest.raises(LinkUnavailable, match=r"(?i)payload"):
            await center.publish_envelope(envelope)
    finally:
        await env.close()
