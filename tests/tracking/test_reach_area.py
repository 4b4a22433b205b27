"""The reach area's outline: squares traced into valid GeoJSON rings, holes and all."""

from __future__ import annotations

import itertools

import numpy as np

from safenet.tracking import GeoPoint
from safenet.tracking.reach_area import LocalFrame, circle, grow, outline, outline_mask

FRAME = LocalFrame(GeoPoint(37.5, 127.0))


def _area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2


def test_a_block_is_one_anticlockwise_rectangle() -> None:
    cells = {(i, j) for i in range(3) for j in range(2)}
    geometry = outline(cells, FRAME, 100.0)
    assert geometry["type"] == "MultiPolygon"
    (polygon,) = geometry["coordinates"]
    (ring,) = polygon
    assert len(ring) == 5  # four corners, closed
    assert ring[0] == ring[-1]
    assert _area(ring) > 0  # anticlockwise: the GeoJSON right-hand rule


def test_a_ring_of_cells_keeps_its_hole_clockwise() -> None:
    cells = {(i, j) for i in range(3) for j in range(3)} - {(1, 1)}
    (polygon,) = outline(cells, FRAME, 100.0)["coordinates"]
    outer, hole = polygon
    assert _area(outer) > 0
    assert _area(hole) < 0
    assert len(hole) == 5


def test_cells_touching_at_a_corner_are_two_polygons() -> None:
    polygons = outline({(0, 0), (1, 1)}, FRAME, 100.0)["coordinates"]
    assert len(polygons) == 2
    assert all(len(p) == 1 and len(p[0]) == 5 for p in polygons)


def test_growing_joins_nearby_cells() -> None:
    mask = np.zeros((5, 3), dtype=np.bool_)
    mask[1, 1] = mask[3, 1] = True
    assert len(outline_mask(mask, 0, 0, FRAME, 100.0)["coordinates"]) == 2
    grown = grow(mask)
    assert int(grown.sum()) == 15
    assert len(outline_mask(grown, 0, 0, FRAME, 100.0)["coordinates"]) == 1


def test_a_circle_is_a_closed_anticlockwise_polygon() -> None:
    geometry = circle(GeoPoint(37.5, 127.0), 1000.0)
    (ring,) = geometry["coordinates"]
    assert ring[0] == ring[-1]
    assert _area(ring) > 0
