"""The matching rule on plain strings: every level, every look-alike pair, the limits."""

from __future__ import annotations

import pytest

from safenet.matching import POLICIES, HotlistEntry, Level, compare, compile_entry
from safenet.matching.compare import StepKind
from safenet.matching.compiled import CompiledEntry
from safenet.plates import LOOKALIKES, Lookalike, LookalikeKind


def compiled(plate: str, policy: str = "default") -> CompiledEntry:
    result = compile_entry(HotlistEntry("e", plate, policy), POLICIES)
    assert isinstance(result, CompiledEntry), result
    return result


def plate_with(ch: str) -> tuple[str, int]:
    """A valid plate holding ``ch`` (a digit or usage syllable), and where it sits."""
    if ch.isdigit():
        return f"123가45{ch}7", 6
    return f"123{ch}4567", 3


def test_exact() -> None:
    result = compare("123가4567", compiled("123가4567"))
    assert result is not None
    assert result.level is Level.EXACT
    assert result.cost == 0.0


@pytest.mark.parametrize("pair", LOOKALIKES, ids=str)
def test_every_lookalike_pair_is_equivalent_both_ways(pair: Lookalike) -> None:
    for registered, seen in ((pair.a, pair.b), (pair.b, pair.a)):
        plate, at = plate_with(registered)
        text = plate[:at] + seen + plate[at + 1 :]
        result = compare(text, compiled(plate))
        assert result is not None, (plate, text)
        assert result.level is Level.EQUIVALENT
        assert result.cost == pytest.approx(pair.cost)
        (step,) = result.steps
        assert step.kind is StepKind.LOOKALIKE
        assert (step.read, step.registered, step.position) == (seen, registered, at)


def test_lookalike_kinds_are_all_covered() -> None:
    assert {p.kind for p in LOOKALIKES} == set(LookalikeKind)


def test_dropped_class_digit_is_equivalent() -> None:
    result = compare("23가4567", compiled("123가4567"))
    assert result is not None
    assert result.level is Level.EQUIVALENT
    assert result.steps[0].kind is StepKind.DROPPED_DIGIT
    assert result.steps[0].registered == "1"


def test_missing_region_is_equivalent() -> None:
    result = compare("12바3456", compiled("서울12바3456"))
    assert result is not None
    assert result.level is Level.EQUIVALENT
    assert result.steps[0].kind is StepKind.NO_REGION
    assert result.steps[0].registered == "서울"


def test_two_digit_class_has_no_dropped_digit() -> None:
    result = compare("2가3456", compiled("12가3456"))
    assert result is not None
    assert result.level is Level.FUZZY  # a plain deletion, not the known misread


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("123가4537", StepKind.SUBSTITUTION),  # 6 read as 3: no look-alike pair
        ("123가45670", StepKind.INSERTED),
        ("123가457", StepKind.DELETED),
    ],
)
def test_one_plain_edit_is_fuzzy(text: str, kind: StepKind) -> None:
    result = compare(text, compiled("123가4567"))
    assert result is not None
    assert result.level is Level.FUZZY
    assert result.cost == pytest.approx(1.0)
    assert result.steps[0].kind is kind


def test_two_lookalikes_are_fuzzy_within_the_allowance() -> None:
    result = compare("123거4587", compiled("123가4567"))  # 가/거 0.3 + 6/8 0.35
    assert result is not None
    assert result.level is Level.FUZZY
    assert result.cost == pytest.approx(0.65)
    assert {s.kind for s in result.steps} == {StepKind.LOOKALIKE}


def test_dropped_digit_and_lookalike_combine() -> None:
    result = compare("23거4567", compiled("123가4567"))
    assert result is not None
    assert result.level is Level.FUZZY
    assert [s.kind for s in result.steps] == [StepKind.DROPPED_DIGIT, StepKind.LOOKALIKE]


@pytest.mark.parametrize(
    "text",
    [
        "123거4537",  # look-alike 0.3 + plain 1.0 > 1
        "123가4512",  # two plain edits
        "23가4537",  # dropped digit + plain edit
        "123가45",  # two deletions
    ],
)
def test_beyond_the_allowance_never_matches(text: str) -> None:
    assert compare(text, compiled("123가4567")) is None


def test_three_lookalikes_never_match() -> None:
    assert compare("123거4588", compiled("123가4567")) is None


def test_strict_policy_is_exact_only() -> None:
    entry = compiled("123가4567", "strict")
    assert compare("123가4567", entry) is not None
    assert compare("123거4567", entry) is None
    assert compare("23가4567", entry) is None
    assert compare("123가4537", entry) is None


def test_pattern_entry_is_partial_only() -> None:
    entry = compiled("12가34??")
    result = compare("12가3499", entry)
    assert result is not None
    assert result.level is Level.PARTIAL
    assert compare("12거3499", entry) is None
