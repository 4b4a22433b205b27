"""The hotlist index end to end: every level through the keys, alternatives, updates."""

from __future__ import annotations

import pytest

from safenet.matching import (
    DEFAULT_MIN_SCORE,
    HotlistEntry,
    HotlistIndex,
    Level,
    MatchPolicy,
)
from safenet.matching import index as index_module
from tests.matching.helpers import index_of, read


def levels(index: HotlistIndex, text: str, **kwargs: object) -> dict[str, Level]:
    found = index.match(read(text, **kwargs), min_score=0.0)  # type: ignore[arg-type]
    return {m.entry_id: m.level for m in found}


def test_build_reports_rejections_with_id_and_reason() -> None:
    index, rejections = HotlistIndex.build(
        [
            HotlistEntry("ok", "123가4567"),
            HotlistEntry("bad-plate", "12X3456"),
            HotlistEntry("bad-pattern", "*56"),
            HotlistEntry("bad-policy", "12가3456", "nosuch"),
            HotlistEntry("ok", "45나6789"),
        ],
        version=9,
    )
    assert len(index) == 1
    assert index.version == 9
    reasons = {r.entry_id: r.reason for r in rejections}
    assert set(reasons) == {"bad-plate", "bad-pattern", "bad-policy", "ok"}
    assert "'X'" in reasons["bad-plate"]
    assert "too vague" in reasons["bad-pattern"]
    assert "unknown policy 'nosuch'" in reasons["bad-policy"]
    assert "duplicate" in reasons["ok"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("123가4567", Level.EXACT),
        ("123거4567", Level.EQUIVALENT),  # vowel flip
        ("123가4587", Level.EQUIVALENT),  # digit look-alike
        ("23가4567", Level.EQUIVALENT),  # dropped class digit
        ("123가4537", Level.FUZZY),  # plain substitution
        ("123가45677", Level.FUZZY),  # insertion
        ("123가457", Level.FUZZY),  # deletion
        ("123거4587", Level.FUZZY),  # two look-alikes
        ("23거4567", Level.FUZZY),  # dropped digit + look-alike
    ],
)
def test_every_level_is_found_through_the_index(text: str, level: Level) -> None:
    assert levels(index_of("123가4567"), text) == {"e0": level}


def test_missing_region_through_the_index() -> None:
    assert levels(index_of("서울12바3456"), "12바3456") == {"e0": Level.EQUIVALENT}
    assert levels(index_of("서울12바3456"), "12버3456") == {"e0": Level.FUZZY}


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("12가34??", "12가3499"),
        ("??가3456", "77가3456"),
        ("*3456", "서울12바3456"),
        ("12가*", "12가0001"),
    ],
)
def test_every_pattern_form_through_the_index(pattern: str, text: str) -> None:
    index = index_of(pattern)
    assert levels(index, text) == {"e0": Level.PARTIAL}
    assert levels(index, "98루0000") == {}


def test_match_explains_itself() -> None:
    (m,) = index_of("12가3456").match(read("12거3456"), min_score=0.0)
    assert m.explanation == "3rd character (usage syllable) read as 거, registered 가 (look-alike)"
    assert (m.text, m.registered, m.rank, m.version) == ("12거3456", "12가3456", 0, 1)
    (m,) = index_of("123가4567").match(read("23가4567"), min_score=0.0)
    assert m.explanation == "class digit 1 missing (older readers drop it)"
    (m,) = index_of("서울12바3456").match(read("12바3456"), min_score=0.0)
    assert m.explanation == "region 서울 missing"
    (m,) = index_of("12가34??").match(read("12가3411"), min_score=0.0)
    assert m.explanation == "matches witness pattern 12가34??"
    (m,) = index_of("12가3451").match(read("12가3471"), min_score=0.0)
    assert "read as 7, registered 5" in m.explanation
    (m,) = index_of("12가3456").match(read("12가3416"), min_score=0.0)
    assert m.explanation.startswith("one character differs: 6th character")
    assert m.explanation.endswith("read as 1, registered 5 (edit)")


def test_alternatives_are_matched_too() -> None:
    index = index_of("123가4567", "45나6789")
    r = read("999가9999", 0.5, [("123가4567", 0.3), ("45너6789", 0.1)])
    found = {m.entry_id: m for m in index.match(r, min_score=0.0)}
    # The registered plate was only the OCR's second guess: a candidate, never exact.
    assert found["e0"].level is Level.EQUIVALENT
    assert found["e0"].rank == 1
    assert found["e0"].score == pytest.approx(0.3)
    assert found["e0"].explanation.startswith(
        "not the camera's top read: its alternative 1 123가4567 (confidence 0.30)"
    )
    assert found["e1"].level is Level.EQUIVALENT
    assert found["e1"].rank == 2


def test_score_uses_confidence_and_alternatives() -> None:
    index = index_of("123가4567")

    def score(r: object) -> float:
        (m,) = index.match(r, min_score=0.0)  # type: ignore[arg-type]
        return m.score

    assert score(read("123가4567", 0.9)) == pytest.approx(0.9)
    # a doubtful read makes a look-alike candidate likelier than a confident one
    assert score(read("123거4567", 0.5)) > score(read("123거4567", 0.95))
    # a cheaper look-alike scores higher than a dearer one, a plain edit far lower
    assert (
        score(read("123거4567", 0.5))
        > score(read("123가1567", 0.5))
        > score(read("123가4537", 0.5))
    )
    # the wanted plate listed as an alternative adds its probability
    assert score(read("123거4567", 0.5, [("123가4567", 0.3)])) > 0.3
    for r in (
        read("123가4567", 1.0),
        read("23가4567", 0.0),
        read("123가4567", 0.7, [("123가4567", 0.7)]),
    ):
        assert 0.0 <= score(r) <= 1.0


