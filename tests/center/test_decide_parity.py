"""The center runs the same decision chain as ``safenet match``: same reads, same decisions.

A generated city's reads (generator A: cameras, descriptions, neighbours) go once
through the offline path (:func:`safenet.matching.decision.stream.decide_batch`, what
``safenet match`` runs) and once, read by read, through the center's decide stage
(:class:`safenet.center.decide.LiveDecisions` with hit drafts as the match stage makes
them). Every match surfaces, alerts or stays unseen the same way on both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from safenet.bench.match_journey_grid import grid_corpus
from safenet.center.decide import LiveDecisions
from safenet.center.hits import draft_hit
from safenet.center.hotlist_index import build_index
from safenet.center.types import CameraInfo, EntryInfo, IncomingRead, ReadItem
from safenet.matching import HotlistIndex, Read
from safenet.matching.decision import EVIDENCE_FLOOR, DecisionChain, DecisionPolicy, State
from safenet.matching.decision.adapt import wanted_of
from safenet.matching.decision.stream import decide_batch
from safenet.plates import PlateError, normalize

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def _valid(read: Read) -> bool:
    try:
        normalize(read.plate)
    except PlateError:
        return False
    return True


def test_the_live_center_decides_every_match_as_safenet_match_does() -> None:
    corpus = grid_corpus(40, 6_000, seed=21)
    reads = [r for r in corpus.reads if _valid(r)]
    policy = DecisionPolicy(hold_s=60)

    # Offline, as `safenet match --cameras` runs it.
    index, _ = HotlistIndex.build(corpus.entries, 1)
    wanted = [wanted_of(e, index)[0] for e in corpus.entries]
    chain = DecisionChain(wanted, policy)
    offline = decide_batch(chain, index, reads, corpus.cameras.get)
    offline_final = [d for d in offline if d.final]
    offline_surfaced = {(d.read_id, d.entry_id) for d in offline_final if d.state.surfaced}
    offline_alerts = {(d.read_id, d.entry_id) for d in offline_final if d.state is State.ALERT}
    assert offline_surfaced, "the corpus must exercise the chain"

    # Live, through the center's decide stage.
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
    live_index, _ = build_index(entries.values(), 1, T0)
    decisions = LiveDecisions(policy)
    decisions.sync(live_index, entries.get)
    cameras = {
        cid: CameraInfo(cid, p.lat, p.lon, None, "", None) for cid, p in corpus.cameras.items()
    }
    live_surfaced: set[tuple[str, str]] = set()
    live_alerts: set[tuple[str, str]] = set()
    for n, read in enumerate(reads):
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
            seq=n,
        )
        as_read = Read("0", read.camera_id, ts.isoformat(), plate, read.confidence,
                       list(read.alternatives))  # fmt: skip
        for m in live_index.match_many([as_read], EVIDENCE_FLOOR):
            if m.score >= live_index.threshold(m.entry_id):
                item.hits.append(
                    draft_hit("s", read.camera_id, read.id, m, entries[m.entry_id], ())
                )
            else:
                item.evidence.append(m)
        if not (item.hits or item.evidence):
            continue
        decisions.decide(item, corpus.cameras[read.camera_id])
        for draft in item.hits:
            live_surfaced.add((read.id, draft.entry.entry_id))
            if draft.alert:
                live_alerts.add((read.id, draft.entry.entry_id))
        for held in decisions.take_surfaced():
            live_surfaced.add((held.item.incoming.read_id, held.draft.entry.entry_id))

    assert live_alerts == offline_alerts
    assert live_surfaced == offline_surfaced
