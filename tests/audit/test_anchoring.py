"""Audit anchoring in a real database: the loop's checkpoints, witnessed heads over the link,
actions recorded once, and pruning past retention that verify still accepts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from safenet.audit import AuditSettings, SigningKey, witness
from safenet.audit import store as audit
from safenet.audit.loop import CheckpointLoop
from safenet.link import POLICE, AuditHead, Family, MemoryBroker, MemoryTransport, Relay, outbox
from safenet.link.tables import outbox as outbox_table
from safenet.store import Database, migrate, open_database

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def migrated(url: str, side: str) -> Database:
    db = open_database(url)
    migrate(db, side)
    return db


def act(db: Database, n: int, clock: Clock, start: int = 0) -> None:
    with db.begin() as conn:
        for i in range(start, start + n):
            audit.append(conn, "op:park", "candidate.confirm", f"hit:{i}", ts=clock())


def test_the_loop_checkpoints_every_n_records_and_every_t_minutes(db_url: str) -> None:
    db = migrated(db_url, "center")
    clock = Clock()
    settings = AuditSettings(checkpoint_every_records=5, checkpoint_every_minutes=15)
    loop = CheckpointLoop(db, SigningKey.generate(), "seocho", settings, clock=clock)
    try:
        assert loop.tick() is None  # nothing to sign
        act(db, 4, clock)
        assert loop.tick() is None  # 4 records, 0 minutes old: not yet
        act(db, 1, clock, 4)
        cp = loop.tick()
        assert cp is not None
        assert cp.seq == 5  # N records
        act(db, 2, clock, 5)
        clock.now += timedelta(minutes=14)
        assert loop.tick() is None
        clock.now += timedelta(minutes=1)
        cp = loop.tick()
        assert cp is not None
        assert cp.seq == 7  # T minutes
        assert loop.tick() is None  # the head is signed already
        with db.read() as conn:
            heads = [m for m in outbox.pending(conn) if m.envelope.message_type == "audit_head"]
        assert len(heads) == 2  # every signed head queued for the other side
    finally:
        db.dispose()


async def test_heads_travel_to_the_other_side_which_witnesses_them(
    sqlite_url: str, tmp_path: object
) -> None:
    center = migrated(sqlite_url, "center")
    police = migrated(sqlite_url.replace(".db", "-police.db"), "police")
    broker = MemoryBroker()
    police_link = MemoryTransport(broker, POLICE)
    center_link = MemoryTransport(broker, "seocho")
    await police_link.provision(["seocho"])
    keeper = witness.WitnessKeeper(police)
    sub = await police_link.subscribe_family(Family.AUDIT, keeper.on_audit_head)
    relay = Relay(center, center_link, poll_interval_s=0.05)
    await relay.start()
    clock = Clock()
    key = SigningKey.generate()
    settings = AuditSettings(checkpoint_every_records=3, poll_seconds=0.02)
    loop = CheckpointLoop(center, key, "seocho", settings, notify=relay.notify, clock=clock)
    await loop.start()
    try:
        act(center, 7, clock)
        for _ in range(300):
            if keeper.kept >= 1:
                break
            await asyncio.sleep(0.02)
    finally:
        await loop.stop()
        await relay.stop()
        await sub.stop()
    assert keeper.kept == 1
    with police.read() as conn:
        [head] = witness.heads(conn, "seocho")
    assert (head.kind, head.seq) == ("checkpoint", 7)
    with center.read() as conn:
        verdict = audit.verify_anchored(
            conn,
            site="seocho",
            trusted_keys=[key.public_key_b64],
            witnessed=[head],
            max_uncovered=timedelta(hours=1),
            now=clock(),
        )
    assert verdict.ok, verdict.problems
    assert verdict.witnessed == 1
    center.dispose()
    police.dispose()


def test_an_idempotent_action_is_recorded_once(db_url: str) -> None:
    db = migrated(db_url, "police")
    try:
        with db.begin() as conn:
            first = audit.record_once(
                conn, "alert:17:acknowledge", "officer:kim", "alert.acknowledge", "alert:17"
            )
            for _ in range(1500):  # the repeated acknowledge
                again = audit.record_once(
                    conn, "alert:17:acknowledge", "officer:kim", "alert.acknowledge", "alert:17"
                )
                assert again is None
            other = audit.record_once(
                conn, "alert:18:acknowledge", "officer:kim", "alert.acknowledge", "alert:18"
            )
        assert first is not None
        assert first.details["once"] == "alert:17:acknowledge"
        assert other is not None
        assert other.seq == 2
        with db.read() as conn:
            assert [r.subject for r in audit.records(conn)] == ["alert:17", "alert:18"]
            assert audit.verify(conn).ok
        with pytest.raises(ValueError, match="key"), db.begin() as conn:
            audit.record_once(conn, "", "a", "b", "c")
    finally:
        db.dispose()


def test_records_past_retention_go_under_a_signed_anchor_and_verify_still_passes(
    db_url: str,
) -> None:
    db = migrated(db_url, "police")
    key = SigningKey.generate()
    old = T0 - timedelta(days=800)
    try:
        with db.begin() as conn:
            for i in range(5):
                audit.append(conn, "officer:kim", "auth.sign_in", f"officer:{i}", ts=old)
            audit.checkpoint(conn, key, POLICE, ts=old)
            for i in range(3):
                audit.append(conn, "officer:kim", "auth.sign_in", f"officer:{i}", ts=T0)
            result = audit.prune(conn, key, POLICE, retention=timedelta(days=730), now=T0)
            assert result is not None
            assert (result.anchor.seq, result.anchor.removed) == (5, 5)
            assert result.record.action == "audit.prune"
            assert audit.prune(conn, key, POLICE, retention=timedelta(days=730), now=T0) is None
            cp = audit.checkpoint(conn, key, POLICE, ts=T0)
        assert cp is not None
        assert cp.seq == 9
        heads = [witness.witnessed(witness.head_message(s)) for s in (result.anchor, cp)]
        with db.read() as conn:
            assert [r.seq for r in audit.records(conn)] == [6, 7, 8, 9]
            verdict = audit.verify_anchored(
                conn,
                site=POLICE,
                trusted_keys=[key.public_key_b64],
                witnessed=heads,
                max_uncovered=timedelta(hours=1),
                now=T0,
            )
            assert verdict.ok, verdict.problems
            assert (verdict.start_seq, verdict.checked) == (5, 4)
            assert audit.verify(conn).ok
        # Records pruned without a signed anchor are a truncated log, not a prune.
        with db.begin() as conn:
            conn.execute(sa.delete(audit.audit_prune))
        with db.read() as conn:
            verdict = audit.verify_anchored(
                conn,
                site=POLICE,
                trusted_keys=[key.public_key_b64],
                witnessed=heads,
                max_uncovered=timedelta(hours=1),
                now=T0,
            )
        assert not verdict.ok
    finally:
        db.dispose()


def test_retention_is_at_least_two_years() -> None:
    assert AuditSettings().retention_days == 730
    with pytest.raises(ValidationError, match="730"):
        AuditSettings(retention_days=365)
    db_key = SigningKey.generate()
    with pytest.raises(ValueError, match="below the minimum"):
        audit.prune(None, db_key, POLICE, retention=timedelta(days=30))  # type: ignore[arg-type]


def test_a_prune_anchor_that_deleted_young_records_fails_verify() -> None:
    from safenet.audit import ChainBuilder, sign_prune, verify_log

    key = SigningKey.generate()
    b = ChainBuilder()
    recs = [b.append("a", "auth.sign_in", f"s:{i}", None, T0) for i in range(4)]
    # Signed with the real key, but only 30 days of retention: the rule is broken.
    anchor = sign_prune(key, POLICE, 2, recs[1].hash, T0 - timedelta(days=30), 2, T0)
    verdict = verify_log(
        recs[2:],
        [],
        [anchor],
        [],
        site=POLICE,
        trusted_keys=[key.public_key_b64],
        now=T0,
        max_uncovered=timedelta(days=1),
    )
    assert not verdict.ok
    assert "younger than 730 days" in (verdict.reason or "")


def test_the_outbox_holds_audit_heads_as_link_messages(sqlite_url: str) -> None:
    db = migrated(sqlite_url, "center")
    clock = Clock()
    act(db, 1, clock)
    loop = CheckpointLoop(
        db, SigningKey.generate(), "seocho", AuditSettings(checkpoint_every_records=1)
    )
    cp = loop.tick()
    assert cp is not None
    with db.read() as conn:
        row = conn.execute(sa.select(outbox_table)).one()
    from safenet.link import decode

    message = decode(bytes(row.payload))
    assert isinstance(message, AuditHead)
    assert (message.site, message.seq, message.subject) == ("seocho", 1, "safenet.v1.audit.seocho")
    db.dispose()
