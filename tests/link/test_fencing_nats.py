"""A real nats-server with the generated configuration fences each center in.

Center A cannot publish as center B, cannot read B's requests, and cannot read any hit
— not by core subscription, not through its inbox, and not by any JetStream API route
(creating a consumer, pulling another site's consumer, fetching stream messages).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import nats
import pytest

from safenet.link import (
    EvidenceRequest,
    Family,
    HotlistAck,
    LinkForbidden,
    Message,
)
from safenet.link.fencing import inbox_prefix
from tests.link.conftest import FencedNats, make_evidence_request, make_report

pytestmark = pytest.mark.nats

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class RawClient:
    """A bare NATS connection as a center's credentials allow, recording refusals."""

    def __init__(self, fenced: FencedNats, site: str) -> None:
        self.fenced = fenced
        self.site = site
        self.errors: list[str] = []
        self.nc: nats.NATS | None = None

    async def __aenter__(self) -> RawClient:
        creds = self.fenced.credentials[self.site]

        async def on_error(exc: Exception) -> None:
            self.errors.append(str(exc))

        self.nc = await nats.connect(
            self.fenced.url,
            user=creds.user,
            password=creds.password,
            inbox_prefix=inbox_prefix(self.site),
            error_cb=on_error,
            allow_reconnect=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.nc is not None
        await self.nc.close()

    async def refused(self, kind: str, subject: str) -> bool:
        """Whether the server answered with a permission violation for this subject."""
        needle = f'permissions violation for {kind} to "{subject.lower()}"'
        for _ in range(40):
            if any(needle in e for e in self.errors):
                return True
            await asyncio.sleep(0.05)
        return False

    async def publish_refused(self, subject: str, payload: bytes = b"{}") -> bool:
        assert self.nc is not None
        await self.nc.publish(subject, payload, reply=f"{inbox_prefix(self.site)}.probe")
        await self.nc.flush()
        return await self.refused("publish", subject)

    async def subscribe_refused(self, subject: str) -> tuple[bool, list[bytes]]:
        assert self.nc is not None
        got: list[bytes] = []

        async def cb(msg: nats.aio.msg.Msg) -> None:
            got.append(msg.data)

        await self.nc.subscribe(subject, cb=cb)
        await self.nc.flush()
        return await self.refused("subscription", subject), got


def evidence_request(site: str) -> EvidenceRequest:
    return make_evidence_request(site)


async def test_center_cannot_publish_as_another_center(fenced_nats: FencedNats) -> None:
    police = fenced_nats.transport("police")
    seocho = fenced_nats.transport("seocho")
    async with police, seocho:
        await police.provision(["seocho", "gangnam"])
        await seocho.publish(make_report(1, "seocho"))  # its own subject works
        with pytest.raises(LinkForbidden, match=r"safenet\.v1\.report\.gangnam"):
            await seocho.publish(make_report(2, "gangnam"))
        ack = HotlistAck(site="gangnam", version=3, entry_count=10, acked_at=NOW)
        with pytest.raises(LinkForbidden):
            await seocho.publish(ack)
        with pytest.raises(LinkForbidden):  # nor speak for the police
            await seocho.publish(evidence_request("seocho"))
    async with RawClient(fenced_nats, "seocho") as raw:
        for subject in (
            "safenet.v1.update.gangnam",
            "safenet.v1.evidence.reply.gangnam",
            "safenet.v1.heartbeat.police",
            "safenet.v1.hotlist.all",
            "safenet.v1.dead.gangnam.report",
        ):
            assert await raw.publish_refused(subject), subject
        # The probe does tell allowed from refused.
        assert not await raw.publish_refused("safenet.v1.heartbeat.seocho")


async def test_center_reads_only_its_requests_and_the_hotlist(fenced_nats: FencedNats) -> None:
    police = fenced_nats.transport("police")
    seocho = fenced_nats.transport("seocho")
    gangnam = fenced_nats.transport("gangnam")
    async with police, seocho, gangnam:
        await police.provision(["seocho", "gangnam"])
        await police.publish(evidence_request("seocho"))
        await police.publish(evidence_request("gangnam"))
        got: list[Message] = []

        async def on_request(message: Message) -> None:
            got.append(message)

        sub = await seocho.subscribe_family(Family.EVIDENCE_REQUEST, on_request)
        for _ in range(100):
            if got:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        await sub.stop()
        assert [m.site for m in got if isinstance(m, EvidenceRequest)] == ["seocho"]
        # Pulling gangnam's consumer through the transport is refused outright.
        from safenet.link.topology import consumer

        with pytest.raises(LinkForbidden):
            await seocho.subscribe(consumer("gangnam", Family.EVIDENCE_REQUEST), on_request)
        with pytest.raises(LinkForbidden):
            await seocho.subscribe(consumer("police", Family.REPORT, "seocho"), on_request)
        with pytest.raises(LinkForbidden):
            await seocho.provision(["seocho"])


async def test_center_cannot_read_any_hit_by_any_route(fenced_nats: FencedNats) -> None:
    police = fenced_nats.transport("police")
    gangnam = fenced_nats.transport("gangnam")
    async with police, gangnam:
        await police.provision(["seocho", "gangnam"])
        await gangnam.publish(make_report(1, "gangnam"))  # a hit exists on the stream
    async with RawClient(fenced_nats, "seocho") as raw:
        assert raw.nc is not None
        # Core subscriptions: hits, other centers' requests, other inboxes, everything.
        for subject in (
            "safenet.v1.report.>",
            "safenet.v1.report.gangnam",
            "safenet.v1.update.>",
            "safenet.v1.evidence.request.gangnam",
            "safenet.v1.evidence.reply.>",
            "safenet.v1.dead.>",
            "_INBOX.>",
            "_INBOX.police.>",
            "_INBOX.gangnam.>",
            "$JS.ACK.>",
            ">",
        ):
            refused, got = await raw.subscribe_refused(subject)
            assert refused, subject
            assert got == []
        # JetStream API: no consumer of its own on the hits stream, no pulling the
        # police's, no direct or indexed message fetch, no stream listing or changes.
        hits = "SAFENET_REPORT_GANGNAM"
        create = json.dumps(
            {
                "stream_name": hits,
                "config": {"durable_name": "spy", "ack_policy": "explicit"},
            }
        ).encode()
        for subject, payload in (
            ("$JS.API.CONSUMER.CREATE.SAFENET_REPORT_GANGNAM.spy", create),
            (f"$JS.API.CONSUMER.CREATE.{hits}.spy.safenet.v1.report.gangnam", create),
            ("$JS.API.CONSUMER.DURABLE.CREATE.SAFENET_REPORT_GANGNAM.spy", create),
            ("$JS.API.CONSUMER.CREATE.SAFENET_REPORT_GANGNAM", create),
            (f"$JS.API.CONSUMER.MSG.NEXT.{hits}.police-report-gangnam", b'{"batch":1}'),
            ("$JS.API.CONSUMER.MSG.NEXT.SAFENET_EVIDENCE_REQUEST.gangnam-evidence-request", b"{}"),
            ("$JS.API.CONSUMER.INFO.SAFENET_REPORT_GANGNAM.police-report-gangnam", b""),
            ("$JS.API.STREAM.MSG.GET.SAFENET_REPORT_GANGNAM", b'{"seq":1}'),
            ("$JS.API.DIRECT.GET.SAFENET_REPORT_GANGNAM", b'{"seq":1}'),
            ("$JS.API.DIRECT.GET.SAFENET_REPORT_GANGNAM.safenet.v1.report.gangnam", b""),
            ("$JS.API.STREAM.INFO.SAFENET_REPORT_GANGNAM", b""),
            ("$JS.API.STREAM.NAMES", b""),
            ("$JS.API.STREAM.LIST", b""),
            ("$JS.API.STREAM.UPDATE.SAFENET_HOTLIST", b"{}"),
            ("$JS.API.STREAM.PURGE.SAFENET_HOTLIST", b"{}"),
            ("$JS.API.CONSUMER.DELETE.SAFENET_HOTLIST.seocho-hotlist", b""),
            ("$JS.API.CONSUMER.CREATE.SAFENET_HOTLIST.seocho-hotlist", b"{}"),
            ("$JS.API.INFO", b""),
        ):
            assert await raw.publish_refused(subject, payload), subject
        assert await raw.publish_refused(
            "$JS.ACK.SAFENET_REPORT_GANGNAM.police-report-gangnam.1.1.1.0.0", b"+ACK"
        )
        # Nor its own reports, once stored: the police read them, not the center.
        for subject in (
            "$JS.API.CONSUMER.CREATE.SAFENET_REPORT_SEOCHO.spy",
            "$JS.API.STREAM.MSG.GET.SAFENET_REPORT_SEOCHO",
            "$JS.API.STREAM.PURGE.SAFENET_REPORT_SEOCHO",
            "$JS.API.STREAM.DELETE.SAFENET_REPORT_SEOCHO",
        ):
            assert await raw.publish_refused(subject, b"{}"), subject
    # And the hit is still there for the police, unread and unacknowledged by anyone else.
    police = fenced_nats.transport("police")
    async with police:
        seen: list[Message] = []

        async def on_report(message: Message) -> None:
            seen.append(message)

        sub = await police.subscribe_family(Family.REPORT, on_report)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.05)
        await sub.stop()
        assert [m.message_id for m in seen] == [make_report(1, "gangnam").message_id]


