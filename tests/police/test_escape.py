"""The police's tracks along roads and the escape route they serve, on hand-made maps.

The maps (tests/tracking/roadmaps.py) have known answers: on ``corner`` the car drives
north then turns east, so the straight line between its hits points north-east while
the road says east; on ``river`` the banks are 1 km apart straight but 3.4 km by the
only bridge, so a 30 s jump across is possible as the crow flies and impossible by road.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from safenet.link import MemoryBroker, MemoryTransport
from safenet.link.camera_store import record
from safenet.link.cameras import registry_messages
from safenet.link.messages import CameraAnnouncement, Coordinates
from safenet.police.app import build_app
from safenet.police.service import PoliceService
from safenet.roads.atlas import RoadAtlas
from safenet.store import open_database
from safenet.tracking import GeoPoint, RoadGraph
from tests.police.support import (
    APPROVER,
    DISPATCHER,
    REGISTRAR,
    SECRET,
    T0,
    Clock,
    Police,
    auth,
    draft,
    report,
    settings,
)
from tests.tracking.roadmaps import at, corner, river


async def _start(url: str, roads: RoadGraph | None) -> Police:
    clock = Clock()
    broker = MemoryBroker()
    transport = MemoryTransport(broker, "police")
    await transport.start()
    db = open_database(url)
    service = PoliceService(settings(), db=db, transport=transport, clock=clock, roads=roads)
    app = build_app(service, token_secret=SECRET)
    await service.start()
    return Police(service, app, broker, clock, db)


@pytest.fixture
async def on_corner(sqlite_url: str) -> AsyncIterator[Police]:
    p = await _start(sqlite_url, RoadAtlas([corner()]))
    yield p
    await p.close()


async def _entry(police: Police) -> str:
    entry = await police.service.actions.register(draft(), REGISTRAR)
    await police.service.actions.approve(entry.entry_id, APPROVER)
    return entry.entry_id


def _hit(n: int, entry_id: str, point: GeoPoint, seconds: float, **kw: Any) -> Any:
    return report(
        n, entry_id, lat=point.lat, lon=point.lon, at=T0 + timedelta(seconds=seconds), **kw
    )


async def _get(police: Police, path: str) -> dict[str, Any]:
    async with police.http() as client:
        response = await client.get(path, headers=auth(DISPATCHER))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _announce(police: Police, site: str, cameras: list[tuple[str, GeoPoint, str | None]]) -> None:
    announced = [
        CameraAnnouncement(
            camera_id=cam,
            coordinates=Coordinates(lat=p.lat, lon=p.lon),
            facing=facing,  # type: ignore[arg-type]
        )
        for cam, p, facing in cameras
    ]
    with police.db.begin() as conn:
        for message in registry_messages(site, 1, announced, T0):
            record(conn, message, T0)
    with police.db.read() as conn:
        police.service.escape.reload(conn)


async def test_direction_comes_from_the_road_not_the_straight_line(on_corner: Police) -> None:
    entry_id = await _entry(on_corner)
    # North along 남북로 at (0, -900), then 190 s later east along 동서로 at (1000, 0):
    # 900 m + 1000 m at 10 m/s. Straight, the second hit lies north-east of the first.
    # The cameras look west (270°): a camera heading would say the opposite of the road.
    await on_corner.send(_hit(1, entry_id, at(0, -900), 0, heading=270.0))
    await on_corner.send(_hit(2, entry_id, at(1000, 0), 190, heading=270.0))

    track = await _get(on_corner, f"/api/v1/tracks/{entry_id}")
    direction = track["summary"]["direction"]
    assert direction["source"] == "road"
    assert direction["label_ko"] == "동"
    assert "도로" in direction["reason_ko"]
    leg = track["legs"][0]
    assert leg["basis"] == "road"
    assert leg["pace"] == "normal"
    assert leg["road_distance_m"] == pytest.approx(1900, abs=30)
    # The leg is drawn along the roads, through the corner at (0, 0).
    line = next(f for f in track["geojson"]["features"] if f["properties"]["feature"] == "leg")
    corner_point = at(0, 0)
    assert any(
        abs(lon - corner_point.lon) < 1e-4 and abs(lat - corner_point.lat) < 1e-4
        for lon, lat in line["geometry"]["coordinates"]
    )
    assert line["properties"]["along_roads"] is True


async def test_a_long_gap_reads_as_a_stop(on_corner: Police) -> None:
    entry_id = await _entry(on_corner)
    await on_corner.send(_hit(1, entry_id, at(0, -900), 0))
    await on_corner.send(_hit(2, entry_id, at(1000, 0), 1200))  # 190 s of driving in 20 min
    leg = (await _get(on_corner, f"/api/v1/tracks/{entry_id}"))["legs"][0]
    assert leg["pace"] == "stop"
    assert "정차" in leg["note_ko"]
    assert leg["impossible"] is False


async def test_the_impossible_journey_check_uses_the_road_distance(sqlite_url: str) -> None:
    for roads, flagged in ((RoadAtlas([river()]), True), (None, False)):
        police = await _start(sqlite_url.replace(".db", f"-{flagged}.db"), roads)
        try:
            entry_id = await _entry(police)
            # 1 km across the river in 30 s: 120 km/h straight, 3.4 km by the bridge.
            await police.send(_hit(1, entry_id, at(0, 0), 0))
            await police.send(_hit(2, entry_id, at(0, 1000), 30))
            leg = (await _get(police, f"/api/v1/tracks/{entry_id}"))["legs"][0]
            assert leg["impossible"] is flagged
            assert leg["basis"] == ("road" if flagged else "straight_line")
            if flagged:
                assert leg["road_distance_m"] == pytest.approx(3400, abs=50)
            else:
                assert leg["basis_note_ko"]  # the card says why it is the straight line
        finally:
            await police.close()


async def test_the_route_ranks_reachable_cameras_and_draws_the_reach(on_corner: Police) -> None:
    entry_id = await _entry(on_corner)
    # Announced cameras: one ahead on 동서로 (1400, 0), one behind on 남북로 (0, -500).
    _announce(
        on_corner,
        "seocho",
        [("cam-ahead", at(1400, 0), "rear"), ("cam-back", at(0, -500), None)],
    )
    await on_corner.send(_hit(1, entry_id, at(0, -900), 0))
    await on_corner.send(_hit(2, entry_id, at(1000, 0), 190))

    route = await _get(on_corner, f"/api/v1/tracks/{entry_id}/route")
    assert route["roads"]["available"] is True
    assert route["direction"]["source"] == "road"
    reach = route["reach"]
    assert reach["basis"] == "road"
    ranked = [c["camera_id"] for c in reach["cameras"]]
    assert ranked[0] == "cam-ahead"  # 400 m ahead, 40 s; the other needs a turn back
    first = reach["cameras"][0]
    assert first["site"] == "seocho"
    assert first["horizon_min"] == 2.0
    assert first["earliest"] < first["latest"]
    horizons = sorted(f["properties"]["horizon_min"] for f in reach["areas"]["features"])
    assert horizons == [2.0, 5.0, 10.0]
    assert [leg["basis"] for leg in route["legs"]] == ["road"]


async def test_the_reach_moves_with_a_new_hit(on_corner: Police) -> None:
    entry_id = await _entry(on_corner)
    _announce(on_corner, "seocho", [("cam-ahead", at(1400, 0), None)])
    await on_corner.send(_hit(1, entry_id, at(0, -900), 0))
    before = (await _get(on_corner, f"/api/v1/tracks/{entry_id}/route"))["reach"]
    await on_corner.send(_hit(2, entry_id, at(1000, 0), 190))
    after = (await _get(on_corner, f"/api/v1/tracks/{entry_id}/route"))["reach"]
    assert before["origin"] != after["origin"]
    assert before["areas"] != after["areas"]


async def test_a_front_plate_camera_turns_the_heading_round(on_corner: Police) -> None:
    entry_id = await _entry(on_corner)
    # A single hit: only the camera can say the direction. It looks south (180°) and
    # reads front plates, so the cars it reads drive north.
    _announce(on_corner, "seocho", [("cam-1", at(0, -900), "front")])
    await on_corner.send(_hit(1, entry_id, at(0, -900), 0, heading=180.0))
    direction = (await _get(on_corner, f"/api/v1/tracks/{entry_id}/route"))["direction"]
    assert direction["source"] == "camera"
    assert direction["plate_side"] == "front"
    assert direction["label_ko"] == "북"


async def test_without_road_data_the_card_says_so(sqlite_url: str) -> None:
    police = await _start(sqlite_url, None)
    try:
        entry_id = await _entry(police)
        await police.send(_hit(1, entry_id, at(0, -900), 0))
        route = await _get(police, f"/api/v1/tracks/{entry_id}/route")
        assert route["roads"]["available"] is False
        assert route["reach"]["basis"] == "straight_line"
        assert "직선" in route["reach"]["notice_ko"]
    finally:
        await police.close()


async def test_route_of_an_unknown_entry_is_404(on_corner: Police) -> None:
    async with on_corner.http() as client:
        response = await client.get("/api/v1/tracks/nope/route", headers=auth(DISPATCHER))
        anonymous = await client.get("/api/v1/tracks/nope/route")
    assert response.status_code == 404
    assert anonymous.status_code == 401


async def test_an_officer_sees_only_the_legs_and_forecast_their_scope_allows(
    on_corner: Police,
) -> None:
    """The escape route keeps the track's site scope: no leg to a hidden hit, no forecast
    (made from every hit, so it would tell where the hidden one was)."""
    from safenet.auth import Principal, Role

    entry_id = await _entry(on_corner)
    await on_corner.send(_hit(1, entry_id, at(0, -900), 0, site="seocho"))
    await on_corner.send(_hit(2, entry_id, at(1000, 0), 190, site="gangnam"))
    everyone = await _get(on_corner, f"/api/v1/tracks/{entry_id}/route")
    assert everyone["hits"] == 2
    assert len(everyone["legs"]) == 1
    assert everyone["latest"]["site"] == "gangnam"

    seocho_only = Principal(
        "seo.field", "경장 서현장", frozenset({Role.FIELD_OFFICER}), frozenset({"seocho"})
    )
    async with on_corner.http() as client:
        response = await client.get(f"/api/v1/tracks/{entry_id}/route", headers=auth(seocho_only))
    assert response.status_code == 200, response.text
    scoped = response.json()
    assert scoped["hits"] == 1
    assert scoped["legs"] == []
    assert scoped["reach"] is None
    assert "latest" not in scoped
    assert "direction" not in scoped
    assert "gangnam" not in response.text
