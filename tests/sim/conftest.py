"""Fixtures for the simulator tests: the real road data, shared with the road tests."""

from __future__ import annotations

from tests.roads.conftest import data_dir, road_networks

__all__ = ["data_dir", "road_networks"]
