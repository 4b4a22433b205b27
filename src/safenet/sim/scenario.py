"""Simulation scenarios: who is wanted, where they drive, and how busy the city is.

A scenario is a YAML file (docs/simulator.md describes every key). It is checked
field by field, with the line number and field path in every error and unknown
keys refused, so a typo never silently changes an exercise::

    scenario.yaml:14: wanted[1].category: 'fraud' is not a lawful category (allowed: …)

The packaged default is ``safenet/sim/scenarios/default.yaml``.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from safenet.sim.districts import DistrictSpec
from safenet.sim.noise import NoiseRates
from safenet.sim.plates_gen import PlateMix
from safenet.sim.scenario_types import (
    BackgroundSpec,
    CitySpec,
    Place,
    Scenario,
    VehicleDescription,
    WantedSpec,
)
from safenet.sim.scenario_wanted import check_unique, parse_wanted
from safenet.sim.yamlcheck import Checker, Issue, YamlFileError
from safenet.vocabulary import CATEGORIES

__all__ = [
    "CATEGORIES",
    "BackgroundSpec",
    "CitySpec",
    "Place",
    "Scenario",
    "ScenarioError",
    "VehicleDescription",
    "WantedSpec",
    "default_scenario_path",
    "load_scenario",
    "parse_scenario",
]

_TOP_KEYS = (
    "description",
    "seed",
    "duration_s",
    "speed_factor",
    "start_time",
    "background",
    "city",
    "wanted",
)


class ScenarioError(YamlFileError):
    """A scenario that cannot be run; each line names the file, line, field and reason."""


def default_scenario_path() -> Path:
    """The packaged default scenario (``safenet/sim/scenarios/default.yaml``)."""
    return Path(str(resources.files("safenet.sim").joinpath("scenarios/default.yaml")))


def load_scenario(path: Path | str | None = None) -> Scenario:
    """Read and check a scenario file (the packaged default when ``path`` is None)."""
    target = Path(path) if path is not None else default_scenario_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Issue(str(target), 1, "", "the file does not exist")]) from None
    except UnicodeDecodeError:
        raise ScenarioError([Issue(str(target), 1, "", "the file is not UTF-8 text")]) from None
    return parse_scenario(text, file=target.name)


def parse_scenario(text: str, *, file: str = "scenario.yaml") -> Scenario:
    """Check a scenario's YAML text; raises :class:`ScenarioError` listing every problem."""
    c = Checker(file)
    root = c.compose(text)
    if root is None:
        if not c.issues:
            c.error(None, "", "the file is empty; a scenario needs at least a name")
        raise ScenarioError(c.issues)
    top = c.mapping(root, "", required=("name",), optional=_TOP_KEYS)
    if top is None:
        raise ScenarioError(c.issues)

    def number(key: str, default: float, **bounds: Any) -> float | None:
        return c.number(top[key], key, **bounds) if key in top else default

    name = c.string(top["name"], "name") if "name" in top else None
    description = (
        c.string(top["description"], "description", max_length=2000) if "description" in top else ""
    )
    seed = number("seed", 1, minimum=0, maximum=2**63 - 1, integer=True)
    duration = number("duration_s", 1800.0, above=0, maximum=7 * 86400)
    speed = number("speed_factor", 12.0, above=0, maximum=10_000)
    start_time = _start_time(c, top["start_time"]) if "start_time" in top else None
    background = _background(c, top["background"]) if "background" in top else BackgroundSpec()
    city = _city(c, top["city"]) if "city" in top else CitySpec()
    wanted: list[WantedSpec] = []
    if "wanted" in top:
        districts = (city or CitySpec()).districts
        for i, item in enumerate(c.sequence(top["wanted"], "wanted") or []):
            spec = parse_wanted(c, item, f"wanted[{i}]", districts, duration)
            if spec is not None:
                wanted.append(spec)
        check_unique(c, wanted)
    if c.issues:
        raise ScenarioError(c.issues)
    if (
        name is None
        or description is None
        or seed is None
        or duration is None
        or speed is None
        or background is None
        or city is None
    ):  # each of these came with an issue; kept for the type checker
        raise ScenarioError(c.issues or [Issue(file, 1, "", "the scenario is incomplete")])
    return Scenario(
        name=name,
        description=description,
        seed=int(seed),
        duration_s=duration,
        speed_factor=speed,
        start_time=start_time,
        background=background,
        city=city,
        wanted=tuple(wanted),
        source=file,
    )


def _start_time(c: Checker, node: yaml.Node) -> datetime | None:
    # PyYAML would turn an unquoted timestamp into a naive datetime; read the raw text instead.
    raw = node.value if isinstance(node, yaml.ScalarNode) else None
    if isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
    c.error(
        node,
        "start_time",
        "must be an RFC 3339 time with an offset, e.g. 2026-11-25T09:00:00+09:00",
    )
    return None


