"""Property: for random logs, every kind of tampering is caught by the anchored verify.

Each example builds a random log, checkpoints it at random places and at its head (as
the checkpoint loop would within ``checkpoint_every_minutes``), hands every signed head
to the other side, then applies one tampering. Verification with the trusted key from
outside and the witnessed heads must fail; the untouched log must pass.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from safenet.audit import (
    AuditRecord,
    ChainBuilder,
    Checkpoint,
    SigningKey,
    WitnessedHead,
    sign_checkpoint,
    verify_log,
)

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
KEY = SigningKey.generate()
ATTACKER = SigningKey.generate()
SITE = "seocho"

TAMPERS = (
    "byte",
    "delete_middle",
    "delete_tail",
    "insert",
    "reorder",
    "truncate",
    "truncate_all",
    "delete_checkpoints",
    "rechain_other_key",
    "restore_older_copy",
)


@dataclasses.dataclass
class Log:
    records: list[AuditRecord]
    checkpoints: list[Checkpoint]
    witnessed: list[WitnessedHead]


def build(entries: list[tuple[str, dict[str, Any]]], marks: set[int], key: SigningKey) -> Log:
    b = ChainBuilder()
    records: list[AuditRecord] = []
    checkpoints: list[Checkpoint] = []
    for i, (actor, details) in enumerate(entries):
        rec = b.append(actor, "wanted.approve", f"entry:{i}", details, T0 + timedelta(seconds=i))
        records.append(rec)
        if i in marks or i == len(entries) - 1:
            checkpoints.append(sign_checkpoint(key, SITE, rec.seq, rec.hash, T0))
    witnessed = [
        WitnessedHead(SITE, "checkpoint", c.seq, c.head_hash, c.ts, c.signature, c.public_key)
        for c in checkpoints
    ]
    return Log(records, checkpoints, witnessed)


def verify(log: Log, witnessed: list[WitnessedHead]) -> bool:
    verdict = verify_log(
        log.records,
        log.checkpoints,
        [],
        witnessed,
        site=SITE,
        trusted_keys=[KEY.public_key_b64],
        now=T0 + timedelta(minutes=5),
        max_uncovered=timedelta(hours=1),
    )
    return verdict.ok


def flip_one_character(text: str, at: int) -> str:
    i = at % len(text)
    replacement = "x" if text[i] != "x" else "y"
    return text[:i] + replacement + text[i + 1 :]


def tamper(log: Log, kind: str, data: st.DataObject) -> Log:
    recs = list(log.records)
    n = len(recs)
    pick = data.draw(st.integers(0, n - 1), label="record")
    if kind == "byte":
        name = data.draw(st.sampled_from(["ts", "actor", "action", "subject", "prev_hash", "hash"]))
        at = data.draw(st.integers(0, 200))
        recs[pick] = dataclasses.replace(
            recs[pick], **{name: flip_one_character(getattr(recs[pick], name), at)}
        )
        return Log(recs, log.checkpoints, log.witnessed)
    if kind == "delete_middle":
        del recs[pick]
        return Log(recs, log.checkpoints, log.witnessed)
    if kind == "delete_tail":
        keep = data.draw(st.integers(0, n - 1), label="keep")
        return Log(recs[:keep], log.checkpoints, log.witnessed)
    if kind == "insert":
        b = ChainBuilder(recs[pick].seq - 1, recs[pick].prev_hash)
        forged = b.append("officer:lee", "wanted.cancel", "entry:x", {"forged": True}, T0)
        recs.insert(pick, forged)
        return Log(recs, log.checkpoints, log.witnessed)
    if kind == "reorder":
        other = data.draw(st.integers(0, n - 1).filter(lambda j: j != pick), label="other")
        recs[pick], recs[other] = recs[other], recs[pick]
        return Log(recs, log.checkpoints, log.witnessed)
    if kind == "truncate":
        return Log([], log.checkpoints, log.witnessed)
    if kind == "truncate_all":
        return Log([], [], log.witnessed)
    if kind == "delete_checkpoints":
        return Log(recs, [], log.witnessed)
    if kind == "rechain_other_key":
        entries = [(r.actor, {**r.details, "rewritten": True}) for r in recs]
        forged = build(entries, set(), ATTACKER)
        return Log(forged.records, forged.checkpoints, log.witnessed)
    if kind == "restore_older_copy":
        older = [c.seq for c in log.checkpoints[:-1]]
        upto = data.draw(st.sampled_from(older)) if older else 0
        return Log(recs[:upto], [c for c in log.checkpoints if c.seq <= upto], log.witnessed)
    raise AssertionError(kind)


entries_strategy = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=12).filter(str.strip),
        st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=8), max_size=3),
    ),
    min_size=2,
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(entries_strategy, st.sets(st.integers(0, 24)), st.sampled_from(TAMPERS), st.data())
def test_any_tampering_is_detected_with_witnessed_heads(
    entries: list[tuple[str, dict[str, Any]]], marks: set[int], kind: str, data: st.DataObject
) -> None:
    log = build(entries, marks, KEY)
    assert verify(log, log.witnessed), "the untouched log must pass"
    tampered = tamper(log, kind, data)
    if kind == "restore_older_copy" and len(log.checkpoints) == 1:
        # Only the head was ever signed: the older copy is the empty database.
        assert tampered.records == []
    assert not verify(tampered, log.witnessed), kind


@given(entries_strategy, st.sets(st.integers(0, 24)))
def test_an_untouched_log_verifies_with_or_without_its_latest_witness(
    entries: list[tuple[str, dict[str, Any]]], marks: set[int]
) -> None:
    log = build(entries, marks, KEY)
    assert verify(log, log.witnessed)
    # Heads still in transit: the other side holding fewer heads is no failure.
    assert verify(log, log.witnessed[:-1])
