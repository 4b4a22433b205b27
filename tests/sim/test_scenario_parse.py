"""Scenario files: the packaged default, and errors that name the line, the field and the reason."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from safenet.sim import ScenarioError, Simulation, load_scenario, parse_scenario
from safenet.sim.scenario import CATEGORIES, default_scenario_path

GOOD = """\
name: test
seed: 3
duration_s: 600
speed_factor: 10
wanted:
  - id: W1
    plate: 12가3456
    category: kidnapping
    case_number: 2026-1
    start: seocho
    behaviour: {to: gangnam}
    registrar: 경위 김
    approver: 경정 박
  - id: W2
    plate: 서울31바4417
    registered_plate: "*4417"
    category: robbery
    case_number: 2026-2
    start: {district: 강남구, lat: 37.5, lon: 127.04}
    behaviour: {flee: true}
    registrar: 경위 이
    approver: 경정 최
"""


def _error(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, file="scenario.yaml")
    return str(info.value)


def test_the_packaged_default_scenario_loads() -> None:
    scenario = load_scenario()
    assert default_scenario_path().name == "default.yaml"
    assert scenario.name == "default"
    assert 120 <= scenario.wall_duration_s <= 180
    by_id = {w.id: w for w in scenario.wanted}
    kidnap = by_id["W-SEOCHO-KIDNAP"]
    assert kidnap.category == "kidnapping"
    assert kidnap.registered_plate == kidnap.plate  # a full plate
    assert (kidnap.start.district, kidnap.destination and kidnap.destination.district) == (
        "seocho",
        "gangnam",
    )
    robbery = by_id["W-GANGNAM-ROBBERY"]
    assert robbery.flee
    assert robbery.registered_plate == "38거72??"
    assert robbery.registered_plate != robbery.plate
    missing = by_id["W-EUNPYEONG-MISSING"]
    assert missing.category == "missing_person"
    assert missing.start.district == "eunpyeong"
    for spec in scenario.wanted:
        assert spec.registrar
        assert spec.approver
        assert spec.case_number
        assert spec.vehicle.text()


def test_a_good_scenario_parses_with_defaults_filled_in() -> None:
    scenario = parse_scenario(GOOD)
    assert scenario.seed == 3
    assert scenario.background.reads_per_s == 20
    assert scenario.background.read_probability == 0.9
    w1, w2 = scenario.wanted
    assert w1.start.district == "seocho"
    assert w1.destination is not None
    assert w1.destination.district == "gangnam"
    assert w1.register_at == 0
    assert w2.start.district == "gangnam"  # given by its Korean name
    assert (w2.start.lat, w2.start.lon) == (37.5, 127.04)
    assert w2.registered_plate == "*4417"
    assert w2.line == 14


def test_a_category_outside_the_lawful_ones_is_refused_with_line_and_path() -> None:
    text = GOOD.replace("category: robbery", "category: fraud")
    assert _error(text) == (
        f"scenario.yaml:17: wanted[1].category: 'fraud' is not a lawful category "
        f"(allowed: {', '.join(CATEGORIES)})"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("speed_factor: 10", "speed_factor: 10\nspeed: 3"), "scenario.yaml:5: speed: unknown key"),
        (
            ("    approver: 경정 박", "    approver: 경정 박\n    colour: red"),
            "scenario.yaml:14: wanted[0].colour: unknown key (allowed here: approver, behaviour,",
        ),
        (
            ("plate: 12가3456", "plate: 12차3456"),
            "scenario.yaml:7: wanted[0].plate: '12차3456' is not a plate: "
            "unknown usage syllable '차'",
        ),
        (
            ('registered_plate: "*4417"', 'registered_plate: "*4418"'),
            "scenario.yaml:16: wanted[1].registered_plate: pattern '*4418' does not match "
            "the vehicle's plate '서울31바4417'",
        ),
        (
            ('registered_plate: "*4417"', 'registered_plate: "*417"'),
            "scenario.yaml:16: wanted[1].registered_plate: '*417' is not a usable witness pattern",
        ),
        (
            ('registered_plate: "*4417"', "registered_plate: 서울31바4418"),
            "scenario.yaml:16: wanted[1].registered_plate: '서울31바4418' is not "
            "the vehicle's plate",
        ),
        (("    approver: 경정 박\n", ""), "scenario.yaml:6: wanted[0].approver: is required"),
        (
            ("duration_s: 600", "duration_s: fast"),
            "scenario.yaml:3: duration_s: must be a number, got text 'fast'",
        ),
        (
            ("duration_s: 600", "duration_s: -5"),
            "scenario.yaml:3: duration_s: must be more than 0, got -5",
        ),
        (
            ("seed: 3", "seed: 3.5"),
            "scenario.yaml:2: seed: must be a whole number, got a number '3.5'",
        ),
        (
            ("behaviour: {flee: true}", "behaviour: {flee: true, to: seocho}"),
            "scenario.yaml:20: wanted[1].behaviour: give exactly one of",
        ),
        (
            ("behaviour: {flee: true}", "behaviour: {flee: false}"),
            "scenario.yaml:20: wanted[1].behaviour.flee: must be true",
        ),
        (
            ("start: seocho", "start: 마포구"),
            "scenario.yaml:10: wanted[0].start: '마포구' is not a district of the city "
            "(districts: seocho (서초구), gangnam (강남구), eunpyeong (은평구))",
        ),
        (
            (
                "start: {district: 강남구, lat: 37.5, lon: 127.04}",
                "start: {district: 강남구, lat: 37.5}",
            ),
            "scenario.yaml:19: wanted[1].start: give both lat and lon, or neither",
        ),
        (
            (
                "start: {district: 강남구, lat: 37.5, lon: 127.04}",
                "start: {lat: 37.5, lon: 127.04}",
            ),
            "scenario.yaml:19: wanted[1].start: needs a district",
        ),
        (
            ("behaviour: {to: gangnam}", "behaviour: {to: {lat: 52.5, lon: 13.4}}"),
            "scenario.yaml:11: wanted[0].behaviour.to.lat: must be at most 38.7, got 52.5",
        ),
        (
            ("    approver: 경정 박", "    approver: 경정 박\n    register_at: 600"),
            "scenario.yaml:14: wanted[0].register_at: 600 s is not before the end of the run",
        ),
        (("id: W2", "id: W1"), "scenario.yaml:14: wanted: id 'W1' repeats (first on line 6)"),
        (("id: W2", "id: 'W 2'"), "scenario.yaml:14: wanted[1].id: 'W 2' must be letters"),
        (("seed: 3", "seed: 3\nseed: 4"), "scenario.yaml:3: seed: repeats (first given on line 2)"),
        (
            ("speed_factor: 10", "speed_factor: 10\nbackground: {noise: {vowel: 0.6, digit: 0.6}}"),
            "scenario.yaml:5: background.noise: the misread rates add up to",
        ),
        (
            ("speed_factor: 10", "speed_factor: 10\nbackground: {noise: {vowl: 0.1}}"),
            "scenario.yaml:5: background.noise.vowl: unknown key (allowed here: alternatives_below",
        ),
        (
            ("speed_factor: 10", "speed_factor: 10\nbackground: {read_probability: 1.5}"),
            "scenario.yaml:5: background.read_probability: must be at most 1, got 1.5",
        ),
        (
            ("speed_factor: 10", "speed_factor: 10\nstart_time: 2026-11-25 09:00"),
            "scenario.yaml:5: start_time: must be an RFC 3339 time with an offset",
        ),
    ],
)
def test_mistakes_are_reported_with_line_and_field(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD
    message = _error(GOOD.replace(old, new, 1))
    assert expected in message, message


def test_every_problem_is_reported_at_once() -> None:
    text = GOOD.replace("category: robbery", "category: fraud").replace("seed: 3", "seed: x")
    lines = _error(text).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("scenario.yaml:2: seed:")
    assert lines[1].startswith("scenario.yaml:17: wanted[1].category:")


def test_broken_yaml_empty_files_and_wrong_shapes() -> None:
    assert _error("name: x\nwanted: [\n").startswith("scenario.yaml:3: not valid YAML")
    assert _error("") == "scenario.yaml:1: the file is empty; a scenario needs at least a name"
    assert _error("- just\n- a list\n") == (
        "scenario.yaml:1: must be a mapping (key: value), got a list"
    )
    assert _error("wanted: []\n") == "scenario.yaml:1: name: is required"


def test_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(tmp_path / "nope.yaml")


def test_start_time_and_custom_districts() -> None:
    text = GOOD.replace(
        "speed_factor: 10",
        """speed_factor: 10
