"""Every read the real matcher matches to an entry shares a match key with it (issue 16).

The property: for any entry (plain, regional, with a 3-digit class, diplomatic; every
policy) and any read made from its plate by up to three misreads (substitutions by
any plate character, insertions, deletions, a dropped class digit, a lost region,
with OCR alternatives), if :meth:`HotlistIndex.match_many` reports a match at any
score then the read's stored keys and the entry's look-up keys meet.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from safenet.center.retro_keys import (
    MIN_KEYED_LENGTH,
    PAIRS,
    entry_keys,
    keyable,
    read_keys,
    split,
    text_keys,
)
from safenet.matching import POLICIES, Alternative, HotlistEntry, HotlistIndex, Read, compile_entry
from safenet.matching.compiled import CompiledEntry
from safenet.plates import DIPLOMATIC_PREFIXES, PLATE_CHARS, REGIONS

CHARS = sorted(PLATE_CHARS)
USAGE = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호"

plates = st.one_of(
    st.builds(
        lambda cls, syl, serial: f"{cls}{syl}{serial}",
        st.from_regex(r"[1-9][0-9]{1,2}", fullmatch=True),
        st.sampled_from(USAGE),
        st.from_regex(r"[0-9]{4}", fullmatch=True),
    ),
    st.builds(
        lambda region, cls, syl, serial: f"{region}{cls}{syl}{serial}",
        st.sampled_from(REGIONS),
        st.from_regex(r"[1-9][0-9]", fullmatch=True),
        st.sampled_from("바사아자"),
        st.from_regex(r"[0-9]{4}", fullmatch=True),
    ),
    st.builds(
        lambda prefix, digits: f"{prefix}{digits}",
        st.sampled_from(DIPLOMATIC_PREFIXES),
        st.from_regex(r"[0-9]{6}", fullmatch=True),
    ),
)

ops = st.lists(
    st.tuples(
        st.sampled_from(["sub", "ins", "del", "drop1", "drop2"]),
        st.integers(0, 20),
        st.sampled_from(CHARS),
    ),
    max_size=3,
)


def _mutate(text: str, steps: list[tuple[str, int, str]]) -> str:
    for kind, at, ch in steps:
        i = at % (len(text) + 1)
        if kind == "sub" and i < len(text):
            text = text[:i] + ch + text[i + 1 :]
        elif kind == "ins":
            text = text[:i] + ch + text[i:]
        elif kind == "del" and i < len(text):
            text = text[:i] + text[i + 1 :]
        elif kind == "drop1":
            text = text[1:]
        elif kind == "drop2":
            text = text[2:]
    return text


def _compiled(plate: str, policy: str) -> CompiledEntry:
    entry = compile_entry(HotlistEntry("e", plate, policy=policy), POLICIES)
    assert isinstance(entry, CompiledEntry), entry
    return entry


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    plate=plates,
    policy=st.sampled_from(sorted(POLICIES)),
    top=ops,
    alternatives=st.lists(ops, max_size=2),
)
@example(plate="12가3456", policy="default", top=[("ins", 7, "9")], alternatives=[])
@example(plate="12가3456", policy="default", top=[("del", 2, "0")], alternatives=[])
@example(plate="12가3456", policy="default", top=[("ins", 5, "나")], alternatives=[])
@example(plate="서울12바3456", policy="default", top=[("sub", 4, "1")], alternatives=[])
@example(
    plate="123가4567", policy="default", top=[("drop1", 0, "0"), ("sub", 7, "8")], alternatives=[]
)
def test_the_keys_find_every_read_the_matcher_accepts(
    plate: str,
    policy: str,
    top: list[tuple[str, int, str]],
    alternatives: list[list[tuple[str, int, str]]],
) -> None:
    compiled = compile_entry(HotlistEntry("e", plate, policy=policy), POLICIES)
    assume(isinstance(compiled, CompiledEntry))
    assert isinstance(compiled, CompiledEntry)
    entry = compiled
    texts = [_mutate(entry.text, top)] + [_mutate(entry.text, alt) for alt in alternatives]
    index, _ = HotlistIndex.build([entry.entry])
    read = Read(
        id="r",
        camera_id="c",
        ts=0.0,
        plate=texts[0],
        confidence=0.6,
        alternatives=[Alternative(t, 0.15) for t in texts[1:]],
    )
    if not index.match_many([read], 0):
        return
    keys = entry_keys(entry)
    assert keys is not None
    assert keys & read_keys(texts), (entry.text, texts)


def test_the_matcher_accepts_many_misreads_that_the_keys_then_find() -> None:
    """A sanity check of the property's reach: many generated misreads do match."""
    rng = random.Random(16)
    matched = 0
    for plate in ["12가3456", "123나4567", "서울12바3456", "외교123456"]:
        entry = _compiled(plate, "lenient")
        index, _ = HotlistIndex.build([entry.entry])
        keys = entry_keys(entry)
        assert keys is not None
        for _ in range(300):
            steps = [
                (rng.choice(["sub", "ins", "del"]), rng.randrange(12), rng.choice(CHARS))
                for _ in range(rng.randint(1, 2))
            ]
            text = _mutate(entry.text, steps)
            if index.match_many(
                [Read(id="r", camera_id="c", ts=0.0, plate=text, confidence=0.5)], 0
            ):
                matched += 1
                assert keys & read_keys([text]), (plate, text)
    assert matched > 200


def test_a_plate_splits_at_its_syllable() -> None:
    assert split("12가3456") == ("12", "가", "34", "56")
    assert split("123가4567") == ("123", "가", "45", "67")
    assert split("서울12바3456") == ("서울12", "바", "34", "56")


def test_a_read_text_has_six_keys_and_an_unrelated_plate_shares_none() -> None:
    assert len(text_keys("12가3456")) == len(PAIRS) == 6
    assert len(read_keys(["12가3456", "12가3456"])) == 6
    entry = _compiled("12가3456", "default")
    keys = entry_keys(entry)
    assert keys is not None
    assert not keys & read_keys(["98마7012"])
    assert all(0 <= k < 2**63 for k in keys)


def test_an_entry_brings_a_bounded_number_of_keys() -> None:
    for plate in ["12가3456", "123가4567", "서울12바3456"]:
        keys = entry_keys(_compiled(plate, "lenient"))
        assert keys is not None
        assert len(keys) <= 12 * len(plate)
    strict = entry_keys(_compiled("12가3456", "strict"))
    assert strict == text_keys("12가3456")


def test_what_cannot_be_keyed_has_no_keys() -> None:
    # A witness pattern needs the scan; unreadable or too short texts never match a plate.
    assert entry_keys(_compiled("12가34??", "default")) is None
    assert keyable("12x3456") is None
    assert keyable("1" * 11) is None
    assert keyable("2가345") is None
    assert MIN_KEYED_LENGTH == 6
    assert read_keys(["12x3456", "2가345"]) == set()
    assert keyable("12 가 3456") == "12가3456"
