"""The matcher holder: atomic swaps and copy-on-write changes while reads flow."""

from __future__ import annotations

import threading

from safenet.matching import HotlistEntry, HotlistIndex, Level, Matcher
from tests.matching.helpers import index_of, read


def test_swap_changes_the_version_reads_see() -> None:
    matcher = Matcher(index_of("123가4567", version=1))
    (m,) = matcher.match(read("123가4567", 0.9))
    assert m.version == 1
    old = matcher.swap(index_of("45나6789", version=2))
    assert old.version == 1
    assert matcher.version == 2
    assert matcher.match(read("123가4567", 0.9)) == []
    (m,) = matcher.match_many([read("45나6789", 0.9)])
    assert (m.entry_id, m.version) == ("e0", 2)


def test_apply_changes_a_copy_then_swaps_it_in() -> None:
    matcher = Matcher(index_of("123가4567"))
    before = matcher.index
    rejection = matcher.apply(lambda ix: ix.add(HotlistEntry("n", "45나6789"), version=5))
    assert rejection is None
    assert matcher.version == 5
    assert "n" not in before  # readers holding the old index never saw a half change
    assert "n" in matcher.index
    assert matcher.apply(lambda ix: ix.remove("e0"))
    assert matcher.match(read("123가4567", 0.9)) == []


def test_reads_flow_while_the_hotlist_changes() -> None:
    versions = [index_of("123가4567", version=v) for v in range(1, 6)]
    matcher = Matcher(versions[0])
    seen: list[tuple[int, Level]] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            for m in matcher.match_many([read("123가4567", 0.9)] * 50):
                seen.append((m.version, m.level))

    thread = threading.Thread(target=reader)
    thread.start()
    for index in versions[1:]:
        matcher.swap(index)
    for i in range(20):
        entry = HotlistEntry(f"x{i}", f"{10 + i}가0000")

        def change(ix: HotlistIndex, entry: HotlistEntry = entry) -> None:
            ix.add(entry)

        matcher.apply(change)
    stop.set()
    thread.join()
    assert seen
    assert {level for _, level in seen} == {Level.EXACT}
    assert {v for v, _ in seen} <= {1, 2, 3, 4, 5}


def test_empty_matcher() -> None:
    matcher = Matcher()
    assert matcher.version == 0
    assert matcher.match(read("123가4567")) == []
    assert isinstance(matcher.index, HotlistIndex)
