"""A small hotlist change updates the matcher's index instead of rebuilding it (issue 16)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from safenet.bench.retro import entry_info
from safenet.center import hotlist as hotlist_module
from safenet.center.hotlist import Hotlist
from safenet.center.hotlist_index import build_index, updated_index
from safenet.center.types import EntryInfo
from safenet.link import HotlistDelta, HotlistEntry, HotlistSnapshot
from safenet.matching import HotlistIndex, Read
from safenet.store import migrate, open_database

NOW = datetime.now(UTC)
PLATES = ["12가3456", "34나5678", "56다7890", "123라4567", "서울12바3456", "78마1234"]
PROBES = [
    "12가3456",
    "12가3458",  # a look-alike of E0
    "34나5678",
    "56다7890",
    "99가9999",
    "123라4567",
    "서울12바3456",
    "12바3456",
    "78마1234",
    "78마1284",
]


def _matches(index: HotlistIndex) -> set[tuple[str, str, str, float]]:
    reads = [
        Read(id=str(i), camera_id="C", ts=NOW.isoformat(), plate=p, confidence=0.95)
        for i, p in enumerate(PROBES)
    ]
    return {
        (m.read_id, m.entry_id, m.level.value, round(m.score, 9))
        for m in index.match_many(reads, 0.0)
    }


def _entries() -> dict[str, EntryInfo]:
    policies = ("default", "lenient", "strict")
    return {f"E{i}": entry_info(f"E{i}", p, policy=policies[i % 3]) for i, p in enumerate(PLATES)}


def test_an_updated_index_matches_as_a_rebuilt_one() -> None:
    old = _entries()
    index, _ = build_index(old.values(), 1, NOW)
    new = dict(old)
    del new["E2"]
    new["E1"] = entry_info("E1", "99가9999", policy="lenient")  # the plate changed
    new["E9"] = entry_info("E9", "12바3456")  # added
    expired = entry_info("E8", "78마1284")
    new["E8"] = dataclasses.replace(expired, expires_at=NOW - timedelta(minutes=1))
    new["E7"] = entry_info("E7", "not a plate")  # refused, as a rebuild refuses it
    changed = ["E1", "E9", "E8", "E7"]
    update = updated_index(index, new, changed, ["E2"], 2, NOW)
    assert update is not None
    updated, refused = update
    rebuilt, rebuilt_refused = build_index(new.values(), 2, NOW)
    assert _matches(updated) == _matches(rebuilt)
    assert _matches(updated) != _matches(index)  # the change changed what matches
    assert [r.entry_id for r in refused] == [r.entry_id for r in rebuilt_refused] == ["E7"]
    assert updated.version == 2
    assert sorted(e.id for e in updated.entries()) == sorted(e.id for e in rebuilt.entries())
    assert _matches(index) == _matches(build_index(old.values(), 1, NOW)[0])  # old untouched


def test_an_entry_expired_at_the_build_and_renewed_is_matched_again() -> None:
    entries = _entries()
    lapsed = dataclasses.replace(entries["E0"], expires_at=NOW - timedelta(minutes=1))
    index, _ = build_index({**entries, "E0": lapsed}.values(), 1, NOW)
    assert "E0" not in index
    # Renewed with the same plate and policy: not a "change" to the caller, yet it must
    # match again (a wanted car missed until the next rebuild is the worst failure here).
    update = updated_index(index, entries, [], [], 2, NOW)
    assert update is not None
    assert "E0" in update[0]
    assert _matches(update[0]) == _matches(build_index(entries.values(), 2, NOW)[0])


def test_an_entry_needing_a_policy_the_index_has_not_is_left_to_a_rebuild() -> None:
    old = _entries()
    index, _ = build_index(old.values(), 1, NOW)
    # A fuzzy allowance of its own narrows the policy to one the index has no table for.
    narrowed = dataclasses.replace(
        entry_info("N", "12가3456", policy="lenient"), fuzzy_allowance=0.5
    )
    new = {**old, "N": narrowed}
    assert updated_index(index, new, ["N"], [], 2, NOW) is None


def _entry(entry_id: str, plate: str) -> HotlistEntry:
    return HotlistEntry(
        entry_id=entry_id, plate=plate, category="robbery", expires_at=NOW + timedelta(days=1)
    )


def test_a_delta_adding_an_entry_does_not_rebuild_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    migrate(db, "center")
    hotlist = Hotlist(db, "seocho")
    many = [_entry(f"E{i}", p) for i, p in enumerate(PLATES)]
    hotlist.apply(HotlistSnapshot(target="all", version=1, issued_at=NOW, entries=many))

    def no_rebuild(*args: object, **kwargs: object) -> object:
        raise AssertionError("the whole index was rebuilt for a one-entry delta")

    monkeypatch.setattr(hotlist_module, "build_index", no_rebuild)
    delta = HotlistDelta(
        target="all",
        version=2,
        base_version=1,
        issued_at=NOW,
        added=[_entry("NEW", "99가9999")],
        removed=["E0"],
    )
    outcome = hotlist.apply(delta)
    assert outcome.added == ["NEW"]
    assert hotlist.version == 2
    index = hotlist.matcher.index
    assert "NEW" in index
    assert "E0" not in index
    assert {m.entry_id for m in _matches_of(index, "99가9999")} == {"NEW"}
    assert not _matches_of(index, "12가3456")


def _matches_of(index: HotlistIndex, plate: str) -> list[object]:
    read = Read(id="r", camera_id="C", ts=NOW.isoformat(), plate=plate, confidence=0.95)
    return list(index.match(read))


def test_an_expired_entry_leaves_the_index_without_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    migrate(db, "center")
    now = [NOW]
    hotlist = Hotlist(db, "seocho", clock=lambda: now[0])
    soon = HotlistEntry(
        entry_id="SOON", plate="99가9999", category="robbery", expires_at=NOW + timedelta(hours=1)
    )
    many = [_entry(f"E{i}", p) for i, p in enumerate(PLATES)] + [soon]
    hotlist.apply(HotlistSnapshot(target="all", version=1, issued_at=NOW, entries=many))
    assert "SOON" in hotlist.matcher.index
    monkeypatch.setattr(hotlist_module, "build_index", _no_rebuild)
    now[0] = NOW + timedelta(hours=2)
    hotlist.refresh_expiry()
    assert "SOON" not in hotlist.matcher.index
    assert "E0" in hotlist.matcher.index
    assert hotlist.version == 1


def _no_rebuild(*args: object, **kwargs: object) -> object:
    raise AssertionError("the whole index was rebuilt")