async def test_spoofed_site_in_payload_is_dead_lettered(fenced_nats: FencedNats) -> None:
    """A center publishing on its own subject a report that claims another site is refused."""
    police = fenced_nats.transport("police")
    async with police:
        await police.provision(["seocho", "gangnam"])
        async with RawClient(fenced_nats, "seocho") as raw:
            assert raw.nc is not None
            js = raw.nc.jetstream()
            spoof = make_report(5, "gangnam")
            from safenet.link.codec import encode

            await js.publish("safenet.v1.report.seocho", encode(spoof))
        seen: list[Message] = []

        async def on_report(message: Message) -> None:
            seen.append(message)

        sub = await police.subscribe_family(Family.REPORT, on_report)
        letters = []
        for _ in range(100):
            letters = await police.dead_letters()
            if letters:
                break
            await asyncio.sleep(0.05)
        await sub.stop()
        assert seen == []
        assert len(letters) == 1
        assert "arrived on safenet.v1.report.seocho" in letters[0].reason
        assert letters[0].subject == "safenet.v1.dead.police.report"


async def test_center_pulls_hotlist_and_acks_through_its_own_consumer(
    fenced_nats: FencedNats,
) -> None:
    from safenet.link import HotlistEntry, HotlistSnapshot

    police = fenced_nats.transport("police")
    seocho = fenced_nats.transport("seocho")
    async with police, seocho:
        await police.provision(["seocho", "gangnam"])
        entry = HotlistEntry(entry_id="e1", plate="12가3456", category="robbery", expires_at=NOW)
        for target in ("all", "seocho", "gangnam"):
            await police.publish(
                HotlistSnapshot(target=target, version=1, issued_at=NOW, entries=[entry])
            )
        got: list[Message] = []

        async def on_hotlist(message: Message) -> None:
            got.append(message)

        sub = await seocho.subscribe_family(Family.HOTLIST, on_hotlist)
        for _ in range(100):
            if len(got) >= 2:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        await sub.stop()
        assert sorted(m.target for m in got if isinstance(m, HotlistSnapshot)) == ["all", "seocho"]
        info = await police.js.consumer_info("SAFENET_HOTLIST", "seocho-hotlist")
        assert info.num_ack_pending == 0  # acks from the center reached the server
        assert info.num_pending == 0
