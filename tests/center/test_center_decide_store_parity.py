"""The decision store changes no decision: with it, and restarted mid-stream, the same verdicts.

A generated city's reads (generator A, as tests/center/test_decide_parity.py) go once
through :class:`~safenet.center.decide.LiveDecisions` in memory only, and once with
the store on a real database (SQLite and PostgreSQL): each read's rows written in a
transaction as the persist stage writes them, the surfaced drafts claimed, and the
center "restarted" every 1,500 reads (a fresh ``LiveDecisions`` rebuilt from the
database alone). Every match surfaces, alerts or stays unseen the same way on both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from safenet.bench.match_journey_grid import grid_corpus
from safenet.center.decide import LiveDecisions
from safenet.center.decision_store import DecisionStore
from safenet.center.hits import draft_hit
from safenet.center.hotlist import Hotlist
from safenet.center.types import CameraInfo, EntryInfo, IncomingRead, ReadItem
from safenet.matching import Read
from safenet.matching.decision import EVIDENCE_FLOOR, DecisionPolicy
from safenet.plates import PlateError, normalize
from safenet.store import Database, migrate, open_database

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
RESTART_EVERY = 1_500


def _valid(read: Read) -> bool:
    try:
        normalize(read.plate)
    except PlateError:
        return False
    return True


def _run(
    reads: list[Read],
    entries: dict[str, EntryInfo],
    cameras: dict[str, CameraInfo],
    points: dict[str, object],
    hotlist: Hotlist,
    db: Database | None,
) -> tuple[set[tuple[str, str]], set[tuple[str, str]], int]:
    """Surfaced and alerted (read, entry) pairs; held candidates carried over restarts."""
    policy = DecisionPolicy(hold_s=60)
    store = None if db is None else DecisionStore(db)

    def fresh() -> LiveDecisions:
        decisions = LiveDecisions(policy, wall=lambda: 0.0)  # no downtime between runs
        if store is not None:
            decisions.attach(store, hotlist, cameras.get)
        decisions.sync(hotlist.matcher.index, hotlist.entry)
        return decisions

    decisions = fresh()
    index = hotlist.matcher.index
    surfaced: set[tuple[str, str]] = set()
    alerts: set[tuple[str, str]] = set()
    restarts = carried = 0
    for n, read in enumerate(reads):
        if store is not None and n and n % RESTART_EVERY == 0:
            decisions = fresh()  # what the process knew is gone; the database is not
            decisions.catch_up()
            restarts += 1
            carried += decisions.held
        ts = T0 + timedelta(seconds=float(read.ts))
        plate = normalize(read.plate)
        alternatives = tuple((a.plate, a.confidence) for a in read.alternatives)
        item = ReadItem(
            incoming=IncomingRead(
                read_id=read.id,
                camera_id=read.camera_id,
                ts=ts,
                plate=plate,
                confidence=read.confidence,
                alternatives=alternatives,
                vehicle_colour=read.vehicle_colour,
                vehicle_type=read.vehicle_type,
            ),
            ingested_at=0.0,
            received_at=ts,
            plate=plate,
            alternatives=alternatives,
            camera=cameras[read.camera_id],
        )
        as_read = Read("0", read.camera_id, ts.isoformat(), plate, read.confidence,
                       list(read.alternatives))  # fmt: skip
        for m in index.match_many([as_read], EVIDENCE_FLOOR):
            if m.score >= index.threshold(m.entry_id):
                item.hits.append(
                    draft_hit("s", read.camera_id, read.id, m, entries[m.entry_id], ())
                )
            else:
                item.evidence.append(m)
        if not (item.hits or item.evidence):
            continue
        decisions.catch_up()
        decisions.decide(item, points[read.camera_id])  # type: ignore[arg-type]
        late = decisions.take_surfaced()
        if db is not None:
            with db.begin() as conn:  # as the persist stage: one transaction
                late = decisions.claim(conn, late)
                decisions.write(conn, [(n + 1, item)])
        item.seq = n + 1
        for draft in item.hits:
            surfaced.add((read.id, draft.entry.entry_id))
            if draft.alert:
                alerts.add((read.id, draft.entry.entry_id))
        for held in late:
            surfaced.add((held.item.incoming.read_id, held.draft.entry.entry_id))
    return surfaced, alerts, carried if restarts else -1


def test_the_store_and_restarts_change_no_decision(db_url: str, tmp_path: Path) -> None:
    corpus = grid_corpus(40, 6_000, seed=21)
    reads = [r for r in corpus.reads if _valid(r)]
    entries = {
        e.id: EntryInfo(
            entry_id=e.id,
            plate=e.plate,
            category="robbery",
            expires_at=T0 + timedelta(days=2),
            fuzzy_allowance=1.0,
            vehicle="",
            policy=e.policy,
            confirm_before_send=False,
            colour=e.colour,
            vehicle_type=e.vehicle_type,
        )
        for e in corpus.entries
    }
    cameras = {
        cid: CameraInfo(cid, p.lat, p.lon, None, "", None) for cid, p in corpus.cameras.items()
    }
    db = open_database(db_url)
    try:
        migrate(db, "center")
        hotlist = Hotlist(db, "s", clock=lambda: T0)
        hotlist._install(entries, 1)  # the hotlist in memory, as a center holds it
        points: dict[str, object] = dict(corpus.cameras)
        plain = _run(reads, entries, cameras, points, hotlist, None)
        stored = _run(reads, entries, cameras, points, hotlist, db)
    finally:
        db.dispose()
    surfaced, alerts, _ = plain
    assert surfaced, "the corpus must exercise the chain"
    assert stored[2] > 0, "held candidates carried over the restarts"
    assert stored[1] == alerts
    assert stored[0] == surfaced
