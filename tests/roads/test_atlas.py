"""Several road networks as one road graph: each place on its own network, no clashing ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from safenet.roads.atlas import RoadAtlas, load_atlas, unwrap, wrap
from safenet.tracking import Track, place_cameras, reachable_cameras
from tests.tracking.factory import sighting
from tests.tracking.roadmaps import at, build, corner

FAR_EAST = 30_000.0  # metres: a second map well away from the first


def _two() -> RoadAtlas:
    east = build(
        {"a": (FAR_EAST, -1000), "c": (FAR_EAST, 0), "b": (FAR_EAST + 1500, 0)},
        [("a", "c"), ("c", "b")],
        name="east",
    )
    return RoadAtlas([corner(), east])


def test_junction_names_keep_their_network_and_kind() -> None:
    assert unwrap(wrap(1, 42)) == (1, 42)
    assert unwrap(wrap(0, "42")) == (0, "42")
    assert wrap(0, 42) != wrap(0, "42")


def test_each_place_is_on_its_own_network_and_drives_stay_inside_one() -> None:
    atlas = _two()
    west = atlas.positions_near(at(0, -500), 50)
    east = atlas.positions_near(at(FAR_EAST, -500), 50)
    assert west
    assert east
    assert {unwrap(p.u)[0] for p in west} == {0}
    assert {unwrap(p.u)[0] for p in east} == {1}
    assert atlas.route(west, east, "time") is None  # the networks do not join
    inside = atlas.route(west, atlas.positions_near(at(1000, 0), 50), "time")
    assert inside is not None
    assert inside.length_m == pytest.approx(1500)
    assert atlas.positions_near(at(15_000, 0), 50) == ()


def test_a_track_on_the_atlas_is_judged_along_roads_on_both_networks() -> None:
    atlas = _two()
    for dx in (0.0, FAR_EAST):
        track = Track(f"E{dx}", roads=atlas)
        track.add(sighting("a", at(dx, -900), 0, entry_id=f"E{dx}"))
        track.add(sighting("b", at(dx + 1000, 0), 190, entry_id=f"E{dx}"))
        assert track.legs[0].basis == "road"
        assert track.direction_source == "road"
    # Across the two networks there is no drive: the straight line, and the card says why.
    track = Track("X", roads=atlas)
    track.add(sighting("a", at(0, -900), 0, entry_id="X"))
    track.add(sighting("b", at(FAR_EAST, 0), 3600, entry_id="X"))
    assert track.legs[0].basis == "straight_line"
    assert track.legs[0].basis_note_ko


def test_the_reach_area_comes_from_the_combined_edge_table() -> None:
    atlas = _two()
    table = atlas.edge_table()
    assert len(table.first) == len(table.u) + 1
    assert len(table.nodes) == 6
    track = Track("E1", roads=atlas)
    track.add(sighting("a", at(FAR_EAST, -900), 0))
    track.add(sighting("b", at(FAR_EAST + 1000, 0), 190))
    cams = place_cameras(atlas, [("K", at(FAR_EAST + 1400, 0))])
    latest = track.latest
    assert latest is not None
    reach = reachable_cameras(latest, cams, roads=atlas, direction=track.direction)
    assert [c.camera_id for c in reach.cameras] == ["K"]
    assert reach.areas
    assert all(a.basis == "road" for a in reach.areas)


def test_no_road_folder_gives_none(tmp_path: Path) -> None:
    assert load_atlas(tmp_path, tmp_path / "var") is None
