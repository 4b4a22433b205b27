"""Hotlist distribution: first snapshots, acks per center, resync of a center that lags."""

from __future__ import annotations

import asyncio
from typing import Any

from safenet.link import Heartbeat, HotlistDelta, HotlistSnapshot
from safenet.police.types import Status
from tests.police.support import (
    APPROVER,
    DISPATCHER,
    REGISTRAR,
    Police,
    ack,
    auth,
    center_hotlist,
    draft,
    start_police,
)


async def _active(police: Police, n: int) -> list[str]:
    ids = []
    for i in range(n):
        entry = await police.service.actions.register(
            draft(plate=f"{10 + i}가{1000 + i}", case_number=f"2026-{i:06d}"), REGISTRAR
        )
        await police.service.actions.approve(entry.entry_id, APPROVER)
        ids.append(entry.entry_id)
    return ids


async def test_configured_centers_get_a_first_snapshot_then_deltas(police: Police) -> None:
    ids = await _active(police, 2)
    got = await center_hotlist(police, "seocho")
    assert [type(m).__name__ for m in got] == ["HotlistSnapshot", "HotlistDelta", "HotlistDelta"]
    snapshot = got[0]
    assert isinstance(snapshot, HotlistSnapshot)
    assert (snapshot.target, snapshot.version, snapshot.entries) == ("seocho", 1, [])
    assert [d.version for d in got[1:] if isinstance(d, HotlistDelta)] == [2, 3]
    assert [d.added[0].entry_id for d in got[1:] if isinstance(d, HotlistDelta)] == ids


async def test_acks_are_shown_per_center(police: Police) -> None:
    await _active(police, 1)
    await police.send(ack("seocho", 2, at=police.clock(), count=1))
    async with police.http() as http:
        body = (await http.get("/api/v1/centers", headers=auth(DISPATCHER))).json()
    assert body["version"] == 2
    by_site = {c["site"]: c for c in body["centers"]}
    assert by_site["seocho"]["acked_version"] == 2
    assert by_site["seocho"]["in_sync"] is True
    assert by_site["seocho"]["acked_at"] == police.clock().isoformat()
    assert by_site["gangnam"]["acked_version"] is None
    # An older ack arriving late never moves a center backwards.
    await police.send(ack("seocho", 1))
    async with police.http() as http:
        body = (await http.get("/api/v1/centers", headers=auth(DISPATCHER))).json()
    assert {c["site"]: c for c in body["centers"]}["seocho"]["acked_version"] == 2


async def test_a_lagging_center_gets_a_snapshot_after_the_grace(police: Police) -> None:
    await _active(police, 3)  # current version 4
    await police.send(ack("seocho", 2))  # behind, but deltas may still be in flight
    assert [
        m
        for m in await center_hotlist(police, "seocho")
        if m.version == 4 and isinstance(m, HotlistSnapshot)
    ] == []  # fresh version: deltas may be in flight
    police.clock.advance(seconds=6)
    lagging = await asyncio.to_thread(police.service.sweeper.resync_lagging)
    assert lagging == ["gangnam", "seocho"]  # gangnam never acked its first snapshot
    got = await center_hotlist(police, "seocho")
    snapshots = [m for m in got if isinstance(m, HotlistSnapshot)]
    assert [(s.version, len(s.entries)) for s in snapshots] == [(4, 3)]
    # Asked again for the same version: nothing new goes out.
    assert await asyncio.to_thread(police.service.sweeper.resync_lagging) == []


async def test_a_new_center_announcing_itself_gets_a_snapshot_at_once(police: Police) -> None:
    await _active(police, 1)
    beat = Heartbeat(
        site="mapo", software_version="center 0.1", hotlist_version=None, sent_at=police.clock()
    )
    await police.send(beat)
    got = await center_hotlist(police, "mapo")
    assert [(type(m).__name__, m.version) for m in got if isinstance(m, HotlistSnapshot)] == [
        ("HotlistSnapshot", 2)
    ]


async def test_large_hotlists_go_in_parts(sqlite_url: str) -> None:
    police = await start_police(sqlite_url, snapshot_part_size=2, centers=[])
    try:
        await _active(police, 5)
        await police.send(ack("busan", 0))
        got = [m for m in await center_hotlist(police, "busan") if isinstance(m, HotlistSnapshot)]
        assert [(m.part, m.parts, len(m.entries)) for m in got] == [(1, 3, 2), (2, 3, 2), (3, 3, 1)]
        assert {m.version for m in got} == {6}
    finally:
        await police.close()


async def test_the_sweep_loop_ends_expired_entries_by_itself(sqlite_url: str) -> None:
    police = await start_police(sqlite_url, expiry_sweep_s=0.05)
    try:
        entry = await police.service.actions.register(draft(expires_in_hours=1), REGISTRAR)
        await police.service.actions.approve(entry.entry_id, APPROVER)
        police.clock.advance(hours=1, seconds=1)
        deadline = asyncio.get_running_loop().time() + 5

        def last_hotlist_event() -> dict[str, Any]:
            return [e.data for e in police.service.hub.recent() if e.kind == "hotlist"][-1]

        # The registry commits first and the live event follows from the event loop, so
        # wait for the event, not only for the stored status.
        while last_hotlist_event()["version"] < 3:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.02)
        assert police.service.registry.get(entry.entry_id).status is Status.EXPIRED
        last = last_hotlist_event()
        assert (last["version"], last["cause"], last["removed"]) == (3, "expire", [entry.entry_id])
    finally:
        await police.close()
