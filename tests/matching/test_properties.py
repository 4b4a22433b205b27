"""Properties of the matcher, checked by hypothesis against a brute-force oracle."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safenet.matching import (
    POLICIES,
    HotlistEntry,
    HotlistIndex,
    Level,
    Read,
    compare,
    compile_entry,
)
from safenet.matching.compiled import CompiledEntry
from safenet.plates import PlateError, lookalikes_of, normalize
from tests.matching.helpers import read
from tests.matching.strategies import confidences, plates

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def misreads(draw: st.DrawFn, plate: str) -> str:
    """``plate`` as a reader may get it: right, or with one or two slips."""
    how = draw(st.sampled_from(["same", "lookalike", "two", "drop", "sub", "ins", "del"]))
    chars = list(plate)
    swappable = [i for i, ch in enumerate(chars) if lookalikes_of(ch)]
    if how in ("lookalike", "two") and swappable:
        for i in draw(st.lists(st.sampled_from(swappable), min_size=1, max_size=2, unique=True)):
            chars[i] = draw(st.sampled_from(lookalikes_of(chars[i]))).other(chars[i])
    elif how == "drop":
        chars = chars[draw(st.integers(1, 2)) :]
    elif how == "sub":
        chars[draw(st.integers(0, len(chars) - 1))] = draw(st.sampled_from("0123456789가나"))
    elif how == "ins":
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from("0123456789")))
    elif how == "del":
        del chars[draw(st.integers(0, len(chars) - 1))]
    return "".join(chars)


@st.composite
def scenes(draw: st.DrawFn) -> tuple[list[str], list[Read]]:
    """A small hotlist and reads of its plates (misread or not) and of other plates."""
    hotlist = draw(st.lists(plates, min_size=1, max_size=12, unique=True))
    reads: list[Read] = []
    for i in range(draw(st.integers(1, 12))):
        truth = draw(st.sampled_from(hotlist)) if draw(st.booleans()) else draw(plates)
        alternatives = [
            (draw(misreads(truth)), draw(st.floats(0.0, 0.3)))
            for _ in range(draw(st.integers(0, 2)))
        ]
        reads.append(read(draw(misreads(truth)), draw(confidences), alternatives, f"r{i}"))
    return hotlist, reads


def _oracle(entries: list[CompiledEntry], reads: list[Read]) -> dict[tuple[str, str], Level]:
    """Every (read, entry) pair the rule accepts, with its best level, by brute force."""
    found: dict[tuple[str, str], Level] = {}
    for r in reads:
        try:
            top: str | None = normalize(r.plate)
        except PlateError:
            top = None
        for raw in [r.plate, *(a.plate for a in r.alternatives)]:
            try:
                text = normalize(raw)
            except PlateError:
                continue
            for entry in entries:
                result = compare(text, entry)
                if result is None:
                    continue
                level = result.level
                # Only the camera's top text can be exact; an exact alternative is a
                # candidate (where the policy allows candidates at all).
                if level is Level.EXACT and text != top:
                    if not entry.policy.allows(Level.EQUIVALENT):
                        continue
                    level = Level.EQUIVALENT
                key = (r.id, entry.id)
                if key not in found or level.rank < found[key].rank:
                    found[key] = level
    return found


def _compiled(plates_: list[str]) -> list[CompiledEntry]:
    out = []
    for i, p in enumerate(plates_):
        c = compile_entry(HotlistEntry(f"e{i}", p), POLICIES)
        assert isinstance(c, CompiledEntry)
        out.append(c)
    return out


@_SETTINGS
@given(scenes())
def test_index_finds_exactly_what_the_rule_accepts(scene: tuple[list[str], list[Read]]) -> None:
    hotlist, reads = scene
    index, rejections = HotlistIndex.build(
        [HotlistEntry(f"e{i}", p) for i, p in enumerate(hotlist)]
    )
    assert not rejections
    got = {(m.read_id, m.entry_id): m.level for m in index.match_many(reads, min_score=0.0)}
    assert got == _oracle(_compiled(hotlist), reads)


@_SETTINGS
@given(st.lists(plates, min_size=1, max_size=20, unique=True), st.data())
def test_a_plate_matches_itself_exactly_and_no_other_exactly(
    hotlist: list[str], data: st.DataObject
) -> None:
    index, _ = HotlistIndex.build([HotlistEntry(f"e{i}", p) for i, p in enumerate(hotlist)])
    k = data.draw(st.integers(0, len(hotlist) - 1))
    confidence = data.draw(confidences)
    found = index.match(read(hotlist[k], confidence), min_score=0.0)
    exact = [m for m in found if m.level is Level.EXACT]
    assert [m.entry_id for m in exact] == [f"e{k}"]
    assert exact[0].rank == 0
    assert exact[0].score == confidence


@_SETTINGS
@given(scenes())
def test_exact_means_identical_texts_and_scores_are_probabilities(
    scene: tuple[list[str], list[Read]],
) -> None:
    hotlist, reads = scene
    index, _ = HotlistIndex.build([HotlistEntry(f"e{i}", p) for i, p in enumerate(hotlist)])
    for m in index.match_many(reads, min_score=0.0):
        assert 0.0 <= m.score <= 1.0
        if m.level is Level.EXACT:
            assert m.text == m.registered
            assert m.rank == 0
        else:
            # A candidate differs from the plate, or only an OCR alternative equals it.
            assert m.text != m.registered or m.rank > 0


@_SETTINGS
@given(
    st.lists(plates, min_size=2, max_size=12, unique=True),
    st.lists(st.tuples(st.booleans(), st.integers(0, 11)), max_size=20),
)
def test_updates_agree_with_a_fresh_build(
    hotlist: list[str], steps: list[tuple[bool, int]]
) -> None:
    index, _ = HotlistIndex.build([])
    live: dict[str, str] = {}
    for add, k in steps:
        k %= len(hotlist)
        entry_id = f"e{k}"
        if add:
            index.replace(HotlistEntry(entry_id, hotlist[k]))
            live[entry_id] = hotlist[k]
        else:
            index.remove(entry_id)
            live.pop(entry_id, None)
    fresh, _ = HotlistIndex.build([HotlistEntry(i, p) for i, p in live.items()])
    reads = [read(p, 0.5, read_id=f"r{j}") for j, p in enumerate(hotlist)]
    reads += [read(p[1:], 0.5, read_id=f"d{j}") for j, p in enumerate(hotlist)]

    def pairs(ix: HotlistIndex) -> set[tuple[str, str, Level]]:
        return {(m.read_id, m.entry_id, m.level) for m in ix.match_many(reads, min_score=0.0)}

    assert pairs(index) == pairs(fresh)
    assert all(entry_id in live for _, entry_id, _ in pairs(index))
