"""The decision chain's policy comes from the center's settings (issue 17).

Each ``center.decision_*`` setting reaches the chain's :class:`DecisionPolicy`; the
defaults are the policy's own (a drift between the two would change the product's
behaviour silently); a bad value is refused naming the setting and the reason.
"""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from safenet.center.context import live_decisions
from safenet.center.settings import CenterSettings
from safenet.config import load_settings
from safenet.matching.decision import DecisionPolicy

MAPPED = {
    "decision_surface_at": "surface_at",
    "decision_memory_s": "memory_s",
    "decision_memory_confidence": "memory_confidence",
    "decision_memory_plates": "memory_plates",
    "decision_memory_passes": "memory_passes",
    "decision_lookalike_s": "lookalike_s",
    "decision_lookalike_exact_s": "lookalike_exact_s",
    "decision_traffic_s": "traffic_s",
    "decision_traffic_passes": "traffic_passes",
}


def test_the_default_settings_are_the_policys_defaults() -> None:
    decisions = live_decisions(CenterSettings())
    assert decisions is not None
    policy, default = decisions.policy, DecisionPolicy()
    for setting, field in MAPPED.items():
        assert getattr(policy, field) == getattr(default, field), setting
        assert getattr(CenterSettings(), setting) == getattr(default, field), setting


def test_each_setting_reaches_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "decision_surface_at": 0.93,
        "decision_memory_s": 7200.0,
        "decision_memory_confidence": 0.95,
        "decision_memory_plates": 8,
        "decision_memory_passes": 4,
        "decision_lookalike_s": 120.0,
        "decision_lookalike_exact_s": 1800.0,
        "decision_traffic_s": 1800.0,
        "decision_traffic_passes": 0,
    }
    assert set(values) == set(MAPPED)
    for setting, value in values.items():
        monkeypatch.setenv(f"SAFENET_CENTER__{setting.upper()}", str(value))
    decisions = live_decisions(load_settings().center)
    assert decisions is not None
    got = dataclasses.asdict(decisions.policy)
    for setting, value in values.items():
        assert got[MAPPED[setting]] == value, setting


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("decision_memory_confidence", "1.0"),
        ("decision_memory_confidence", "0"),
        ("decision_surface_at", "1.5"),
        ("decision_traffic_passes", "-1"),
        ("decision_lookalike_s", "-5"),
    ],
)
def test_a_bad_value_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, setting: str, value: str
) -> None:
    monkeypatch.setenv(f"SAFENET_CENTER__{setting.upper()}", value)
    with pytest.raises(ValidationError) as info:
        load_settings()
    assert setting in str(info.value)


def test_a_hold_longer_than_the_read_retention_is_refused() -> None:
    """A held candidate's read is an ordinary read until it surfaces: the purge must not
    take it while the hold lasts."""
    with pytest.raises(ValidationError, match="decision_hold_s") as info:
        CenterSettings(decision_hold_s=1800, read_retention_hours=0.25)
    assert "read_retention_hours" in str(info.value)
    CenterSettings(decision_hold_s=600, read_retention_hours=0.25)
    CenterSettings(decisions=False, decision_hold_s=1800, read_retention_hours=0.25)