start_time: "2026-11-25T09:00:00+09:00"
city:
  max_cameras: 40
  districts:
    - {site: seocho, name: 서초구, centre: {lat: 37.4837, lon: 127.0326}}
    - site: gangnam
      name: 강남구
      centre: {lat: 37.5174, lon: 127.0474}
      agencies: [강남구청 CCTV]""",
    )
    scenario = parse_scenario(text)
    assert scenario.start_time == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    assert [d.site for d in scenario.city.districts] == ["seocho", "gangnam"]
    assert scenario.city.max_cameras == 40
    assert scenario.city.districts[1].manages("강남구청 CCTV")
    bad = text.replace("site: gangnam", "site: Gangnam")
    assert "scenario.yaml:10: city.districts[1]: site: 'Gangnam' is not a site id" in _error(bad)


def test_a_destination_no_road_reaches_is_an_error_with_its_line() -> None:
    text = GOOD.replace("behaviour: {to: gangnam}", "behaviour: {to: eunpyeong}")
    scenario = parse_scenario(text, file="scenario.yaml")
    with pytest.raises(ScenarioError) as info:
        Simulation.from_scenario(scenario, no_data=True)
    assert str(info.value).startswith(
        "scenario.yaml:11: wanted[0].behaviour.to: no road connects 서초구 and 은평구"
    )
