"""The journey benchmark: today's per-read matcher against the decision chain, on one corpus.

Both run on the same reads in the same process. The per-read matcher surfaces every
match at or above its entry's threshold the moment it is read, an exact top read as
an alert. The chain (:mod:`safenet.matching.decision`) gets the same reads, its
matches down to the evidence floor, and the camera positions. For each:

- share of wanted vehicles surfaced: of the wanted cars read at least once, those
  with at least one surfaced line (alert or candidate) for their own entry, on one
  of their own reads;
- time from the car's first read (any camera, any text) to its first surfaced line,
  p50 and p90;
- false surfaced lines per million reads, split by what the read really was: a
  neighbour car of that entry -- any real car one step from the entry's plate
  (:meth:`JourneyCorpus.near_entries`), wanted or not, so a fleet-mate one digit
  from two wanted cars is a neighbour of both -- or any other vehicle (background);
- false alerts: alert lines on any vehicle but the entry's own.
- wanted alerted: the share of wanted cars read that got at least one alert line
  (the rest surfaced as candidates only, or not at all).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from safenet.bench.match_journey import JourneyCorpus, Role
from safenet.matching import HotlistIndex, Level, Match
from safenet.matching.decision import (
    EVIDENCE_FLOOR,
    Calibration,
    Decision,
    DecisionChain,
    DecisionPolicy,
    Observation,
    State,
    WantedVehicle,
)
from safenet.matching.decision.adapt import observation_of, wanted_of

_CHUNK = 4096


@dataclass(frozen=True, slots=True)
class Line:
    """One reported match as the figures count it."""

    read: int  # index into the corpus's reads
    entry_id: str
    state: State
    surfaced_ts: float | None
    score: float = 0.0


@dataclass
class Prepared:
    """A corpus matched once: every read with a match, its observation and matches."""

    corpus: JourneyCorpus
    index: HotlistIndex
    wanted: list[WantedVehicle]
    matched: list[tuple[int, Observation, list[Match]]]
    baseline: list[Line]
    match_s: float
    floor_s: float


def prepare(corpus: JourneyCorpus) -> Prepared:
    """Build the index, match every read at the threshold and at the evidence floor (timed)."""
    index, rejected = HotlistIndex.build(corpus.entries)
    assert not rejected, rejected[:3]
    wanted = [wanted_of(e, index)[0] for e in corpus.entries]
    reads = corpus.reads
    started = time.perf_counter()
    plain: list[Match] = []
    for i in range(0, len(reads), _CHUNK):
        plain.extend(index.match_many(reads[i : i + _CHUNK]))
    match_s = time.perf_counter() - started
    started = time.perf_counter()
    low: list[list[Match]] = []
    for i in range(0, len(reads), _CHUNK):
        low.append(index.match_many(reads[i : i + _CHUNK], EVIDENCE_FLOOR))
    floor_s = time.perf_counter() - started
    position = {r.id: i for i, r in enumerate(reads)}
    baseline = [
        Line(
            position[m.read_id],
            m.entry_id,
            State.ALERT if m.level is Level.EXACT and m.rank == 0 else State.CANDIDATE,
            float(reads[position[m.read_id]].ts),
            m.score,
        )
        for m in plain
    ]
    matched: list[tuple[int, Observation, list[Match]]] = []
    for chunk in low:
        by_read: dict[str, list[Match]] = {}
        for m in chunk:
            by_read.setdefault(m.read_id, []).append(m)
        for read_id, mine in by_read.items():
            i = position[read_id]
            read = reads[i]
            obs = observation_of(read, float(read.ts), corpus.cameras.get(read.camera_id))
            matched.append((i, obs, mine))
    matched.sort(key=lambda item: item[0])
    return Prepared(corpus, index, wanted, matched, baseline, match_s, floor_s)


def run_chain(
    prepared: Prepared,
    calibration: Calibration | None,
    *,
    surface_at: float | None = None,
    hold_s: float = 60.0,
) -> tuple[list[Line], list[Decision], float]:
    """The chain over the prepared reads: its lines, every decision, and the seconds it took."""
    chain = DecisionChain(
        prepared.wanted, DecisionPolicy(hold_s=hold_s, surface_at=surface_at), calibration
    )
    position = {r.id: i for i, r in enumerate(prepared.corpus.reads)}
    decisions: list[Decision] = []
    started = time.perf_counter()
    for _, obs, matches in prepared.matched:
        decisions.extend(chain.observe(obs, matches))
    still_held = chain.flush()  # their hold had not run out when the reads ended
    elapsed = time.perf_counter() - started
    lines = [
        Line(position[d.read_id], d.entry_id, d.state, d.surfaced_ts, d.score)
        for d in [*(d for d in decisions if d.final), *still_held]
    ]
    return lines, decisions, elapsed


def figures(corpus: JourneyCorpus, lines: Sequence[Line]) -> dict[str, Any]:
    """The benchmark's figures for one method's lines."""
    vehicles = corpus.vehicles
    first_read: dict[int, float] = {}
    for i, v in enumerate(corpus.vehicle_of):
        if vehicles[v].role is Role.WANTED and v not in first_read:
            first_read[v] = float(corpus.reads[i].ts)
    first_surfaced: dict[int, float] = {}
    alerted: set[int] = set()
    false_neighbour = false_background = false_alerts = 0
    for line in lines:
        if not line.state.surfaced or line.surfaced_ts is None:
            continue
        v = corpus.vehicle_of[line.read]
        truth = vehicles[v]
        if truth.role is Role.WANTED and truth.entry_id == line.entry_id:
            seen = first_surfaced.get(v)
            if seen is None or line.surfaced_ts < seen:
                first_surfaced[v] = line.surfaced_ts
            if line.state is State.ALERT:
                alerted.add(v)
            continue
        if line.entry_id == truth.entry_id or line.entry_id in corpus.near_entries(truth.plate):
            # a real car one step from this entry (a fleet-mate can be one step from two)
            false_neighbour += 1
        else:
            false_background += 1
        false_alerts += line.state is State.ALERT
    delays = sorted(first_surfaced[v] - first_read[v] for v in first_surfaced)
    reads = len(corpus.reads)
    return {
        "wanted read": len(first_read),
        "wanted surfaced": len(first_surfaced) / len(first_read) if first_read else 0.0,
        "wanted alerted": len(alerted) / len(first_read) if first_read else 0.0,
        "delay p50 s": _quantile(delays, 0.5),
        "delay p90 s": _quantile(delays, 0.9),
        "false per M": (false_neighbour + false_background) / reads * 1e6,
        "neighbour per M": false_neighbour / reads * 1e6,
        "background per M": false_background / reads * 1e6,
        "false alerts": false_alerts,
        "held at end": sum(1 for line in lines if line.state is State.HELD),
    }


def _quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return math.nan
    k = min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))
    return values[k]


def reliability(
    corpus: JourneyCorpus, decisions: Sequence[Decision], bins: Sequence[float]
) -> list[dict[str, Any]]:
    """Predicted score against the observed share of true matches, by score bin.

    Counts each non-alert decision once, at the moment it was first decided.
    """
    position = {r.id: i for i, r in enumerate(corpus.reads)}
    seen: set[tuple[str, str]] = set()
    rows = [
        {"from": lo, "to": hi, "n": 0, "mean score": 0.0, "true share": 0.0}
        for lo, hi in itertools.pairwise(bins)
    ]
    for d in decisions:
        key = (d.read_id, d.entry_id)
        if key in seen or d.state is State.ALERT:
            continue
        seen.add(key)
        truth = corpus.vehicles[corpus.vehicle_of[position[d.read_id]]]
        right = truth.role is Role.WANTED and truth.entry_id == d.entry_id
        for row in rows:
            if row["from"] <= d.score < row["to"] or (row["to"] == bins[-1] and d.score == 1.0):
                row["n"] += 1
                row["mean score"] += d.score
                row["true share"] += right
                break
    for row in rows:
        if row["n"]:
            row["mean score"] /= row["n"]
            row["true share"] /= row["n"]
    return [row for row in rows if row["n"]]
