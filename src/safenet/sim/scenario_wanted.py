"""Checking the ``wanted:`` entries of a scenario file: plates, lawful basis, where they go."""

from __future__ import annotations

import re

import yaml

from safenet.matching.patterns import PatternError, is_pattern, parse_pattern
from safenet.plates import check
from safenet.sim.districts import DistrictSpec
from safenet.sim.scenario_types import Place, VehicleDescription, WantedSpec
from safenet.sim.yamlcheck import Checker, line_of
from safenet.vocabulary import CATEGORIES

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
_REQUIRED = (
    "id",
    "plate",
    "category",
    "case_number",
    "start",
    "behaviour",
    "registrar",
    "approver",
)
_OPTIONAL = ("registered_plate", "vehicle", "register_at", "depart_at", "speed")


def parse_wanted(
    c: Checker,
    node: yaml.Node,
    path: str,
    districts: tuple[DistrictSpec, ...],
    duration_s: float | None,
) -> WantedSpec | None:
    """One wanted entry, or None after recording its problems in ``c``."""
    values = c.mapping(node, path, required=_REQUIRED, optional=_OPTIONAL)
    if values is None:
        return None

    def text(key: str) -> str | None:
        return c.string(values[key], f"{path}.{key}") if key in values else None

    ident = _identifier(c, values.get("id"), f"{path}.id")
    plate = _true_plate(c, values.get("plate"), f"{path}.plate")
    registered = (
        _registered(c, values["registered_plate"], f"{path}.registered_plate", plate)
        if "registered_plate" in values
        else plate
    )
    category = _category(c, values.get("category"), f"{path}.category")
    vehicle = (
        _vehicle(c, values["vehicle"], f"{path}.vehicle")
        if "vehicle" in values
        else VehicleDescription()
    )
    register_at = _time(c, values.get("register_at"), f"{path}.register_at", duration_s)
    depart_at = _time(c, values.get("depart_at"), f"{path}.depart_at", duration_s)
    speed = (
        c.number(values["speed"], f"{path}.speed", minimum=0.3, maximum=2.0)
        if "speed" in values
        else 1.0
    )
    start = (
        parse_place(c, values["start"], f"{path}.start", districts, need_district=True)
        if "start" in values
        else None
    )
    behaviour = (
        _behaviour(c, values["behaviour"], f"{path}.behaviour", districts)
        if "behaviour" in values
        else None
    )
    case, registrar, approver = text("case_number"), text("registrar"), text("approver")
    if (
        ident is None
        or plate is None
        or registered is None
        or category is None
        or case is None
        or registrar is None
        or approver is None
        or vehicle is None
        or register_at is None
        or depart_at is None
        or speed is None
        or start is None
        or behaviour is None
    ):
        return None
    destination, flee = behaviour
    return WantedSpec(
        id=ident,
        plate=plate,
        registered_plate=registered,
        vehicle=vehicle,
        category=category,
        case_number=case,
        register_at=register_at,
        depart_at=depart_at,
        start=start,
        destination=destination,
        flee=flee,
        speed=speed,
        registrar=registrar,
        approver=approver,
        line=line_of(node),
    )


def check_unique(c: Checker, wanted: list[WantedSpec]) -> None:
    """Two wanted entries may not share an id or a plate."""
    first_id: dict[str, int] = {}
    first_plate: dict[str, int] = {}
    for spec in wanted:
        if spec.id in first_id:
            c.error_at(
                spec.line, "wanted", f"id {spec.id!r} repeats (first on line {first_id[spec.id]})"
            )
        if spec.plate in first_plate:
            c.error_at(
                spec.line,
                "wanted",
                f"plate {spec.plate!r} repeats (first on line {first_plate[spec.plate]})",
            )
        first_id.setdefault(spec.id, spec.line)
        first_plate.setdefault(spec.plate, spec.line)


def _identifier(c: Checker, node: yaml.Node | None, path: str) -> str | None:
    if node is None:
        return None
    ident = c.string(node, path, max_length=64)
    if ident is not None and not _ID.match(ident):
        c.error(node, path, f"{ident!r} must be letters, digits, '.', '_', ':' or '-'")
        return None
    return ident


def _category(c: Checker, node: yaml.Node | None, path: str) -> str | None:
    if node is None:
        return None
    category = c.string(node, path)
    if category is not None and category not in CATEGORIES:
        c.error(
            node, path, f"{category!r} is not a lawful category (allowed: {', '.join(CATEGORIES)})"
        )
        return None
    return category


