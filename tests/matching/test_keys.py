"""Texts as keys: the vector hashes agree with the plain ones, and odd texts are caught."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from safenet.matching.keys import (
    TAG_TARGET,
    WIDTH,
    encode_canonical,
    encode_reads,
    mix,
    text_hash,
)
from safenet.plates import lookalikes_of
from tests.matching.strategies import plates


@settings(max_examples=100, deadline=None)
@given(plates)
def test_derived_keys_equal_the_keys_of_the_changed_texts(plate: str) -> None:
    enc = encode_canonical([plate])
    assert int(enc.h[0]) == text_hash(plate)
    hashes, _ = enc.deletion_hashes()
    assert sorted(int(h) for h in hashes) == sorted(
        text_hash(plate[:i] + plate[i + 1 :]) for i in range(len(plate))
    )
    keys, rows, positions = enc.lookalike_keys()
    expected = [
        text_hash(plate[:i] + pair.other(ch) + plate[i + 1 :])
        for i, ch in enumerate(plate)
        for pair in lookalikes_of(ch)
    ]
    assert sorted(keys.tolist()) == sorted(
        mix(np.array(expected, dtype=np.uint64), TAG_TARGET).tolist()
    )
    assert len(rows) == len(positions) == len(expected)
    assert int(enc.dropped_keys(1)[0]) == int(encode_canonical([plate[1:]]).target_keys()[0])


def test_read_texts_are_normalized_or_set_aside() -> None:
    texts = [
        "123가4567",
        "123 가-4567",
        "１２가３４５６",
        "12X3456",
        "",
        "1" * (WIDTH + 1),
        "12가\x003456",
    ]
    enc, normalized, usable = encode_reads(texts)
    assert normalized[:3] == ["123가4567", "123가4567", "12가3456"]
    assert usable.tolist() == [True, True, True, False, False, False, False]
    assert enc.lengths.tolist()[:3] == [8, 8, 7]
    assert int(enc.h[1]) == text_hash("123가4567")
