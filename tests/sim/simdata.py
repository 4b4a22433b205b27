"""Shared, cached simulator objects for the simulator tests (built once per session).

Building the real city reads the Seoul CCTV files and the road networks (~2 s),
so the tests share one default :class:`Simulation` and its events.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path

from safenet.sim import ReadEvent, Simulation, TruthStats

START = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


@functools.cache
def default_simulation(data_dir: Path) -> Simulation:
    """The packaged default scenario on the real data, at a fixed start time."""
    return Simulation.from_scenario(data_dir=data_dir, start_time=START)


@functools.cache
def default_run(data_dir: Path) -> tuple[tuple[ReadEvent, ...], TruthStats]:
    """Every read of one headless run of the default scenario, and its truth."""
    sim = default_simulation(data_dir)
    events = tuple(sim.events())
    return events, sim.truth