def test_default_threshold_and_min_score() -> None:
    index = index_of("123가4567")
    confident_lookalike = read("123거4567", 0.99)
    assert index.match(confident_lookalike) == []
    assert index.match(confident_lookalike, min_score=0.0)
    for m in index.match(read("123가4537", 0.0), min_score=0.0):
        assert m.score < DEFAULT_MIN_SCORE  # one plain edit never alerts by default


def test_policy_threshold_and_levels() -> None:
    index, _ = HotlistIndex.build(
        [HotlistEntry("s", "123가4567", "strict"), HotlistEntry("l", "45나6789", "lenient")]
    )
    assert levels(index, "123거4567") == {}
    (m,) = index.match(read("45너6789", 0.93))  # lenient reports weak candidates
    assert m.entry_id == "l"
    assert 0.01 <= m.score < DEFAULT_MIN_SCORE


def test_custom_policy() -> None:
    careful = MatchPolicy("careful", frozenset({Level.EXACT, Level.EQUIVALENT}), max_edits=0.0)
    index, rejections = HotlistIndex.build(
        [HotlistEntry("c", "123가4567", "careful")], policies=[careful]
    )
    assert not rejections
    assert levels(index, "123거4567") == {"c": Level.EQUIVALENT}
    assert levels(index, "123가4537") == {}


def test_read_text_is_normalized_and_junk_never_matches() -> None:
    index = index_of("123가4567")
    assert levels(index, "123 가 4567") == {"e0": Level.EXACT}
    assert levels(index, "１２３가４５６７") == {"e0": Level.EXACT}
    assert levels(index, "123가4567XYZ") == {}
    assert levels(index, "") == {}
    assert levels(index, "123가4567123가4567") == {}


def test_incremental_add_remove_replace() -> None:
    index = index_of("123가4567", "12가34??")
    assert index.add(HotlistEntry("n", "45나6789"), version=2) is None
    assert index.version == 2
    assert levels(index, "45나6789") == {"n": Level.EXACT}
    assert levels(index, "45너6789") == {"n": Level.EQUIVALENT}
    assert index.add(HotlistEntry("n", "11가1111")) is not None  # duplicate id

    assert index.remove("e0", version=3)
    assert not index.remove("e0")
    assert levels(index, "123가4567") == {}
    assert index.remove("e1")
    assert levels(index, "12가3411") == {}

    rejection = index.replace(HotlistEntry("n", "12X"))
    assert rejection is not None
    assert levels(index, "45나6789") == {"n": Level.EXACT}  # the old entry stays
    assert index.replace(HotlistEntry("n", "77가7777")) is None
    assert levels(index, "45나6789") == {}
    assert levels(index, "77가7777") == {"n": Level.EXACT}
    assert index.get("n") == HotlistEntry("n", "77가7777")
    assert [e.id for e in index.entries()] == ["n"]


def test_removed_entries_stay_gone_after_compaction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "DELTA_LIMIT", 3)
    index = index_of("123가4567")
    for i in range(10):
        assert index.add(HotlistEntry(f"a{i}", f"{10 + i}가1234")) is None
        if i % 2:
            assert index.remove(f"a{i}")
    assert index.remove("e0")
    index.compact()
    assert levels(index, "123가4567") == {}
    for i in range(10):
        found = levels(index, f"{10 + i}가1234")
        exact = {k for k, v in found.items() if v is Level.EXACT}
        assert exact == (set() if i % 2 else {f"a{i}"})
        assert all(int(k[1:]) % 2 == 0 for k in found)  # removed ones match at no level


def test_copy_is_independent() -> None:
    index = index_of("123가4567")
    draft = index.copy()
    draft.remove("e0")
    draft.add(HotlistEntry("x", "45나6789"))
    assert levels(index, "123가4567") == {"e0": Level.EXACT}
    assert levels(index, "45나6789") == {}
    assert levels(draft, "45나6789") == {"x": Level.EXACT}


def test_batch_keeps_read_order() -> None:
    index = index_of("123가4567", "45나6789")
    reads = [
        read("45나6789", 0.9, read_id="a"),
        read("00가0000", read_id="b"),
        read("123가4567", 0.9, read_id="c"),
    ]
    assert [(m.read_id, m.entry_id) for m in index.match_many(reads)] == [("a", "e1"), ("c", "e0")]
    assert index.match_many([]) == []
    assert HotlistIndex().match(read("123가4567")) == []


def test_exact_alternative_is_dropped_under_an_exact_only_policy() -> None:
    index, _ = HotlistIndex.build([HotlistEntry("e0", "123가4567", policy="strict")])
    r = read("999가9999", 0.5, [("123가4567", 0.45)])
    assert index.match(r, min_score=0.0) == []
    assert [m.level for m in index.match(read("123가4567", 0.5), min_score=0.0)] == [Level.EXACT]


def test_exact_on_the_top_text_names_the_top_text_when_an_alternative_repeats_it() -> None:
    index = index_of("123가4567")
    # An OCR that lists its top text again, with more confidence, in another spelling.
    r = read("123 가 4567", 0.3, [("123가4567", 0.6)])
    (m,) = index.match(r, min_score=0.0)
    assert (m.level, m.rank, m.text) == (Level.EXACT, 0, "123가4567")
    assert m.score == pytest.approx(0.9)
