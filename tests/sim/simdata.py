"""Shared, cached simulator objects for the simulator tests (built once per session).

Building the real city reads the Seoul CCTV files and the road networks (~2 s),
so the tests share one default :class:`Simulation` and its events.
"""

from __future__ import annotations

import base64
import functools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safenet.sim import ReadEvent, Simulation, TruthStats
from safenet.sim.snapshot import SnapshotRenderer

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


def pictured(renderer: SnapshotRenderer, event: ReadEvent) -> dict[str, Any]:
    """The read as the feeder sends it: with its camera's picture (base64 JPEG)."""
    jpeg = base64.b64encode(renderer.render_event(event)).decode("ascii")
    return {**event.read, "snapshot_jpeg": jpeg}