def _parameters(c: Checker, node: yaml.Node, path: str, cls: type[Any]) -> Any:
    """A dataclass of numeric parameters, any of them given; the class checks the values."""
    defaults = cls()
    values = c.mapping(node, path, optional=[f.name for f in fields(cls)])
    if values is None:
        return None
    kwargs: dict[str, float | int] = {}
    failed = False
    for key, value in values.items():
        whole = type(getattr(defaults, key)) is int
        number = c.number(value, f"{path}.{key}", minimum=0, integer=whole)
        if number is None:
            failed = True
        else:
            kwargs[key] = int(number) if whole else number
    if failed:
        return None
    try:
        return cls(**kwargs)
    except ValueError as exc:
        c.error(node, path, str(exc))
        return None


def _background(c: Checker, node: yaml.Node) -> BackgroundSpec | None:
    keys = ("reads_per_s", "read_probability", "noise", "plate_mix")
    values = c.mapping(node, "background", optional=keys)
    if values is None:
        return None
    out = BackgroundSpec()
    reads = (
        c.number(values["reads_per_s"], "background.reads_per_s", minimum=0, maximum=10_000)
        if "reads_per_s" in values
        else out.reads_per_s
    )
    probability = (
        c.number(values["read_probability"], "background.read_probability", minimum=0, maximum=1)
        if "read_probability" in values
        else out.read_probability
    )
    noise = (
        _parameters(c, values["noise"], "background.noise", NoiseRates)
        if "noise" in values
        else out.noise
    )
    mix = (
        _parameters(c, values["plate_mix"], "background.plate_mix", PlateMix)
        if "plate_mix" in values
        else out.plate_mix
    )
    if reads is None or probability is None or noise is None or mix is None:
        return None
    return BackgroundSpec(reads, probability, noise, mix)


def _city(c: Checker, node: yaml.Node) -> CitySpec | None:
    keys = ("districts", "max_cameras", "coverage_radius_m", "read_radius_m", "min_spacing_m")
    values = c.mapping(node, "city", optional=keys)
    if values is None:
        return None
    out = CitySpec()
    districts: tuple[DistrictSpec, ...] | None = out.districts
    if "districts" in values:
        districts = _districts(c, values["districts"])
    max_cameras = (
        c.number(values["max_cameras"], "city.max_cameras", minimum=1, maximum=5000, integer=True)
        if "max_cameras" in values
        else out.max_cameras
    )
    metres: dict[str, float] = {}
    for key in ("coverage_radius_m", "read_radius_m", "min_spacing_m"):
        if key in values:
            value = c.number(values[key], f"city.{key}", minimum=0, maximum=2000)
            if value is None:
                return None
            metres[key] = value
    if districts is None or max_cameras is None:
        return None
    return CitySpec(districts=districts, max_cameras=int(max_cameras), **metres)


def _districts(c: Checker, node: yaml.Node) -> tuple[DistrictSpec, ...] | None:
    items = c.sequence(node, "city.districts")
    if items is None:
        return None
    if not items:
        c.error(node, "city.districts", "must list at least one district")
        return None
    parsed = [_district(c, item, f"city.districts[{i}]") for i, item in enumerate(items)]
    seen: dict[str, int] = {}
    for i, spec in enumerate(parsed):
        if spec is None:
            continue
        if spec.site in seen:
            c.error(
                items[i],
                f"city.districts[{i}].site",
                f"{spec.site!r} repeats (first in city.districts[{seen[spec.site]}])",
            )
        seen.setdefault(spec.site, i)
    if any(spec is None for spec in parsed):
        return None
    return tuple(spec for spec in parsed if spec is not None)


def _district(c: Checker, node: yaml.Node, path: str) -> DistrictSpec | None:
    values = c.mapping(node, path, required=("site", "name", "centre"), optional=("agencies",))
    if values is None:
        return None
    site = c.string(values["site"], f"{path}.site") if "site" in values else None
    name = c.string(values["name"], f"{path}.name") if "name" in values else None
    centre = _centre(c, values["centre"], f"{path}.centre") if "centre" in values else None
    agencies: list[str] = []
    for i, item in enumerate(
        c.sequence(values["agencies"], f"{path}.agencies") or [] if "agencies" in values else []
    ):
        text = c.string(item, f"{path}.agencies[{i}]")
        if text is not None:
            agencies.append(text)
    if site is None or name is None or centre is None:
        return None
    try:
        return DistrictSpec(site, name, centre, tuple(agencies))
    except ValueError as exc:
        c.error(node, path, str(exc))
        return None


def _centre(c: Checker, node: yaml.Node, path: str) -> tuple[float, float] | None:
    values = c.mapping(node, path, required=("lat", "lon"))
    if values is None or "lat" not in values or "lon" not in values:
        return None
    lat = c.number(values["lat"], f"{path}.lat", minimum=33.0, maximum=38.7)
    lon = c.number(values["lon"], f"{path}.lon", minimum=124.5, maximum=131.9)
    return None if lat is None or lon is None else (lat, lon)