def _time(c: Checker, node: yaml.Node | None, path: str, duration_s: float | None) -> float | None:
    if node is None:
        return 0.0
    value = c.number(node, path, minimum=0)
    if value is not None and duration_s is not None and value >= duration_s:
        c.error(
            node, path, f"{value:g} s is not before the end of the run (duration_s {duration_s:g})"
        )
        return None
    return value


def _true_plate(c: Checker, node: yaml.Node | None, path: str) -> str | None:
    if node is None:
        return None
    text = c.string(node, path, max_length=32)
    if text is None:
        return None
    verdict = check(text)
    if not verdict.valid:
        c.error(node, path, f"{text!r} is not a plate: {verdict.error}")
        return None
    return verdict.normalized


def _registered(c: Checker, node: yaml.Node, path: str, plate: str | None) -> str | None:
    text = c.string(node, path, max_length=32)
    if text is None:
        return None
    if not is_pattern(text):
        verdict = check(text)
        if not verdict.valid:
            c.error(
                node, path, f"{text!r} is neither a plate nor a witness pattern: {verdict.error}"
            )
            return None
        if plate is not None and verdict.normalized != plate:
            c.error(
                node,
                path,
                f"{text!r} is not the vehicle's plate {plate!r}; a partial plate needs ? or *",
            )
            return None
        return verdict.normalized
    try:
        pattern = parse_pattern(text)
    except PatternError as exc:
        c.error(node, path, f"{text!r} is not a usable witness pattern: {exc}")
        return None
    if plate is not None and not pattern.matches(plate):
        c.error(node, path, f"pattern {text!r} does not match the vehicle's plate {plate!r}")
        return None
    return pattern.text


def _vehicle(c: Checker, node: yaml.Node, path: str) -> VehicleDescription | None:
    values = c.mapping(node, path, optional=("make", "model", "colour", "type"))
    if values is None:
        return None
    parts: dict[str, str] = {}
    for key, value in values.items():
        text = c.string(value, f"{path}.{key}", max_length=60)
        if text is None:
            return None
        parts[key] = text
    return VehicleDescription(**parts)


def _district_key(
    c: Checker, node: yaml.Node, path: str, districts: tuple[DistrictSpec, ...]
) -> str | None:
    text = c.string(node, path)
    if text is None:
        return None
    for d in districts:
        if text in (d.site, d.name):
            return d.site
    known = ", ".join(f"{d.site} ({d.name})" for d in districts)
    c.error(node, path, f"{text!r} is not a district of the city (districts: {known})")
    return None


def parse_place(
    c: Checker,
    node: yaml.Node,
    path: str,
    districts: tuple[DistrictSpec, ...],
    *,
    need_district: bool,
) -> Place | None:
    """A place: a district name or site id, or a mapping of district, place, lat and lon."""
    if isinstance(node, yaml.ScalarNode):
        site = _district_key(c, node, path, districts)
        return None if site is None else Place(site, line=line_of(node))
    values = c.mapping(node, path, optional=("district", "place", "lat", "lon"))
    if values is None:
        return None
    site = None
    if "district" in values:
        site = _district_key(c, values["district"], f"{path}.district", districts)
        if site is None:
            return None
    elif need_district or "lat" not in values:
        c.error(node, path, "needs a district" if need_district else "needs a district or lat/lon")
        return None
    if ("lat" in values) != ("lon" in values):
        c.error(node, path, "give both lat and lon, or neither")
        return None
    lat = lon = None
    if "lat" in values:
        lat = c.number(values["lat"], f"{path}.lat", minimum=33.0, maximum=38.7)
        lon = c.number(values["lon"], f"{path}.lon", minimum=124.5, maximum=131.9)
        if lat is None or lon is None:
            return None
    name = c.string(values["place"], f"{path}.place") if "place" in values else None
    return Place(site, lat, lon, name, line_of(node))


def _behaviour(
    c: Checker, node: yaml.Node, path: str, districts: tuple[DistrictSpec, ...]
) -> tuple[Place | None, bool] | None:
    values = c.mapping(node, path, optional=("to", "flee"))
    if values is None:
        return None
    if ("to" in values) == ("flee" in values):
        c.error(node, path, "give exactly one of 'to: <district or place>' and 'flee: true'")
        return None
    if "flee" in values:
        flee = c.boolean(values["flee"], f"{path}.flee")
        if flee is False:
            c.error(values["flee"], f"{path}.flee", "must be true (or give 'to:' instead)")
        return (None, True) if flee else None
    place = parse_place(c, values["to"], f"{path}.to", districts, need_district=False)
    return None if place is None else (place, False)
