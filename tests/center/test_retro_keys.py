"""Every read the matcher matches to an entry shares a match key with it (issue 16)."""

from __future__ import annotations

import random

from safenet.center.retro_keys import entry_keys, read_keys
from safenet.matching import POLICIES, HotlistEntry, compare, compile_entry
from safenet.matching.compiled import CompiledEntry

PLATES = ["12가3456", "123나4567", "서울12가3456", "34다5678"]
CHARS = "0123456789가나다라마"


def _misreads(plate: str, rng: random.Random) -> list[str]:
    out = []
    for _ in range(40):
        t = list(plate)
        for _ in range(rng.randint(0, 2)):
            t[rng.randrange(len(t))] = rng.choice(CHARS)
        out.append("".join(t))
    out.append(plate[1:])
    out.append(plate[:3] + plate[4:])
    out.append(plate[:2] + "7" + plate[2:])
    return out


def test_keys_find_everything_the_matcher_matches() -> None:
    rng = random.Random(16)
    matched = 0
    for plate in PLATES:
        entry = compile_entry(HotlistEntry("e", plate), POLICIES)
        assert isinstance(entry, CompiledEntry)
        keys = entry_keys(entry)
        assert keys is not None
        for text in _misreads(entry.text, rng):
            if compare(text, entry) is not None:
                matched += 1
                assert keys & read_keys(["00가0000", text]), text
    assert matched > 20


def test_unrelated_plate_shares_no_key() -> None:
    entry = compile_entry(HotlistEntry("e", "12가3456"), POLICIES)
    assert isinstance(entry, CompiledEntry)
    keys = entry_keys(entry)
    assert keys is not None
    assert not keys & read_keys(["98마7012"])
