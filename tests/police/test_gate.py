"""The lawful-basis gate: every category, every missing field, the expiry limits."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from safenet.police.categories import CATEGORIES, LABELS_KO, policy_table
from safenet.police.errors import GateRefused
from safenet.police.gate import ExpiryLimits, check_reason, check_registration, check_renewal
from safenet.police.types import Renewal, VehicleDescription
from safenet.vocabulary import Category
from tests.police.support import T0, draft

POLICIES = policy_table()


def refused(**overrides: object) -> GateRefused:
    with pytest.raises(GateRefused) as info:
        check_registration(draft(**overrides), T0, POLICIES)
    return info.value


def test_categories_and_levels_are_exactly_the_links() -> None:
    from typing import get_args

    from safenet.police.categories import LEVELS
    from safenet.vocabulary import MatchLevel

    assert get_args(Category) == CATEGORIES
    assert get_args(MatchLevel) == LEVELS
    assert set(LABELS_KO) == set(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_lawful_category_is_accepted(category: str) -> None:
    reg = check_registration(draft(category=category), T0, POLICIES)
    assert reg.category == category
    assert reg.plate == "12가3456"
    assert reg.expires_at == T0 + timedelta(hours=72)


@pytest.mark.parametrize("category", ["fraud", "theft", "traffic_violation", "unpaid_fines"])
def test_other_categories_are_refused_with_the_allowed_list(category: str) -> None:
    error = refused(category=category)
    assert error.field == "category"
    assert (
        f"category: '{category}' is not a lawful basis for emergency wanted registration; "
        "allowed: homicide, robbery, kidnapping" in error.message
    )
    assert error.status == 422


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("plate", None, "plate: is required"),
        ("plate", "  ", "plate: is required"),
        ("category", None, "category: is required"),
        ("case_number", None, "case_number: is required"),
        ("reason", None, "reason: is required"),
        ("reason", "   ", "reason: is required"),
        ("vehicle", None, "vehicle: describe the vehicle"),
        ("vehicle", VehicleDescription(), "vehicle: describe the vehicle"),
    ],
)
def test_every_missing_field_is_named(field: str, value: object, words: str) -> None:
    error = refused(**{field: value})
    assert error.field == field
    assert words in error.message
    assert [p.field for p in error.problems] == [field]


def test_every_problem_is_reported_at_once() -> None:
    error = refused(plate=None, category="fraud", case_number="", reason="", vehicle=None)
    assert [p.field for p in error.problems] == [
        "category",
        "plate",
        "case_number",
        "reason",
        "vehicle",
    ]
    assert error.as_body()["details"]["problems"][0]["field"] == "category"


@pytest.mark.parametrize(
    ("plate", "words"),
    [
        ("ABC", "plate:"),
        ("*6", "plate:"),  # pins down too little
        ("12가34567890", "plate:"),
    ],
)
def test_bad_plates_and_patterns_are_refused(plate: str, words: str) -> None:
    assert refused(plate=plate).field == "plate"


def test_witness_patterns_are_accepted_and_normalized() -> None:
    reg = check_registration(draft(plate="12가 34??"), T0, POLICIES)
    assert reg.is_pattern
    assert reg.plate == "12가34??"
    assert reg.plate_input == "12가 34??"


def test_a_pattern_needs_a_policy_that_allows_patterns() -> None:
    from safenet.police.categories import CategoryPolicy

    strict = policy_table({"robbery": CategoryPolicy(policy="strict")})
    with pytest.raises(GateRefused, match="does not allow witness patterns"):
        check_registration(draft(plate="*3456", category="robbery"), T0, strict)


def test_case_number_shape() -> None:
    assert refused(case_number="x").field == "case_number"
    assert refused(case_number="2026 123; drop").field == "case_number"


def test_expiry_at_most_thirty_days_after_registration() -> None:
    error = refused(expires_at=T0 + timedelta(days=30, seconds=1))
    assert error.message == "expires_at: at most 30 days after registration"
    ok = check_registration(draft(expires_at=T0 + timedelta(days=30)), T0, POLICIES)
    assert ok.expires_at == T0 + timedelta(days=30)
    assert refused(expires_in_hours=24 * 30 + 1).field == "expires_in_hours"


def test_expiry_must_be_future_aware_and_given_once() -> None:
    assert "must be in the future" in refused(expires_at=T0).message
    assert "time zone" in refused(expires_at=datetime(2026, 3, 3, 12, 0)).message
    both = refused(expires_at=T0 + timedelta(hours=1), expires_in_hours=1)
    assert "not both" in both.message
    assert refused(expires_in_hours=0).field == "expires_in_hours"
    assert refused(expires_in_hours=float("nan")).field == "expires_in_hours"


def test_limits_are_configurable() -> None:
    limits = ExpiryLimits(default=timedelta(hours=6), maximum=timedelta(days=2))
    assert check_registration(draft(), T0, POLICIES, limits).expires_at == T0 + timedelta(hours=6)
    with pytest.raises(GateRefused, match="at most 2 days after registration"):
        check_registration(draft(expires_in_hours=49), T0, POLICIES, limits)


def test_renewal_needs_a_reason_and_a_new_expiry() -> None:
    with pytest.raises(GateRefused) as info:
        check_renewal(Renewal(), T0)
    assert [p.field for p in info.value.problems] == ["reason", "expires_at"]
    expires, reason = check_renewal(Renewal(reason="still at large", expires_in_hours=48), T0)
    assert expires == T0 + timedelta(hours=48)
    assert reason == "still at large"
    with pytest.raises(GateRefused, match="at most 30 days after renewal"):
        check_renewal(Renewal(reason="x", expires_at=T0 + timedelta(days=31)), T0)


def test_ending_needs_a_reason() -> None:
    with pytest.raises(GateRefused, match="reason: is required"):
        check_reason(" ")
    assert check_reason(" found ") == "found"
