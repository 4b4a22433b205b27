"""Heads-ups: after a hit that alerted, each center with reachable cameras is told, once.

On the hand-made ``corner`` map the car drives north then east along 동서로; Gangnam's
camera 400 m ahead is reachable within 2 minutes, Seocho's camera behind it only by a
turn back. Both centers have cameras in reach, so both are told; nothing else is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from safenet.audit.store import audit_log
from safenet.center.headsup import HeadsUpBoard
from safenet.link import Family, Message
from safenet.link.messages import HeadsUp, HeadsUpCamera, RouteWordPart
from safenet.roads.atlas import RoadAtlas
from safenet.store import migrate, open_database
from tests.police.support import APPROVER, REGISTRAR, T0, Clock, Police, draft
from tests.police.test_escape import _announce, _hit, _start
from tests.tracking.roadmaps import at, corner


@pytest.fixture
async def police(sqlite_url: str) -> AsyncIterator[Police]:
    p = await _start(sqlite_url, RoadAtlas([corner()]))
    _announce(p, "gangnam", [("gn-ahead", at(1400, 0), None)])
    _announce(p, "seocho", [("sc-back", at(0, -500), None)])
    yield p
    await p.close()


async def _entry(police: Police, **overrides: Any) -> str:
    entry = await police.service.actions.register(draft(**overrides), REGISTRAR)
    await police.service.actions.approve(entry.entry_id, APPROVER)
    return entry.entry_id


async def _received(police: Police, site: str) -> list[HeadsUp]:
    got: list[Message] = []

    async def handler(message: Message) -> None:
        got.append(message)

    await police.service.headsup.drain()
    await police.service.relay.drain_once()
    transport = await police.center(site)
    sub = await transport.subscribe_family(Family.HEADS_UP, handler)
    await asyncio.sleep(0.1)
    await sub.stop()
    return [m for m in got if isinstance(m, HeadsUp)]


def _audit(police: Police, action: str) -> list[Any]:
    with police.db.read() as conn:
        return list(conn.execute(sa.select(audit_log).where(audit_log.c.action == action)))


async def test_centers_with_reachable_cameras_are_told_once(police: Police) -> None:
    entry_id = await _entry(police)
    await police.send(_hit(1, entry_id, at(0, -900), 0))
    await police.send(_hit(2, entry_id, at(1000, 0), 190))

    gangnam = await _received(police, "gangnam")
    latest = gangnam[-1]
    assert latest.entry_id == entry_id
    assert latest.plate == "12가3456"
    assert [c.camera_id for c in latest.cameras] == ["gn-ahead"]
    camera = latest.cameras[0]
    assert camera.earliest is not None
    assert camera.latest is not None
    assert T0 + timedelta(seconds=190) < camera.earliest < camera.latest
    # The reason as word codes too, for the center's console to word (optional fields).
    assert [w.code for w in camera.reason_words][:2] == ["where", "arrival_road"]
    assert len(camera.reason_words) == len(camera.reason.split("; "))
    assert latest.expires_at == T0 + timedelta(seconds=190 + 600)
    assert latest.direction_ko == "동"
    seocho = await _received(police, "seocho")
    assert [c.camera_id for c in seocho[-1].cameras] == ["sc-back"]
    # Recorded: one audit record per heads-up sent (two hits x two centers at most).
    sent = _audit(police, "headsup.send")
    assert {r.details["site"] for r in sent} == {"gangnam", "seocho"}
    # The same hit again sends nothing new.
    assert police.service.headsup.send_for(entry_id) == []
    assert len(_audit(police, "headsup.send")) == len(sent)


async def test_no_heads_up_for_a_hit_that_is_past_the_horizon(police: Police) -> None:
    entry_id = await _entry(police)
    police.clock.advance(minutes=30)  # the hit is reported half an hour late
    await police.send(_hit(1, entry_id, at(1000, 0), 0))
    assert await _received(police, "gangnam") == []
    assert _audit(police, "headsup.send") == []


async def test_a_candidate_that_did_not_alert_tells_nobody(police: Police) -> None:
    # A violent-crime candidate waits for the center's confirmation before it alerts.
    entry_id = await _entry(police)
    await police.send(_hit(1, entry_id, at(1000, 0), 0, level="equivalent"))
    assert await _received(police, "gangnam") == []


def _heads_up(expires_in_s: float, clock: Clock, **overrides: Any) -> HeadsUp:
    from safenet.link import Coordinates
    from safenet.link.messages import HeadsUpCamera

    fields: dict[str, Any] = {
        "site": "gangnam",
        "heads_up_id": "hu-1",
        "entry_id": "e-1",
        "plate": "12가3456",
        "last_seen_at": clock.now,
        "last_seen": Coordinates(lat=37.5, lon=127.03),
        "last_site": "seocho",
        "cameras": [HeadsUpCamera(camera_id="gn-1", rank=1)],
        "issued_at": clock.now,
        "expires_at": clock.now + timedelta(seconds=expires_in_s),
    }
    fields.update(overrides)
    return HeadsUp(**fields)


def test_the_center_shows_a_heads_up_until_it_expires_and_records_it_once(
    sqlite_url: str,
) -> None:
    db = open_database(sqlite_url)
    migrate(db, "center")
    clock = Clock()
    board = HeadsUpBoard(db, "gangnam", clock)
    message = _heads_up(300, clock)
    assert board.take(message) is True
    assert board.take(message) is True  # a redelivery
    shown = board.active()
    assert [h["heads_up_id"] for h in shown] == ["hu-1"]
    assert shown[0]["cameras"][0]["camera_id"] == "gn-1"
    assert shown[0]["cameras"][0]["reason_words"] == []  # an older police sends none
    with db.read() as conn:
        records = list(
            conn.execute(sa.select(audit_log).where(audit_log.c.action == "headsup.receive"))
        )
    assert len(records) == 1
    clock.advance(seconds=301)
    assert board.active() == []  # expired by itself
    # Another center's heads-up, or one already void, is never shown.
    assert board.take(_heads_up(300, clock, site="seocho", heads_up_id="hu-2")) is False
    # A later sighting of the same vehicle replaces the earlier heads-up; an older one
    # arriving late does not bring it back.
    board.take(_heads_up(300, clock, heads_up_id="hu-4"))
    board.take(
        _heads_up(300, clock, heads_up_id="hu-5", last_seen_at=clock.now + timedelta(seconds=30))
    )
    board.take(
        _heads_up(300, clock, heads_up_id="hu-6", last_seen_at=clock.now - timedelta(seconds=30))
    )
    assert [h["heads_up_id"] for h in board.active()] == ["hu-5"]
    clock.advance(seconds=400)
    void = _heads_up(-5, clock, heads_up_id="hu-3", issued_at=clock.now - timedelta(minutes=10))
    assert board.take(void) is False
    assert board.active() == []
    # The police's reason as word codes reaches the console as plain data.
    worded = HeadsUpCamera(
        camera_id="gn-1", rank=1, reason_words=(RouteWordPart(code="ahead", params={}),)
    )
    assert board.take(_heads_up(300, clock, heads_up_id="hu-7", cameras=[worded])) is True
    assert board.active()[0]["cameras"][0]["reason_words"] == [{"code": "ahead", "params": {}}]
    db.dispose()
