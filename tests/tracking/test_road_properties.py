"""Properties of drives and reach on random street grids: hypothesis looks for a counterexample."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from safenet.roads import RoadRouter
from safenet.tracking import (
    GeoPoint,
    RoutePolicy,
    distance_m,
    locate,
    place_cameras,
    reachable_cameras,
)
from tests.tracking.factory import sighting
from tests.tracking.roadmaps import at, build

SPEEDS = (20.0, 30.0, 50.0, 80.0)


@st.composite
def grids(draw: st.DrawFn) -> RoadRouter:
    """A 4×4 grid of junctions 300 m apart, a random set of its streets at random speeds."""
    nodes = {f"{i}{j}": (300.0 * i, 300.0 * j) for i in range(4) for j in range(4)}
    roads = []
    for i in range(4):
        for j in range(4):
            if i < 3:
                roads.append((f"{i}{j}", f"{i + 1}{j}"))
            if j < 3:
                roads.append((f"{i}{j}", f"{i}{j + 1}"))
    # A spanning comb (every column, the bottom row) keeps the grid in one piece.
    keep = {(f"{i}{j}", f"{i}{j + 1}") for i in range(4) for j in range(3)}
    keep |= {(f"{i}0", f"{i + 1}0") for i in range(3)}
    chosen = [r for r in roads if r in keep or draw(st.booleans())]
    speeds = [draw(st.sampled_from(SPEEDS)) for _ in chosen]
    return build(nodes, [(u, v, kmh) for (u, v), kmh in zip(chosen, speeds, strict=True)])


places = st.builds(lambda x, y: at(x, y), st.floats(-50.0, 950.0), st.floats(-50.0, 950.0))


@settings(max_examples=60, deadline=None)
@given(grids(), places, places)
def test_the_shortest_drive_is_never_shorter_than_the_line_nor_slower_than_the_fastest(
    roads: RoadRouter, a: GeoPoint, b: GeoPoint
) -> None:
    policy = RoutePolicy(snap_m=400.0)
    starts, ends = locate(roads, a, policy), locate(roads, b, policy)
    shortest = roads.route(starts, ends, "length")
    fastest = roads.route(starts, ends, "time")
    assert shortest is not None
    assert fastest is not None
    line = distance_m(shortest.start.point, shortest.end.point)
    assert shortest.length_m >= line - 1.0
    assert shortest.length_m <= fastest.length_m + 1e-6
    assert fastest.time_s <= shortest.time_s + 1e-6
    drawn = sum(
        distance_m(p, q) for p, q in zip(shortest.points, shortest.points[1:], strict=False)
    )
    assert math.isclose(drawn, shortest.length_m, rel_tol=0.02, abs_tol=2.0)


@settings(max_examples=40, deadline=None)
@given(grids(), places)
def test_a_shorter_horizon_never_reaches_a_camera_a_longer_one_does_not(
    roads: RoadRouter, origin: GeoPoint
) -> None:
    cameras = place_cameras(
        roads, [(f"c{k}", at(150.0 * (k % 7), 150.0 * (k // 7))) for k in range(49)]
    )
    latest = sighting("x", origin, camera_id="origin")
    short = reachable_cameras(
        latest, cameras, roads=roads, policy=RoutePolicy(horizons_min=(1.0,), max_results=100)
    )
    long = reachable_cameras(
        latest, cameras, roads=roads, policy=RoutePolicy(horizons_min=(3.0,), max_results=100)
    )
    if short.basis == "straight_line":
        return  # the hit is off every road of this grid
    reached_long = {c.camera_id: c.arrival_s for c in long.cameras}
    for camera in short.cameras:
        assert camera.camera_id in reached_long
        assert camera.arrival_s == reached_long[camera.camera_id]


def test_two_reads_projected_onto_one_spot_drive_nowhere() -> None:
    # Found by the property above: a start and an end that project onto the same spot of
    # a one-way street differ in the last bits of their fractions; the fastest drive
    # must not go round the block (or leave by another street) to "get back" there.
    nodes = {f"{i}{j}": (300.0 * i, 300.0 * j) for i in range(2) for j in range(2)}
    roads = build(nodes, [("00", "10", 50.0), ("00", "01", 50.0), ("01", "11", 50.0)])
    policy = RoutePolicy(snap_m=400.0)
    starts, ends = locate(roads, at(1.25, 0.0), policy), locate(roads, at(1.25, 1.0), policy)
    fastest = roads.route(starts, ends, "time")
    assert fastest is not None
    assert fastest.time_s <= 1e-6
    assert (fastest.start.u, fastest.start.v) == ("00", "10")
