"""The city simulator: cameras, roads, traffic and OCR noise, scenarios.

docs/simulator.md describes the city (what is real, what is synthetic), the
noise model, the scenario format and the feeders.

- :class:`Simulation` is what the demo drives: a scenario, its :class:`City`,
  the wanted vehicles to register, the reads in time order and the truth.
- :class:`Feeder` sends the reads to the centers' real ingest, through
  :class:`safenet.sim.feed_http.HttpSink` or :class:`safenet.sim.feed_mqtt.MqttSink`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
        CATEGORIES,
        Place,
        Scenario,
        ScenarioError,
        VehicleDescription,
        WantedSpec,
        default_scenario_path,
        load_scenario,
        parse_scenario,
    )
    from safenet.sim.simulation import Simulation, resolve_data_dir
    from safenet.sim.traffic import Traffic

# Imported on first use: the road loaders and the roads tests need none of the rest.
_EXPORTS: dict[str, str] = {
    "BatchTooLarge": "safenet.sim.feed",
    "CATEGORIES": "safenet.sim.scenario",
    "City": "safenet.sim.city",
    "CitySettings": "safenet.sim.city",
    "DEFAULT_DISTRICTS": "safenet.sim.districts",
    "District": "safenet.sim.city",
    "DistrictSpec": "safenet.sim.districts",
    "FeedReport": "safenet.sim.feed",
    "FeedSettings": "safenet.sim.feed",
    "Feeder": "safenet.sim.feed",
    "NoiseKind": "safenet.sim.noise",
    "NoiseModel": "safenet.sim.noise",
    "NoiseRates": "safenet.sim.noise",
    "NoisyRead": "safenet.sim.noise",
    "PermanentSendError": "safenet.sim.feed",
    "Place": "safenet.sim.scenario",
    "PlateMix": "safenet.sim.plates_gen",
    "PlateSource": "safenet.sim.plates_gen",
    "ReadEvent": "safenet.sim.events",
    "ReadSink": "safenet.sim.feed",
    "ReadTruth": "safenet.sim.events",
    "RoutedSink": "safenet.sim.feed",
    "Scenario": "safenet.sim.scenario",
    "ScenarioError": "safenet.sim.scenario",
    "SendResult": "safenet.sim.feed",
    "SimCamera": "safenet.sim.cameras",
    "SimClock": "safenet.sim.clock",
    "Simulation": "safenet.sim.simulation",
    "SiteFeedStats": "safenet.sim.feed",
    "Traffic": "safenet.sim.traffic",
    "TransientSendError": "safenet.sim.feed",
    "TruthStats": "safenet.sim.events",
    "VehicleDescription": "safenet.sim.scenario",
    "WantedSpec": "safenet.sim.scenario",
    "build_city": "safenet.sim.city",
    "default_scenario_path": "safenet.sim.scenario",
    "load_scenario": "safenet.sim.scenario",
    "parse_scenario": "safenet.sim.scenario",
    "random_plate": "safenet.sim.plates_gen",
    "resolve_data_dir": "safenet.sim.simulation",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'safenet.sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
