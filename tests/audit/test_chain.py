"""The audit chain detects any change, removal, insertion or reordering."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safenet.audit import (
    AuditRecord,
    ChainBuilder,
    SigningKey,
    sign_checkpoint,
    verify_chain,
    verify_checkpoint,
)

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _chain(n: int) -> list[AuditRecord]:
    b = ChainBuilder()
    return [
        b.append("officer:kim", "wanted.approve", f"entry:{i}", {"case": f"2026-{i:04d}"}, T0)
        for i in range(n)
    ]


def test_intact_chain_verifies() -> None:
    verdict = verify_chain(_chain(5))
    assert verdict.ok
    assert verdict.checked == 5
    assert verdict.head_seq == 5


def test_changed_detail_is_found_with_its_sequence_number() -> None:
    records = _chain(5)
    records[2] = dataclasses.replace(records[2], details={"case": "2026-9999"})
    verdict = verify_chain(records)
    assert not verdict.ok
    assert verdict.first_bad_seq == 3
    assert "changed" in (verdict.reason or "")


def test_removed_record_is_found() -> None:
    records = _chain(5)
    del records[1]
    verdict = verify_chain(records)
    assert not verdict.ok
    assert verdict.first_bad_seq == 3
    assert "missing or reordered" in (verdict.reason or "")


def test_rehashed_forgery_breaks_the_link() -> None:
    # A forger who recomputes the changed record's own hash still breaks the next link.
    records = _chain(4)
    b = ChainBuilder(last_seq=1, last_hash=records[0].hash)
    forged = b.append("officer:lee", "wanted.approve", "entry:1", {"case": "forged"}, T0)
    records[1] = forged
    verdict = verify_chain(records)
    assert not verdict.ok
    assert verdict.first_bad_seq == 3


def test_empty_actor_is_refused() -> None:
    with pytest.raises(ValueError, match="actor"):
        ChainBuilder().append(" ", "x", "y")


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        ChainBuilder().append("a", "b", "c", ts=datetime(2026, 1, 1))


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1).filter(str.strip),
            st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=3),
        ),
        min_size=1,
        max_size=12,
    ),
    st.data(),
)
def test_any_single_tamper_is_detected(
    entries: list[tuple[str, dict[str, object]]], data: st.DataObject
) -> None:
    b = ChainBuilder()
    records = [
        b.append(actor, "act", "subj", details, T0 + timedelta(seconds=i))
        for i, (actor, details) in enumerate(entries)
    ]
    assert verify_chain(records).ok
    i = data.draw(st.integers(0, len(records) - 1))
    records[i] = dataclasses.replace(records[i], actor=records[i].actor + "x")
    verdict = verify_chain(records)
    assert not verdict.ok
    assert verdict.first_bad_seq == i + 1


def test_checkpoint_signature_round_trip(tmp_path: Path) -> None:
    key = SigningKey.load_or_create(tmp_path / "audit.key")
    assert (tmp_path / "audit.key").stat().st_mode & 0o777 == 0o600
    records = _chain(3)
    cp = sign_checkpoint(key, "seocho", records[-1].seq, records[-1].hash)
    assert verify_checkpoint(cp, trusted_public_key=key.public_key_b64)
    # The same key file gives the same signer.
    again = SigningKey.load_or_create(tmp_path / "audit.key")
    assert again.public_key_b64 == key.public_key_b64


def test_checkpoint_detects_changed_head_and_foreign_key() -> None:
    key = SigningKey.generate()
    cp = sign_checkpoint(key, "seocho", 3, "a" * 64)
    assert not verify_checkpoint(dataclasses.replace(cp, head_hash="b" * 64))
    assert not verify_checkpoint(dataclasses.replace(cp, seq=4))
    other = SigningKey.generate()
    assert not verify_checkpoint(cp, trusted_public_key=other.public_key_b64)
