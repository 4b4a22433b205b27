"""The matcher's explanations as a structure (issue 18): factor codes, positions, characters.

The consoles word the structure from their catalogue; the English sentence of logs and
``safenet match`` is made from the same structure. Each difference names a known
factor code, a position inside the read plate, and the characters that differ.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safenet.matching import HotlistEntry
from safenet.matching.compare import StepKind, compare
from safenet.matching.compiled import CompiledEntry, compile_entry
from safenet.matching.explain import DIFFERENCES, KINDS, derive, structure
from safenet.matching.policy import POLICIES
from safenet.matching.types import Level
from safenet.plates import PART_CODES, lookalikes_of
from tests.matching.helpers import index_of, read
from tests.matching.strategies import plates

DIGITS = "0123456789"


def compiled(plate: str) -> CompiledEntry:
    entry = compile_entry(HotlistEntry("e", plate, "default"), POLICIES)
    assert isinstance(entry, CompiledEntry)
    return entry


@st.composite
def misreads(draw: st.DrawFn) -> tuple[str, str]:
    """A plate and a read of it with one or two characters changed, dropped or added."""
    plate = draw(plates)
    chars = list(plate)
    how = draw(st.sampled_from(["swap", "two", "insert", "delete", "lookalike"]))
    if how == "insert":
        i = draw(st.integers(0, len(chars)))
        chars.insert(i, draw(st.sampled_from(DIGITS)))
    elif how == "delete":
        del chars[draw(st.integers(0, len(chars) - 1))]
    elif how == "lookalike":
        i = draw(st.integers(0, len(chars) - 1))
        others = sorted({p.b if p.a == chars[i] else p.a for p in lookalikes_of(chars[i])})
        if others:
            chars[i] = draw(st.sampled_from(others))
    else:
        for _ in range(2 if how == "two" else 1):
            i = draw(st.integers(0, len(chars) - 1))
            if chars[i] in DIGITS:
                chars[i] = draw(st.sampled_from(DIGITS))
    return plate, "".join(chars)


@settings(max_examples=300, deadline=None)
@given(misreads())
def test_every_difference_has_a_code_a_position_in_the_plate_and_the_chars_that_differ(
    case: tuple[str, str],
) -> None:
    plate, text = case
    comparison = compare(text, compiled(plate))
    if comparison is None:
        return
    why = structure(comparison, text, plate, 0, 0.8)
    assert why.kind in KINDS
    assert why.as_dict()["kind"] == why.kind
    if comparison.level is Level.EXACT:
        assert why.kind == "exact"
        assert why.differences == ()
        return
    assert why.kind == "misread"
    assert len(why.differences) == len(comparison.steps) >= 1
    for d in why.differences:
        assert d.factor in DIFFERENCES
        assert d.read_char != d.registered_char
        if d.factor in ("dropped_digit", "no_region"):
            assert d.position is None
            assert plate.startswith(d.registered_char)
            continue
        assert d.position is not None
        assert 0 <= d.position <= len(text)
        assert d.part is None or d.part in PART_CODES
        if d.factor in ("lookalike", "substitution", "inserted"):
            assert text[d.position] == d.read_char
        if d.factor in ("lookalike", "substitution", "deleted"):
            assert d.registered_char in plate
        if d.factor == "inserted":
            assert d.registered_char == ""
        if d.factor == "deleted":
            assert d.read_char == ""
    # Derived again from the stored texts alone, it says the same.
    assert derive(text, plate, comparison.level, 0, 0.8) == why


def test_every_step_kind_has_a_code() -> None:
    assert sorted(DIFFERENCES) == sorted(k.value.replace("-", "_") for k in StepKind)


def test_the_sentence_is_made_from_the_structure() -> None:
    (m,) = index_of("12가3456").match(read("12거3456"), min_score=0.0)
    comparison = compare("12거3456", compiled("12가3456"))
    assert comparison is not None
    why = structure(comparison, m.text, m.registered, m.rank, 0.6)
    assert why.sentence() == m.explanation
    (d,) = why.differences
    assert d.as_dict() == {
        "factor": "lookalike",
        "position": 2,
        "part": "usage",
        "digit": None,
        "read_char": "거",
        "registered_char": "가",
    }


def test_a_serial_digit_is_named_by_its_part_and_digit() -> None:
    why = derive("12가3416", "12가3456", Level.FUZZY)
    (d,) = why.differences
    assert (d.factor, d.position, d.part, d.digit) == ("substitution", 5, "serial", 3)
    assert (d.read_char, d.registered_char) == ("1", "5")


def test_dropped_digit_lost_region_pattern_and_alternative() -> None:
    (d,) = derive("23가4567", "123가4567", Level.EQUIVALENT).differences
    assert (d.factor, d.registered_char, d.position) == ("dropped_digit", "1", None)
    (d,) = derive("12바3456", "서울12바3456", Level.EQUIVALENT).differences
    assert (d.factor, d.registered_char) == ("no_region", "서울")
    pattern = derive("12가3411", "12가34??", Level.PARTIAL)
    assert (pattern.kind, pattern.differences) == ("pattern", ())
    alt = derive("123가4567", "123가4567", Level.EXACT, 1, 0.3, Level.EQUIVALENT)
    assert alt.kind == "exact_alternative"
    assert alt.sentence().startswith("not the camera's top read: its alternative 1 123가4567")
    assert derive("123가4567", "123가4567", Level.EXACT).kind == "exact"


def test_an_alternatives_misread_says_which_alternative() -> None:
    why = derive("45너6789", "45나6789", Level.EQUIVALENT, 2, 0.1)
    assert why.as_dict()["rank"] == 2
    assert why.sentence().startswith("OCR alternative 2 45너6789 (confidence 0.10): ")
