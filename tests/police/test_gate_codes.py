"""The registry gate's refusals carry a stable code and params per problem (docs/api.md)."""

from __future__ import annotations

from typing import Any

import pytest

from safenet.auth import Principal
from safenet.police.categories import policy_table
from safenet.police.errors import GateRefused
from safenet.police.gate import check_registration
from safenet.police.types import VehicleDescription
from tests.police.support import APPROVER, REGISTRAR, T0, Police, auth, draft

POLICIES = policy_table()


def problems(**overrides: object) -> dict[str, dict[str, Any]]:
    with pytest.raises(GateRefused) as info:
        check_registration(draft(**overrides), T0, POLICIES)
    body = info.value.as_body()
    assert body["code"] == "registry.refused"
    assert body["params"]["count"] == len(body["details"]["problems"])
    return {p["field"]: p for p in body["details"]["problems"]}


def test_a_short_serial_is_plate_serial_length_with_the_figures() -> None:
    plate = problems(plate="12가345")["plate"]
    assert plate["code"] == "plate.serial_length"
    assert plate["params"] == {
        "field": "plate",
        "expected": 4,
        "got": 3,
        "serial": "345",
        "plate": "12가345",
    }
    assert "serial must be 4 digits" in plate["reason"]  # the English stays for API users


@pytest.mark.parametrize(
    ("plate", "code"),
    [
        ("12차3456", "plate.usage_unknown"),
        ("12", "plate.usage_missing"),
        ("부잔12가3456", "plate.region_unknown"),
        ("12가**", "pattern.star_count"),
    ],
)
def test_each_plate_reason_has_its_own_code(plate: str, code: str) -> None:
    assert problems(plate=plate)["plate"]["code"] == code


def test_every_missing_field_is_field_required_naming_the_field() -> None:
    found = problems(plate="", category="", case_number="", reason="")
    for name in ("plate", "category", "case_number", "reason"):
        assert found[name]["code"] == "registry.required", name
        assert found[name]["params"]["field"] == name


def test_other_problems_have_their_codes() -> None:
    found = problems(
        category="fraud",
        case_number="!!",
        vehicle=VehicleDescription(colour="무지개"),
        expires_in_hours=24 * 31,
    )
    assert found["category"]["code"] == "registry.category_unknown"
    assert found["category"]["params"]["category"] == "fraud"
    assert found["case_number"]["code"] == "registry.case_number"
    assert found["vehicle.colour"]["code"] == "registry.colour_unknown"
    assert found["vehicle.colour"]["params"]["colour"] == "무지개"
    assert found["expires_in_hours"]["code"] == "registry.expiry_too_far"
    assert found["expires_in_hours"]["params"]["maximum_h"] == 720


def test_a_pattern_in_a_category_without_patterns_is_pattern_not_allowed() -> None:
    from safenet.police.categories import CategoryPolicy

    strict = {**POLICIES, "kidnapping": CategoryPolicy(policy="strict")}
    with pytest.raises(GateRefused) as info:
        check_registration(draft(plate="12가34??"), T0, strict)
    [plate] = [p for p in info.value.problems if p.field == "plate"]
    assert plate.code == "pattern.not_allowed"
    assert plate.params == {"plate": "12가34??", "category": "kidnapping"}


async def test_approval_by_the_registrar_is_registry_approver_same(police: Police) -> None:
    body = {
        "plate": "12가3456",
        "category": "homicide",
        "case_number": "2026-000123",
        "reason": "suspect fled the scene",
        "vehicle": {"colour": "검정"},
    }
    async with police.http() as http:
        created = await http.post("/api/v1/wanted", json=body, headers=auth(REGISTRAR))
        entry_id = created.json()["entry_id"]
        same = await http.post(
            f"/api/v1/wanted/{entry_id}/approve",
            headers=auth(Principal(REGISTRAR.subject, "x", APPROVER.roles)),
        )
        assert same.status_code == 403
        assert same.json()["code"] == "registry.approver_same"
        assert same.json()["field"] == "approver"
        bad = await http.post(
            "/api/v1/wanted", json={**body, "plate": "12가345"}, headers=auth(REGISTRAR)
        )
        assert bad.status_code == 422
        assert bad.json()["code"] == "registry.refused"
        [problem] = bad.json()["details"]["problems"]
        assert problem["code"] == "plate.serial_length"
        missing = await http.post("/api/v1/wanted", json={}, headers=auth(REGISTRAR))
        assert missing.status_code == 422
        codes = {p["field"]: p["code"] for p in missing.json()["details"]["problems"]}
        assert codes == {
            "plate": "registry.required",
            "category": "registry.required",
            "case_number": "registry.required",
            "reason": "registry.required",
            "vehicle": "registry.vehicle_missing",
        }
