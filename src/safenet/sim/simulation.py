"""The simulation the demo drives: a scenario, its city, its reads and the truth behind them.

sim = Simulation.from_scenario()             # the packaged default, data from settings
print(sim.city.summary())                    # what is real and what is made up
for spec in sim.wanted: ...                  # register each at the police at spec.register_at
for event in sim.events(): ...               # reads in time order (or feed them: feed.py)
sim.truth                                    # counts so far: reads, misreads, wanted reads
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from safenet.sim.city import City, CitySettings, build_city
from safenet.sim.clock import SimClock
from safenet.sim.events import ReadEvent, TruthStats
from safenet.sim.scenario import Scenario, WantedSpec, load_scenario
from safenet.sim.traffic import Traffic

logger = logging.getLogger(__name__)


def resolve_data_dir(data_dir: Path | None) -> Path | None:
    """The data folder to use: the one given (which must exist), else the setting if it exists.

    The setting is ``data_dir`` (environment ``SAFENET_DATA_DIR``, default
    ``../shared/data``). None means there is no data: the city will be synthetic.
    """
    if data_dir is not None:
        if not data_dir.is_dir():
            raise ValueError(f"data_dir: {data_dir} is not a folder")
        return data_dir
    from safenet.config import Settings

    configured = Settings().data_dir
    if configured.is_dir():
        return configured
    logger.warning("no data folder at %s: the city will be synthetic", configured.resolve())
    return None


class Simulation:
    """One run of a scenario: the city it plays in, the wanted vehicles, the reads."""

    def __init__(
        self,
        scenario: Scenario,
        city: City,
        *,
        start_time: datetime | None = None,
        run_tag: str | None = None,
    ) -> None:
        start = start_time or scenario.start_time or datetime.now(UTC).replace(microsecond=0)
        self.scenario = scenario
        self.city = city
        self.clock = SimClock(start, scenario.speed_factor)
        self.traffic = Traffic(city, scenario, self.clock.start, run_tag=run_tag)

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario | Path | str | None = None,
        *,
        data_dir: Path | None = None,
        no_data: bool = False,
        start_time: datetime | None = None,
        run_tag: str | None = None,
    ) -> Simulation:
        """Load a scenario (the packaged default when None) and build its city.

        ``data_dir`` defaults to the ``data_dir`` setting; when that folder does not
        exist, or ``no_data`` is set, the city is fully synthetic and says so.
        ``run_tag`` goes into every read id (``sim-<tag>-<site>-<n>``) so that a
        second run against the same center databases does not collide with the first.
        """
        loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        folder = None if no_data else resolve_data_dir(data_dir)
        spec = loaded.city
        settings = CitySettings(
            districts=spec.districts,
            coverage_radius_m=spec.coverage_radius_m,
            max_cameras=spec.max_cameras,
            min_spacing_m=spec.min_spacing_m,
            seed=loaded.seed,
        )
        return cls(loaded, build_city(folder, settings), start_time=start_time, run_tag=run_tag)

    @property
    def wanted(self) -> tuple[WantedSpec, ...]:
        """The wanted vehicles, with what the police register and when (``register_at``)."""
        return self.scenario.wanted

    @property
    def truth(self) -> TruthStats:
        """What the current (or last) run of :meth:`events` has produced."""
        return self.traffic.truth

    def events(self) -> Iterator[ReadEvent]:
        """Every read of the run in time order; each call replays the run from the start."""
        return self.traffic.events()
