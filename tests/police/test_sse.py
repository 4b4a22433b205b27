"""Live alerts over real HTTP: a LocationReport on the link reaches an SSE client."""

from __future__ import annotations

from datetime import timedelta

import httpx

from safenet.police.alerts import AlertHub
from tests.police.support import (
    APPROVER,
    DISPATCHER,
    REGISTRAR,
    SEOCHO_OFFICER,
    T0,
    Police,
    Server,
    SseReader,
    auth,
    draft,
    report,
    token,
)


async def _active(police: Police, **overrides: object) -> str:
    entry = await police.service.actions.register(draft(**overrides), REGISTRAR)  # type: ignore[arg-type]
    await police.service.actions.approve(entry.entry_id, APPROVER)
    return entry.entry_id


async def test_an_sse_client_gets_the_alert_after_a_report_arrives_on_the_link(
    police: Police,
) -> None:
    entry_id = await _active(police)
    center = await police.center("seocho")
    async with (
        Server(police.app) as server,
        httpx.AsyncClient(base_url=server.url, timeout=10) as http,
        http.stream(
            "GET", "/api/v1/alerts/stream", headers={"Authorization": f"Bearer {token(DISPATCHER)}"}
        ) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = SseReader(response)
        await events.opened()
        # (How fast is measured by 'safenet bench police', never asserted here.)
        await center.publish(report(1, entry_id))
        hit = await events.next()
        assert hit["event"] == "hit"
        assert hit["data"]["hit"]["hit_id"] == "hit-1"
        assert hit["data"]["entry"]["entry_id"] == entry_id
        assert hit["id"] == f"{police.service.hub.run}-2"  # 1 was the approval's hotlist event

        # A far hit a minute later: a new hit and an impossible-journey flag.
        await center.publish(report(2, entry_id, at=T0 + timedelta(minutes=1), lat=38.3))
        kinds = {(await events.next())["event"], (await events.next())["event"]}
        assert kinds == {"hit", "flag"}


async def test_scope_filter_and_resume_with_last_event_id(police: Police) -> None:
    entry_id = await _active(police)
    async with (
        Server(police.app) as server,
        httpx.AsyncClient(base_url=server.url, timeout=10) as http,
    ):
        async with http.stream(
            "GET", "/api/v1/alerts/stream", headers=auth(SEOCHO_OFFICER)
        ) as response:
            events = SseReader(response)
            await events.opened()
            await police.send(report(1, entry_id, site="gangnam"))
            await police.send(report(2, entry_id, site="seocho", at=T0 + timedelta(minutes=5)))
            first = await events.next()
            assert (first["event"], first["data"]["site"]) == ("hit", "seocho")
            last_id = first["id"]
        # Missed while away: one more seocho hit; resume from the last id seen.
        await police.send(report(3, entry_id, site="seocho", at=T0 + timedelta(minutes=9)))
        async with http.stream(
            "GET",
            "/api/v1/alerts/stream",
            headers={"Authorization": f"Bearer {token(SEOCHO_OFFICER)}", "Last-Event-ID": last_id},
        ) as response:
            missed = await SseReader(response).next()
            assert (missed["event"], missed["data"]["hit"]["hit_id"]) == ("hit", "hit-3")
        async with http.stream(
            "GET",
            "/api/v1/alerts/stream",
            headers={"Authorization": f"Bearer {token(DISPATCHER)}", "Last-Event-ID": "old-1"},
        ) as response:
            assert (await SseReader(response).next())["event"] == "resync"
        denied = await http.get("/api/v1/alerts/stream")
        assert denied.status_code == 401
        # A token in the URL ends up in logs: it is never read from there.
        in_url = await http.get(f"/api/v1/alerts/stream?access_token={token(DISPATCHER)}")
        assert in_url.status_code == 401


async def test_a_slow_client_is_told_to_resync_and_never_blocks() -> None:
    hub = AlertHub(queue_size=4, ring_size=10)
    slow = hub.subscribe(name="slow")
    fast = hub.subscribe(sites=["seocho"], name="fast")
    for i in range(10):
        hub.publish("hit", "seocho", {"n": i})
        if fast.queue.qsize() >= 2:
            while not fast.queue.empty():
                fast.queue.get_nowait()
    assert hub.overflows >= 1
    drained = [slow.queue.get_nowait() for _ in range(slow.queue.qsize())]
    assert drained[0] is not None
    assert drained[0].kind == "resync"
    assert fast.resyncs == 0
    # Resuming from before the ring's start is a resync too.
    late = hub.subscribe(last_event_id=f"{hub.run}-0")
    first = late.queue.get_nowait()
    assert first is not None
    assert first.kind == "resync"
    hub.close()
    assert late.queue.get_nowait() is None


async def test_non_exact_alerts_carry_the_banner(police: Police) -> None:
    entry_id = await _active(police, category="missing_person")
    async with (
        Server(police.app) as server,
        httpx.AsyncClient(base_url=server.url, timeout=10) as http,
        http.stream(
            "GET", "/api/v1/alerts/stream", headers={"Authorization": f"Bearer {token(DISPATCHER)}"}
        ) as response,
    ):
        events = SseReader(response)
        await events.opened()
        await police.send(report(1, entry_id, level="partial"))
        event = await events.next()
        assert event["event"] == "hit"
        assert (
            event["data"]["banner"] == "육안 확인 필요 — confirm the plate visually before acting"
        )
