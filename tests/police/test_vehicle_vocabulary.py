"""The wanted vehicle's colour and body type are words of the controlled vocabulary (issue 17).

The centers' decision chain compares them with what their cameras report, so the
registry refuses a word nobody could compare and sends the centers vocabulary codes.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from safenet.police.categories import policy_table
from safenet.police.distribution import to_link_entry
from safenet.police.errors import GateRefused
from safenet.police.gate import check_registration
from safenet.police.types import Status, VehicleDescription, WantedEntry
from tests.police.support import T0, draft

POLICIES = policy_table()


def wanted_entry() -> WantedEntry:
    return WantedEntry(
        entry_id="W1",
        plate="12가3456",
        plate_input="12가3456",
        is_pattern=False,
        vehicle=VehicleDescription(),
        category="robbery",
        case_number="2026-0001",
        reason="test",
        registrar="reg",
        registrar_name="reg",
        approver="app",
        approver_name="app",
        status=Status.ACTIVE,
        created_at=T0,
        approved_at=T0,
        expires_at=T0,
        ended_at=None,
        ended_by=None,
        end_reason=None,
        renewals=0,
        updated_at=T0,
    )


@pytest.mark.parametrize(
    ("vehicle", "field", "words"),
    [
        (VehicleDescription(colour="분홍빛"), "vehicle.colour", "'분홍빛' is not a colour"),
        (VehicleDescription(colour="흰색", type="hovercraft"), "vehicle.type", "not a body type"),
    ],
)
def test_a_word_outside_the_vocabulary_is_refused_naming_the_field(
    vehicle: VehicleDescription, field: str, words: str
) -> None:
    with pytest.raises(GateRefused) as info:
        check_registration(draft(vehicle=vehicle), T0, POLICIES)
    problems = {p.field: p.reason for p in info.value.problems}
    assert words in problems[field]
    assert "흰색/white" in problems[field] or "승용(세단)/car" in problems[field]


def test_vocabulary_words_in_either_language_are_accepted_and_sent_as_codes() -> None:
    vehicle = VehicleDescription(make="현대", model="싼타페", colour="흰색", type="SUV")
    reg = check_registration(draft(vehicle=vehicle), T0, POLICIES)
    assert reg.vehicle.type == "SUV"
    entry = replace(wanted_entry(), vehicle=reg.vehicle)
    link = to_link_entry(entry, POLICIES[entry.category])
    assert (link.colour, link.vehicle_type, link.make, link.model) == (
        "white",
        "suv",
        "hyundai",
        "싼타페",
    )
    assert "SUV" in link.vehicle


def test_an_entry_without_colour_or_type_sends_none() -> None:
    reg = check_registration(draft(vehicle=VehicleDescription(make="기아")), T0, POLICIES)
    link = to_link_entry(replace(wanted_entry(), vehicle=reg.vehicle), POLICIES["robbery"])
    assert (link.colour, link.vehicle_type, link.make) == (None, None, "kia")
