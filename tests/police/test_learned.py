"""The centers' learned camera counts in the escape route, on the hand-made ``corner`` map.

The car drives north along 남북로 (cam-1 at (0, -900)) and turns east onto 동서로
(cam-2 at (1000, 0)). By the roads the next camera is cam-ahead, 400 m on; behind it
is cam-back, back down 남북로. Seocho's read flow says otherwise: from cam-2 (after
cam-1) nearly every vehicle went to cam-back next (동서로 ends at a closed road, say).
With those counts the route ranks cam-back first and says the ranking was learned;
without them, or with counts a center sent for another site's cameras, it is the roads.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from safenet.center.registry import import_camera_file
from safenet.center.service import CenterService
from safenet.center.transitions import TransitionTally
from safenet.center.types import IncomingRead
from safenet.link import LinkForbidden, MemoryTransport
from safenet.link.messages import TransitionCount, TransitionReport
from safenet.police.learned import LearnedTransitions
from safenet.roads.atlas import RoadAtlas
from safenet.store import migrate, open_database
from safenet.tracking import TransitionCounts
from tests.center.conftest import Clock as CenterClock
from tests.center.conftest import center_settings
from tests.police.support import T0, Police, wait_until
from tests.police.test_escape import _announce, _entry, _get, _hit, _start
from tests.tracking.roadmaps import at, corner


@pytest.fixture
async def police(sqlite_url: str) -> AsyncIterator[Police]:
    p = await _start(sqlite_url, RoadAtlas([corner()]))
    _announce(
        p,
        "seocho",
        [
            ("cam-1", at(0, -900), None),
            ("cam-2", at(1000, 0), None),
            ("cam-ahead", at(1400, 0), None),
            ("cam-back", at(0, -500), None),
        ],
    )
    _announce(p, "gangnam", [("gn-1", at(1500, 0), None)])
    yield p
    await p.close()


def _counts(site: str, rows: list[tuple[str | None, str, str, int]], **kw: Any) -> TransitionReport:
    return TransitionReport(
        site=site,
        counted_since=T0 - timedelta(days=1),
        issued_at=kw.pop("issued_at", T0),
        min_count=5,
        counts=[
            TransitionCount(previous=p, camera_id=c, following=f, count=n) for p, c, f, n in rows
        ],
    )


TURN_BACK = [
    (None, "cam-2", "cam-back", 40),
    (None, "cam-2", "cam-ahead", 5),
    ("cam-1", "cam-2", "cam-back", 35),
]


async def _route(police: Police) -> dict[str, Any]:
    entry_id = await _entry(police)
    await police.send(_hit(1, entry_id, at(0, -900), 0))
    await police.send(_hit(2, entry_id, at(1000, 0), 190))
    return await _get(police, f"/api/v1/tracks/{entry_id}/route")


async def test_without_learned_counts_the_roads_rank(police: Police) -> None:
    route = await _route(police)
    assert route["reach"]["model"] == "roads"
    assert route["learned"] is None
    assert route["reach"]["cameras"][0]["camera_id"] == "cam-ahead"


async def test_the_centers_counts_turn_the_ranking_where_vehicles_really_go(
    police: Police,
) -> None:
    await police.send(_counts("seocho", TURN_BACK))
    route = await _route(police)
    reach = route["reach"]
    assert reach["model"] == "transitions"
    ranked = [c["camera_id"] for c in reach["cameras"]]
    assert ranked[:2] == ["cam-back", "cam-ahead"]
    assert reach["cameras"][0]["transitions"] == 35  # given cam-1 before: order 2
    assert route["learned"]["site"] == "seocho"
    assert route["learned"]["pairs"] == 2


async def test_too_few_counts_leave_the_roads_in_charge(sqlite_url: str) -> None:
    p = await _start(sqlite_url, RoadAtlas([corner()]))
    try:
        _announce(
            p,
            "seocho",
            [
                ("cam-1", at(0, -900), None),
                ("cam-2", at(1000, 0), None),
                ("cam-ahead", at(1400, 0), None),
                ("cam-back", at(0, -500), None),
            ],
        )
        p.service.escape.policy = _policy(p, min_transitions=100)
        await p.send(_counts("seocho", TURN_BACK))
        route = await _route(p)
        assert route["reach"]["model"] == "roads"
        assert route["reach"]["cameras"][0]["camera_id"] == "cam-ahead"
    finally:
        await p.close()


async def test_a_newer_report_replaces_the_older_and_an_older_one_is_ignored(
    police: Police,
) -> None:
    await police.send(_counts("seocho", TURN_BACK, issued_at=T0))
    ahead = [(None, "cam-2", "cam-ahead", 50), (None, "cam-2", "cam-back", 5)]
    await police.send(_counts("seocho", ahead, issued_at=T0 + timedelta(hours=1)))
    await police.send(_counts("seocho", TURN_BACK, issued_at=T0 + timedelta(minutes=30)))
    route = await _route(police)
    assert route["reach"]["model"] == "transitions"
    assert route["reach"]["cameras"][0]["camera_id"] == "cam-ahead"
    assert route["reach"]["cameras"][0]["transitions"] == 50


async def test_a_center_cannot_speak_for_another_sites_cameras(police: Police) -> None:
    # Gangnam cannot send as Seocho: the link refuses the subject.
    gangnam = await police.center("gangnam")
    with pytest.raises(LinkForbidden):
        await gangnam.publish(_counts("seocho", TURN_BACK))
    # Under its own name it may send, but counts naming Seocho's cameras are dropped.
    await police.send(_counts("gangnam", [*TURN_BACK, (None, "gn-1", "gn-9", 7)]))
    held = police.service.learned.summary("gangnam")
    assert held is not None
    assert held["pairs"] == 1  # only its own camera's row was kept
    route = await _route(police)
    assert route["reach"]["model"] == "roads"
    assert route["reach"]["cameras"][0]["camera_id"] == "cam-ahead"
    assert route["learned"] is None  # the vehicle was last seen at Seocho: no counts of its own


def test_what_a_center_sends_is_what_the_bench_ranks_with() -> None:
    # The live path (center floor -> message -> police rebuild) gives exactly the counts
    # `safenet bench route` scores as "model, counts sent": TransitionCounts.at_least.
    learned = TransitionCounts()
    for previous, camera, following, n in [
        ("a", "b", "c", 7),
        ("d", "b", "c", 3),
        (None, "b", "c", 2),
        ("a", "b", "e", 4),
        (None, "c", "a", 9),
    ]:
        learned.add(previous, camera, following, n)
    tally = TransitionTally("seocho", lambda: T0, gap_s=900.0, min_count=5)
    tally._learner.counts = learned
    book = LearnedTransitions()
    assert book.take(tally.report(T0))
    owners = dict.fromkeys("abcde", "seocho")
    live = book.counts_for("seocho", owners)
    assert live is not None
    expected = learned.at_least(5)
    assert list(live.pairs()) == list(expected.pairs()) == [("b", "c", 12), ("c", "a", 9)]
    assert list(live.triples()) == list(expected.triples()) == [("a", "b", "c", 7)]
    assert live.following("b", "d", min_total=1) == expected.following("b", "d", min_total=1)


def _policy(p: Police, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(p.service.escape.policy, **changes)


async def test_a_centers_own_reads_reach_the_police_route_over_the_link(
    police: Police, tmp_path: Path
) -> None:
    # A real center on the same in-process link: six vehicles pass cam-1 -> cam-2 ->
    # cam-back; it counts them, sends the counts, and the police's route follows them.
    db = open_database(f"sqlite:///{tmp_path / 'center.db'}")
    migrate(db, "center")
    cameras = [
        {"camera_id": cam, "lat": p.lat, "lon": p.lon, "heading": None, "name": cam}
        for cam, p in (
            ("cam-1", at(0, -900)),
            ("cam-2", at(1000, 0)),
            ("cam-ahead", at(1400, 0)),
            ("cam-back", at(0, -500)),
        )
    ]
    camera_file = tmp_path / "cameras.json"
    camera_file.write_text(json.dumps(cameras), encoding="utf-8")
    import_camera_file(db, camera_file)
    clock = CenterClock()
    center = CenterService(
        center_settings(transitions_min_count=5),
        db=db,
        transport=MemoryTransport(police.broker, "seocho"),
        clock=clock,
    )
    await center.start()
    try:
        start = clock() - timedelta(minutes=10)
        reads = [
            IncomingRead(
                read_id=f"{cam}-{i}",
                camera_id=cam,
                ts=start + timedelta(seconds=i * 5 + step * 60),
                plate=f"{i}{i}가{i}{i}{i}{i}",
                confidence=0.95,
            )
            for i in range(1, 7)
            for step, cam in enumerate(("cam-1", "cam-2", "cam-back"))
        ]
        await center.runner.process(reads)
        assert center.transitions is not None
        assert await center.transitions.send()
        await wait_until(lambda: police.service.learned.summary("seocho") is not None)
    finally:
        await center.stop()
        await center.transport.close()
        db.dispose()
    route = await _route(police)
    assert route["reach"]["model"] == "transitions"
    assert route["reach"]["cameras"][0]["camera_id"] == "cam-back"
    assert route["reach"]["cameras"][0]["transitions"] == 6
    assert route["learned"]["site"] == "seocho"
