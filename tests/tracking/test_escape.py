"""A whole track's escape route: the forecast and the evidence item's path and cameras."""

from __future__ import annotations

from safenet.tracking import Track, evidence_route, forecast, place_cameras, route_path
from tests.tracking.factory import sighting
from tests.tracking.roadmaps import at, corner


def _track() -> Track:
    roads = corner()
    track = Track("E1", roads=roads)
    track.add(sighting("a", at(0, -900), 0, camera_id="CA"))
    track.add(sighting("b", at(1000, 0), 190, camera_id="CB"))
    return track


def test_the_path_follows_the_roads_through_the_corner() -> None:
    path = route_path(_track())
    corner_point = at(0, 0)
    assert path[0] == at(0, -900)
    assert path[-1] == at(1000, 0)
    assert any(
        abs(p.lat - corner_point.lat) < 1e-5 and abs(p.lon - corner_point.lon) < 1e-5 for p in path
    )


def test_the_path_starts_at_the_asked_hit() -> None:
    track = _track()
    later = track.sightings[1]
    assert route_path(track, later.ts) == [later.point]


def test_forecast_goes_the_way_of_the_track() -> None:
    track = _track()
    assert forecast(track, ()) is not None
    cameras = place_cameras(track.roads, [("AHEAD", at(1400, 0)), ("BACK", at(0, -500))])
    reach = forecast(track, cameras)
    assert reach is not None
    assert reach.cameras[0].camera_id == "AHEAD"
    assert forecast(Track("E2"), cameras) is None


def test_evidence_route_gives_plain_values() -> None:
    path, cameras = evidence_route(_track(), [("AHEAD", at(1400, 0)), ("BACK", at(0, -500))])
    assert path[0] == (at(0, -900).lat, at(0, -900).lon)
    assert len(path) > 2  # along the roads, not just the two hits
    assert cameras[0] == "AHEAD"
