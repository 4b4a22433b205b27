"""The police service over a real private nats-server (JetStream): hotlist out, hits in."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from safenet.link import Family, HotlistDelta, Message
from safenet.link.nats import NatsTransport
from safenet.police.service import PoliceService
from safenet.police.types import Ending
from safenet.store import open_database
from tests.police.support import (
    APPROVER,
    REGISTRAR,
    Clock,
    ack,
    draft,
    report,
    settings,
    wait_until,
)
from tests.support.services import NatsServer


@pytest.mark.nats
async def test_police_over_nats_jetstream(
    nats_server: Callable[..., NatsServer], sqlite_url: str
) -> None:
    server = nats_server()
    police_link = NatsTransport(server.url, "police", connect_wait_s=10)
    center = NatsTransport(server.url, "seocho", connect_wait_s=10)
    await police_link.start()
    db = open_database(sqlite_url)
    service = PoliceService(
        settings(centers=["seocho"]),
        db=db,
        transport=police_link,
        clock=Clock(),
    )
    await service.start()
    await center.start()
    received: list[Message] = []

    async def on_hotlist(message: Message) -> None:
        received.append(message)
        await center.publish(ack("seocho", message.version))  # type: ignore[union-attr]

    sub = await center.subscribe_family(Family.HOTLIST, on_hotlist)
    try:
        entry = await service.actions.register(draft(), REGISTRAR)
        await service.actions.approve(entry.entry_id, APPROVER)
        await wait_until(lambda: any(isinstance(m, HotlistDelta) for m in received), 10)

        await center.publish(report(1, entry.entry_id))
        await wait_until(lambda: len(service.hub.recent()) >= 2, 10)
        assert [e.kind for e in service.hub.recent()] == ["hotlist", "hit"]

        await service.actions.cancel(entry.entry_id, Ending(reason="arrested"), REGISTRAR)
        await wait_until(
            lambda: any(isinstance(m, HotlistDelta) and m.removed for m in received), 10
        )

        def acked_three() -> bool:
            from safenet.police import distribution

            with db.read() as conn:
                status = distribution.center_status(conn)
            return status["centers"][0]["acked_version"] == 3

        await wait_until(acked_three, 10)
    finally:
        await sub.stop()
        await center.close()
        await service.stop()
        await police_link.close()
        db.dispose()
