"""Privacy limits: how many plates a witness pattern matches, and what that allows.

Issue 13: a `missing_person` entry with the pattern `*4321` passed the gate with no
description, and the retrospective look-up sent 8 of 8 uninvolved vehicles' reads to
the police, unconfirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safenet.matching import Level, PatternError
from safenet.matching.privacy import (
    PatternPolicy,
    PatternVerdict,
    cap_lookup,
    must_hold_retrospective,
)
from safenet.matching.specificity import FORMATS, PLATE_SPACE, specificity
from safenet.plates import check


@pytest.mark.parametrize(
    ("pattern", "one_in"),
    [
        ("*4321", 10_000),  # the last four digits: one plate in ten thousand, in every format
        ("*456", 1_000),
        ("12가*", 99 * 40),  # class 12 of 01-99, one syllable of 40
        ("12가34??", 99 * 40 * 100),
        ("??가3456", 40 * 10_000),
        ("12가345?", 99 * 40 * 1_000),
        ("*가4321", 40 * 10_000),
        ("123가4567", 999 * 40 * 10_000),
    ],
)
def test_specificity_is_counted_from_the_plate_grammar(pattern: str, one_in: int) -> None:
    assert specificity(pattern).one_in == one_in


def test_the_registrar_is_told_what_a_pattern_means() -> None:
    s = specificity("*4321")
    assert s.describe() == (
        "pattern *4321 matches about 1 in 10,000 plates (about 2,600 of the 26,290,000 "
        "registered vehicles; share of the plate space 0.01%)"
    )
    assert s.matching == PLATE_SPACE // 10_000
    assert s.share == pytest.approx(1e-4)
    assert s.bits == pytest.approx(13.29, abs=0.01)


def test_a_pattern_that_fits_no_plate_is_refused_with_the_reason() -> None:
    with pytest.raises(PatternError, match="fits no Korean plate shape"):
        specificity("12가34567")
    with pytest.raises(PatternError, match="start or the end"):
        specificity("12*34")


def test_the_plate_space_is_every_plate_the_grammar_allows() -> None:
    # Each format's size, and a sample of its members, agree with the grammar itself.
    assert PLATE_SPACE == 39_600_000 + 399_600_000 + 61_200_000 + 673_200_000 + 7_000_000
    for sample in ("01가0000", "99호9999", "001가1234", "999허0000", "서울1가1234", "제주99배9999"):
        assert check(sample).valid, sample
        assert specificity(sample).matching == 1, sample
    assert len(FORMATS) == 5


@given(st.sampled_from(["12가3456", "123가4567", "서울12바3456", "외교123456"]), st.data())
def test_a_pattern_matches_at_least_the_plate_it_came_from(plate: str, data: st.DataObject) -> None:
    hidden = data.draw(st.sets(st.integers(0, len(plate) - 1), max_size=len(plate) - 1))
    pattern = "".join("?" if i in hidden else ch for i, ch in enumerate(plate))
    s = specificity(pattern)
    assert s.matching >= 1
    assert s.one_in <= specificity(plate).one_in  # hiding characters never narrows it


POLICY = PatternPolicy()


def test_the_missing_person_pattern_without_a_description_is_refused_with_the_reason() -> None:
    decision = POLICY.decide("*4321", "missing_person")
    assert decision.verdict is PatternVerdict.REFUSED
    fields = [p.field for p in decision.problems]
    assert fields == ["vehicle.colour", "vehicle.type"]
    assert "1 in 10,000 plates" in decision.problems[0].reason
    assert "matches about 1 in 10,000 plates" in decision.summary


def test_with_a_description_its_hits_are_held_for_the_operator() -> None:
    decision = POLICY.decide("*4321", "missing_person", colour="흰색", vehicle_type="승용")
    assert decision.verdict is PatternVerdict.HELD
    assert decision.allowed
    assert decision.hold_hits
    assert "every hit held" in decision.summary


def test_a_category_that_does_not_allow_vague_patterns_is_refused() -> None:
    decision = POLICY.decide("*4321", "stalking", colour="검정", vehicle_type="SUV")
    assert decision.verdict is PatternVerdict.REFUSED
    [problem] = decision.problems
    assert problem.field == "category"
    assert "stalking does not allow" in problem.reason


def test_a_pattern_vaguer_than_the_floor_is_refused_whatever_comes_with_it() -> None:
    decision = POLICY.decide("12가*", "kidnapping", colour="흰색", vehicle_type="승합")
    assert decision.verdict is PatternVerdict.REFUSED
    [problem] = decision.problems
    assert problem.field == "plate"
    assert "too vague: it matches about 1 in 3,960 plates" in problem.reason
    assert "6,639 registered vehicles" in problem.reason


def test_specific_patterns_and_full_plates_pass_as_they_are() -> None:
    for plate in ("12가345?", "123가4567", "서울12바3456"):
        decision = POLICY.decide(plate, "robbery")
        assert decision.verdict is PatternVerdict.ALLOWED, plate
        assert not decision.hold_hits
    assert not POLICY.decide("123가4567", "robbery").is_pattern


def test_thresholds_are_settings_and_stay_in_order() -> None:
    from pydantic import ValidationError

    from safenet.privacy import PrivacySettings

    strict = PrivacySettings(pattern_floor_one_in=100_000).pattern_policy()
    assert strict.decide("*4321", "missing_person", colour="흰색", vehicle_type="승용").verdict is (
        PatternVerdict.REFUSED
    )
    with pytest.raises(ValidationError, match="at least pattern_floor_one_in"):
        PrivacySettings(pattern_floor_one_in=100_000, pattern_describe_below_one_in=50_000)
    with pytest.raises(ValidationError):
        PrivacySettings(pattern_floor_one_in=1_000)  # below the matcher's own floor
    with pytest.raises(ValueError, match="matcher's own floor"):
        PatternPolicy(floor_one_in=100)


def test_retrospective_hits_on_patterns_or_non_exact_levels_are_always_held() -> None:
    assert must_hold_retrospective(Level.PARTIAL, entry_is_pattern=True)
    assert must_hold_retrospective(Level.FUZZY, entry_is_pattern=False)
    assert must_hold_retrospective(Level.EQUIVALENT, entry_is_pattern=False)
    assert not must_hold_retrospective(Level.EXACT, entry_is_pattern=False)


@dataclass(frozen=True)
class Hit:
    plate: str
    score: float


def test_a_lookup_reports_at_most_the_cap_of_distinct_vehicles() -> None:
    # The issue's *4321 look-up: 8 uninvolved cars in 24 hours, one of them seen twice.
    hits = [Hit(f"{10 + i}가4321", 0.3 + i / 100) for i in range(8)] + [Hit("17가4321", 0.2)]
    capped = cap_lookup(hits, 3, lambda h: h.plate, lambda h: h.score)
    assert capped.vehicles == 8
    assert capped.exceeded
    assert capped.dropped_vehicles == 5
    assert sorted({h.plate for h in capped.kept}) == ["15가4321", "16가4321", "17가4321"]
    assert len(capped.kept) == 4  # both reads of a kept car stay
    small = cap_lookup(hits[:2], 3, lambda h: h.plate, lambda h: h.score)
    assert not small.exceeded
    assert small.kept == hits[:2]
    with pytest.raises(ValueError, match="max_vehicles"):
        cap_lookup(hits, 0, lambda h: h.plate, lambda h: h.score)
