"""The city simulator: cameras, roads, traffic and OCR noise, scenarios.

docs/simulator.md describes the city (what is real, what is synthetic), the
noise model, the scenario format and the feeders.

- :class:`Simulation` is what the demo drives: a scenario, its :class:`City`,
  the wanted vehicles to register, the reads in time order and the truth.
- :class:`Feeder` sends the reads to the centers' real ingest, through
  :class:`safenet.sim.feed_http.HttpSink` or :class:`safenet.sim.feed_mqtt.MqttSink`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safenet.lazy import lazy_exports

if TYPE_CHECKING:
    from safenet.sim.cameras import SimCamera
    from safenet.sim.city import City, CitySettings, District, build_city
    from safenet.sim.clock import SimClock
    from safenet.sim.districts import DEFAULT_DISTRICTS, DistrictSpec
    from safenet.sim.events import ReadEvent, ReadTruth, TruthStats
    from safenet.sim.feed import (
        BatchTooLarge,
        Feeder,
        FeedReport,
        FeedSettings,
        PermanentSendError,
        ReadSink,
        RoutedSink,
        SendResult,
        SiteFeedStats,
        TransientSendError,
    )
    from safenet.sim.noise import NoiseKind, NoiseModel, NoiseRates, NoisyRead
    from safenet.sim.plates_gen import PlateMix, PlateSource, random_plate
    from safenet.sim.scenario import (
        ScenarioError,
        default_scenario_path,
        load_scenario,
        parse_scenario,
    )
    from safenet.sim.scenario_types import Place, Scenario, VehicleDescription, WantedSpec
    from safenet.sim.simulation import Simulation, resolve_data_dir
    from safenet.sim.traffic import Traffic
    from safenet.vocabulary import CATEGORIES

__all__ = [
    "CATEGORIES",
    "DEFAULT_DISTRICTS",
    "BatchTooLarge",
    "City",
    "CitySettings",
    "District",
    "DistrictSpec",
    "FeedReport",
    "FeedSettings",
    "Feeder",
    "NoiseKind",
    "NoiseModel",
    "NoiseRates",
    "NoisyRead",
    "PermanentSendError",
    "Place",
    "PlateMix",
    "PlateSource",
    "ReadEvent",
    "ReadSink",
    "ReadTruth",
    "RoutedSink",
    "Scenario",
    "ScenarioError",
    "SendResult",
    "SimCamera",
    "SimClock",
    "Simulation",
    "SiteFeedStats",
    "Traffic",
    "TransientSendError",
    "TruthStats",
    "VehicleDescription",
    "WantedSpec",
    "build_city",
    "default_scenario_path",
    "load_scenario",
    "parse_scenario",
    "random_plate",
    "resolve_data_dir",
]

# Imported on first use: the road loaders and the roads tests need none of the rest.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "safenet.sim.feed": (
            "BatchTooLarge",
            "FeedReport",
            "FeedSettings",
            "Feeder",
            "PermanentSendError",
            "ReadSink",
            "RoutedSink",
            "SendResult",
            "SiteFeedStats",
            "TransientSendError",
        ),
        "safenet.sim.scenario": (
            "ScenarioError",
            "default_scenario_path",
            "load_scenario",
            "parse_scenario",
        ),
        "safenet.sim.scenario_types": ("Place", "Scenario", "VehicleDescription", "WantedSpec"),
        "safenet.vocabulary": ("CATEGORIES",),
        "safenet.sim.city": ("City", "CitySettings", "District", "build_city"),
        "safenet.sim.districts": ("DEFAULT_DISTRICTS", "DistrictSpec"),
        "safenet.sim.noise": ("NoiseKind", "NoiseModel", "NoiseRates", "NoisyRead"),
        "safenet.sim.plates_gen": ("PlateMix", "PlateSource", "random_plate"),
        "safenet.sim.events": ("ReadEvent", "ReadTruth", "TruthStats"),
        "safenet.sim.cameras": ("SimCamera",),
        "safenet.sim.clock": ("SimClock",),
        "safenet.sim.simulation": ("Simulation", "resolve_data_dir"),
        "safenet.sim.traffic": ("Traffic",),
    },
)
