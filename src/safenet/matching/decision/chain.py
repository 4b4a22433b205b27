"""The decision chain: alert, candidate, held or dropped, for every match, in stream order.

Fed the matcher's matches of each read in time order (:meth:`DecisionChain.observe`,
matches at every level down to the evidence floor), it keeps each entry's reads for
the window and decides, for every match at or above the entry's threshold:

1. the camera's top read is the registered plate and nothing contradicts it (no
   description that contradicts the entry's, no other plate in the same camera
   pass, no reads of a look-alike plate within reach that outweigh it and every
   other read of the wanted plate): ``alert``, at once, never delayed -- unless the camera
   itself was unsure (confidence below ``exact_alert_confidence``) and nothing
   backs the read (no other read of the plate within reach that outweighs the
   look-alike reads, no description that agrees in every part the entry has and
   makes it four times likelier): then a ``candidate``, also at once;
   an exact read whose description contradicts the entry (and no read says it is
   another plate) is a ``candidate`` at once, said why;
2. nothing can be weighed beyond the plate (no description on both sides, no
   camera position): ``candidate`` at once, as the per-read matcher does;
3. the calibrated score reaches the surfacing threshold: ``candidate`` at once;
4. otherwise ``held``: each later read of the entry re-scores it, and the first
   that lifts it over the threshold surfaces it then (``surfaced_ts``); when the
   hold runs out it is ``dropped``, silently.

So an exact read whose description contradicts the entry is a candidate, said why,
and a held candidate costs no operator attention until something backs it. Every
decision names its queue item, ``group`` = (entry, the plate the vehicle appears to
carry): all reads of one vehicle for one entry gather in one item.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from safenet.matching.decision.calibration import Calibration, default_calibration
from safenet.matching.decision.evidence import (
    EntryEvidence,
    Evidence,
    description_backs,
    description_fit,
    prune_evidence,
    sureness,
    vehicle_of,
)
from safenet.matching.decision.memory import NearTraffic, NeighbourMemory, TrafficRow, one_step
from safenet.matching.decision.reach import Reach, StraightLineReach
from safenet.matching.decision.types import (
    FEATURES,
    Decision,
    DecisionPolicy,
    Factor,
    Features,
    Observation,
    Rule,
    State,
    WantedVehicle,
)
from safenet.matching.decision.wording import factor_code, factor_words, rule_words
from safenet.matching.types import Match

EVIDENCE_FLOOR = 2e-6
"""Match reads down to this score for the chain: weak matches are evidence, not lines.

A neighbour vehicle read as its own plate at confidence 0.99 still scores about
0.003 against the wanted look-alike, and 0.00005 when it is one plain digit off
(a fleet-mate with the next serial); the chain needs those reads to see that the
same car keeps being read as another plate, and which real look-alike cars are
about. Matches below :data:`WINDOW_FLOOR` only feed the neighbour memory and the
look-alike traffic (a plain-edit read at confidence 0.999 scores 5e-6).
"""

WINDOW_FLOOR = 0.0005
"""Matches at or above this score are kept in the entry's evidence window."""


@dataclass(slots=True)
class _Held:
    deadline: float
    seq: int
    entry_id: str
    match: Match
    last: Decision
    # re-scored since ``last`` was worded: (evidence, read, factors, rule), worded on demand
    pending: tuple[EntryEvidence, Evidence, Features, Rule] | None = None


class DecisionChain:
    """Decides every match of a center's (or a file's) reads, in stream order."""

    def __init__(
        self,
        wanted: Iterable[WantedVehicle] = (),
        policy: DecisionPolicy | None = None,
        calibration: Calibration | None = None,
        reach: Reach | None = None,
    ) -> None:
        self.policy = policy or DecisionPolicy()
        self.calibration = calibration or default_calibration()
        self.surface_at = (
            self.policy.surface_at
            if self.policy.surface_at is not None
            else self.calibration.surface_at
        )
        self._reach = reach or StraightLineReach(self.policy.plausibility)
        self._wanted: dict[str, WantedVehicle] = {w.entry_id: w for w in wanted}
        self._evidence: dict[str, EntryEvidence] = {}
        # outlives an entry's evidence (which goes when its window empties)
        self._memory: dict[str, NeighbourMemory] = {}
        self._traffic: dict[str, NearTraffic] = {}
        self._gated: set[int] = set()  # held because look-alike cars are about
        self._held: dict[int, _Held] = {}
        self._deadlines: list[tuple[float, int]] = []
        self._seq = 0
        self._now = -math.inf
        self._expired_at = -math.inf
        self._memory_swept_at = -math.inf
        self._contradiction = math.log(self.policy.contradiction_ratio)

    # -- the hotlist ---------------------------------------------------------------------

    def set_wanted(self, wanted: WantedVehicle) -> None:
        """Add an entry or replace what is known about it (its evidence is kept)."""
        self._wanted[wanted.entry_id] = wanted
        kept = self._evidence.get(wanted.entry_id)
        if kept is not None:
            kept.wanted = wanted

    def remove_wanted(self, entry_id: str) -> None:
        """Forget an entry: its evidence, and its held candidates (never surfaced now)."""
        self._wanted.pop(entry_id, None)
        self._evidence.pop(entry_id, None)
        self._memory.pop(entry_id, None)
        self._traffic.pop(entry_id, None)
        for seq in [s for s, h in self._held.items() if h.entry_id == entry_id]:
            del self._held[seq]
            self._gated.discard(seq)

    @property
    def held(self) -> int:
        """How many candidates are waiting for corroboration."""
        return len(self._held)

    @property
    def now(self) -> float:
        """The stream time: the latest read time seen."""
        return self._now

    # -- the stream ----------------------------------------------------------------------

    def observe(self, obs: Observation, matches: Sequence[Match]) -> list[Decision]:
        """Take one read and its matches; the decisions made now (this read's and earlier ones).

        ``matches`` are the read's matches down to :data:`EVIDENCE_FLOOR`; those below
        an entry's threshold are kept as evidence and get no decision of their own.
        A held decision comes back as ``held`` now and again, final, later.
        """
        out = self.advance(obs.ts)
        fresh: list[tuple[EntryEvidence, Evidence]] = []
        touched: set[str] = set()
        for match in matches:
            wanted = self._wanted_for(match)
            if self._note_traffic(wanted, obs):
                touched.add(match.entry_id)  # a look-alike seen: held reads may be cleared
            if match.score < WINDOW_FLOOR:  # too weak for the window: who is about, only
                self._remember_only(wanted, obs)
                continue
            evidence = self._evidence.get(match.entry_id)
            if evidence is None:
                evidence = EntryEvidence(
                    wanted,
                    self._reach,
                    window_s=self.policy.window_s,
                    pass_gap_s=self.policy.pass_gap_s,
                    contradiction=self._contradiction,
                    memory=self._memory_of(match.entry_id),
                    min_site_m=self.policy.plausibility.min_distance_m,
                )
                self._evidence[match.entry_id] = evidence
            self._seq += 1
            item = evidence.add(self._seq, obs, match)
            touched.add(match.entry_id)
            if match.score >= wanted.min_score:
                fresh.append((evidence, item))
        out.extend(self._recheck(touched, obs.ts))
        for evidence, item in fresh:
            out.append(self._decide(evidence, item))
        return out

    def advance(self, now: float) -> list[Decision]:
        """Move the stream clock to ``now``: drop held candidates whose hold ran out before it."""
        if now > self._now:
            self._now = now
        out: list[Decision] = []
        while self._deadlines and self._deadlines[0][0] < self._now:
            deadline, seq = heapq.heappop(self._deadlines)
            held = self._held.pop(seq, None)
            self._gated.discard(seq)
            if held is None:
                continue
            last = self._last(held)
            ko, en = rule_words(Rule.NOT_CORROBORATED, last.score, self.surface_at, self._hold)
            out.append(
                Decision(
                    match=last.match,
                    state=State.DROPPED,
                    rule=Rule.NOT_CORROBORATED,
                    score=last.score,
                    factors=last.factors,
                    ko=ko,
                    en=en,
                    ts=last.ts,
                    decided_ts=deadline,
                    surfaced_ts=None,
                    group=last.group,
                    features=last.features,
                    threshold=self.surface_at,
                    hold_s=self._hold,
                )
            )
        self._expire()
        return out

    def flush(self) -> list[Decision]:
        """At the end of a stream: the candidates still held (their hold had not run out)."""
        return [self._last(h) for h in sorted(self._held.values(), key=lambda h: h.seq)]

    # -- deciding ------------------------------------------------------------------------

    @property
    def _hold(self) -> float:
        return self.policy.hold_s

    def _memory_of(self, entry_id: str) -> NeighbourMemory:
        memory = self._memory.get(entry_id)
        if memory is None:
            policy = self.policy
            memory = NeighbourMemory(
                max_age_s=policy.memory_s,
                max_plates=policy.memory_plates,
                max_passes=policy.memory_passes,
                min_sureness=sureness(policy.memory_confidence),
                pass_gap_s=policy.pass_gap_s,
            )
            self._memory[entry_id] = memory
        return memory

    def memory(self, entry_id: str) -> NeighbourMemory | None:
        """The neighbour memory of an entry (None before any read of another plate matched it)."""
        return self._memory.get(entry_id)

    def traffic(self, entry_id: str) -> NearTraffic | None:
        """The look-alike traffic near an entry (None before a sure read of a look-alike)."""
        return self._traffic.get(entry_id)

    def restore_traffic(self, entry_id: str, rows: Iterable[TrafficRow]) -> None:
        """Put back an entry's look-alike traffic as a store kept it (before a restart)."""
        rows = list(rows)
        if entry_id not in self._wanted or not rows or self.policy.traffic_passes <= 0:
            return
        traffic = self._new_traffic()
        traffic.load_rows(rows)
        self._traffic[entry_id] = traffic

    def _new_traffic(self) -> NearTraffic:
        policy = self.policy
        return NearTraffic(
            traffic_s=policy.traffic_s,
            min_sureness=sureness(policy.memory_confidence),
            pass_gap_s=policy.pass_gap_s,
            max_passes=policy.traffic_passes,
        )

    def _note_traffic(self, wanted: WantedVehicle, obs: Observation) -> bool:
        """Log a sure read of a real plate one step from the entry's (a look-alike car)."""
        if wanted.pattern or not obs.valid_plate or not one_step(obs.text, wanted.plate):
            return False
        policy = self.policy
        traffic = self._traffic.get(wanted.entry_id)
        if traffic is None:
            if policy.traffic_passes <= 0 or obs.confidence < policy.memory_confidence:
                return False
            traffic = self._new_traffic()
            self._traffic[wanted.entry_id] = traffic
        return traffic.note(obs.text, obs, sureness(obs.confidence))

    def _remember_only(self, wanted: WantedVehicle, obs: Observation) -> None:
        """A match too weak for the window: a sure read of another real plate is remembered."""
        if wanted.pattern or not obs.valid_plate or obs.text == wanted.plate:
            return
        self._memory_of(wanted.entry_id).remember(
            obs.text, obs.camera_id, obs.ts, sureness(obs.confidence)
        )

    def _features(self, evidence: EntryEvidence, item: Evidence) -> Features:
        """The read's factors, with the look-alike traffic near its entry."""
        features = evidence.features(item)
        traffic = self._traffic.get(evidence.wanted.entry_id)
        if traffic is None:
            return features
        about = traffic.about(item.obs, self._reach, self._doubt_s(item), alibis=not item.exact)
        return replace(features, crowd=traffic.crowd(item.obs.ts), lookalikes=len(about))

    def _doubt_s(self, item: Evidence) -> float:
        """How long a look-alike read surely before ``item`` could still be its vehicle.

        For an exact read, ``lookalike_exact_s`` (an hour): a camera reads a car on a
        trip only every few minutes, and nothing says where it is between two reads, so
        a fleet-mate seen driving this hour may be behind this camera now; its sure
        reads 10 or 40 minutes ago are as good a sign of it as one 2 minutes ago
        (corpus D: 9 of 16 false alerts were mates last read surely more than
        ``lookalike_s`` before, or not surely since). It costs the wanted car only its
        alert: such a read is a candidate at once. For any other read, ``lookalike_s``.
        """
        if item.exact:
            return max(self.policy.lookalike_s, self.policy.lookalike_exact_s)
        return self.policy.lookalike_s

    def _neighbour_proof(self, evidence: EntryEvidence, item: Evidence, features: Features) -> bool:
        """Whether the read has backing a look-alike car about could not give.

        For an exact read, a read of the wanted plate at another camera site within
        reach (a look-alike would have to be misread into the wanted plate twice,
        independently). For any read, a description that backs the entry while every
        look-alike about was seen looking otherwise (its description contradicts the
        entry's). A read of the wanted plate elsewhere is no proof for a read of another
        text: it shows the wanted car is about, not that this misread is it -- among
        fleet-mates on the same roads it is likelier a look-alike's (corpus D: most
        false lines were such reads, "backed" by the wanted fleet car a few streets off).
        """
        if features.site_reads > 0 and item.exact:
            return True
        return self._looks_otherwise(evidence, item)

    def _looks_otherwise(self, evidence: EntryEvidence, item: Evidence) -> bool:
        """Whether the description backs the entry while every look-alike about looked otherwise.

        The only proof that makes a doubted exact read an alert. A read of the wanted
        plate at another site does not: it shows the wanted car is about, and a
        look-alike about could still be *this* read's vehicle -- corpus D's 7 false
        alerts "proven" so were fleet-mates misread here while the wanted fleet car
        itself was read a few kilometres off (or the same misread at two sites).
        """
        wanted = evidence.wanted
        if not description_backs(item.fit, wanted):
            return False
        traffic = self._traffic.get(wanted.entry_id)
        if traffic is None:
            return True
        about = traffic.about(item.obs, self._reach, self._doubt_s(item), alibis=not item.exact)
        return all(
            description_fit(p.obs.seen, wanted.description).total <= self._contradiction
            for p in about.values()
        )

    def _wanted_for(self, match: Match) -> WantedVehicle:
        known = self._wanted.get(match.entry_id)
        if known is None:  # an entry the caller did not describe: its plate only
            known = WantedVehicle(match.entry_id, match.registered, pattern=_is_pattern(match))
            self._wanted[match.entry_id] = known
        return known

    def _decide(self, evidence: EntryEvidence, item: Evidence) -> Decision:
        features = self._features(evidence, item)
        wanted = evidence.wanted
        ts = item.obs.ts
        # Without a description on both sides or a camera position there is nothing to
        # weigh but the plate: the per-read matcher's decision stands, unchanged.
        weighable = (not wanted.description.empty and not item.obs.seen.empty) or (
            item.obs.point is not None
        )
        # An exact read is contradicted by a description that does not fit, by another
        # plate in its own camera pass, or by reads of a look-alike plate within reach
        # that outweigh this read and every other read of the wanted plate.
        unlike = item.fit.total <= self._contradiction
        own = sureness(item.obs.confidence)
        other_plate = weighable and (
            features.pass_against_reads > 0 or features.for_other > own + features.for_plate
        )
        if item.exact and unlike and not other_plate:
            # The camera read the plate itself; only the look disagrees (a repaint, a
            # wrong registry colour, a camera's error): an operator must see it, now.
            return self._decision(
                evidence, item, features, State.CANDIDATE, Rule.EXACT_CONTRADICTED, ts, ts
            )
        if weighable and features.lookalikes and not self._looks_otherwise(evidence, item):
            # A real look-alike car (a fleet-mate one digit off) could be this read's
            # vehicle: not even an exact read proves the wanted car, so it is never an
            # alert. An exact read nothing in its window outweighs is shown at once, as a
            # candidate said why (an operator compares the picture; holding it cost the
            # wanted fleet cars minutes on corpus D). One the window doubts is weighed:
            # with a read of the wanted plate at another site, by its score; without,
            # held until a read a look-alike cannot give, dropped silently if none comes.
            if item.exact and not other_plate:
                return self._decision(
                    evidence, item, features, State.CANDIDATE, Rule.EXACT_LOOKALIKE, ts, ts
                )
            if not (item.exact and features.site_reads > 0):
                return self._hold_it(evidence, item, features, Rule.LOOKALIKES, gated=True)
        elif item.exact and not other_plate:
            if weighable and features.elsewhere_reads:
                # The wanted plate was read, in the window, where one car could not have
                # been as well: one of the reads is not the wanted car (a look-alike
                # misread into its plate -- corpus D's last false alert, a fleet-mate here
                # while the wanted car was read surely 5 km off 83 s before -- or a second
                # car carrying the plate). Shown at once, for an operator to confirm.
                return self._decision(
                    evidence, item, features, State.CANDIDATE, Rule.EXACT_ELSEWHERE, ts, ts
                )
            corroborated = features.plate_reads > 0 and features.for_plate > features.for_other
            if weighable and item.obs.rival_confidence >= self.policy.rival_confidence:
                # The camera's own alternatives name another valid plate: the car may be
                # that one, misread (a look-alike, a lost digit). Only a read of the
                # wanted plate in another pass settles it; shown at once either way.
                rule = Rule.EXACT if corroborated else Rule.EXACT_AMBIGUOUS
                state = State.ALERT if corroborated else State.CANDIDATE
                return self._decision(evidence, item, features, state, rule, ts, ts)
            if (
                not weighable
                or item.obs.confidence >= self.policy.exact_alert_confidence
                or corroborated
                or description_backs(item.fit, wanted)
            ):
                return self._decision(evidence, item, features, State.ALERT, Rule.EXACT, ts, ts)
            # The camera doubted its own reading and nothing else backs it: shown at
            # once, never held, but for an operator to confirm, not as an alert.
            return self._decision(
                evidence, item, features, State.CANDIDATE, Rule.EXACT_UNSURE, ts, ts
            )
        if not weighable:
            return self._decision(
                evidence, item, features, State.CANDIDATE, Rule.NO_EVIDENCE, ts, ts
            )
        decision = self._decision(evidence, item, features, State.CANDIDATE, Rule.SURFACED, ts, ts)
        if decision.score >= self.surface_at:
            return decision
        return self._hold_it(evidence, item, features, Rule.HELD, gated=False)

    def _hold_it(
        self,
        evidence: EntryEvidence,
        item: Evidence,
        features: Features,
        rule: Rule,
        *,
        gated: bool,
    ) -> Decision:
        """Hold a candidate for corroboration (or drop it at once when nothing may be held)."""
        ts = item.obs.ts
        decision = self._decision(evidence, item, features, State.HELD, rule, ts, None)
        if self._hold <= 0:
            return self._with_state(decision, State.DROPPED, Rule.NOT_CORROBORATED, ts, None)
        deadline = ts + self._hold
        self._held[item.seq] = _Held(
            deadline, item.seq, evidence.wanted.entry_id, item.match, decision
        )
        if gated:
            self._gated.add(item.seq)
        heapq.heappush(self._deadlines, (deadline, item.seq))
        return decision

    def _recheck(self, entries: set[str], now: float) -> list[Decision]:
        """Re-score the held candidates of entries that just got a read; surface those now over."""
        out: list[Decision] = []
        for seq, held in sorted(self._held.items()):
            if held.entry_id not in entries:
                continue
            evidence = self._evidence.get(held.entry_id)
            item = evidence.get(seq) if evidence is not None else None
            if evidence is None or item is None:
                continue
            features = self._features(evidence, item)
            over = self.calibration.score(features) >= self.surface_at
            gated = seq in self._gated
            proven = (
                not gated
                or not features.lookalikes  # every look-alike was seen elsewhere since
                or self._neighbour_proof(evidence, item, features)
            )
            if proven and over:
                del self._held[seq]
                self._gated.discard(seq)
                out.append(
                    self._decision(
                        evidence, item, features, State.CANDIDATE, Rule.CORROBORATED, now, now
                    )
                )
            else:
                # worded only if it is ever shown (dropped or flushed): most re-scores are not
                rule = Rule.LOOKALIKES if gated and not proven else Rule.HELD
                held.pending = (evidence, item, features, rule)
        return out

    def _last(self, held: _Held) -> Decision:
        """A held candidate's latest decision (``held``), worded now if it was re-scored since."""
        if held.pending is not None:
            evidence, item, features, rule = held.pending
            held.last = self._decision(
                evidence, item, features, State.HELD, rule, held.last.ts, None
            )
            held.pending = None
        return held.last

    def _decision(
        self,
        evidence: EntryEvidence,
        item: Evidence,
        features: Features,
        state: State,
        rule: Rule,
        decided_ts: float,
        surfaced_ts: float | None,
    ) -> Decision:
        wanted = evidence.wanted
        contributions = self.calibration.contributions(features)
        score = self.calibration.score(features)
        factors = []
        for name in ("base", *FEATURES):
            context: dict[str, Any] = {
                "match": item.match,
                "confidence": item.obs.confidence,
                "seen": item.obs.seen,
                "registered": wanted.description,
                "fit": item.fit,
                "contradiction": self._contradiction,
                "other_plate": item.obs.text,
                "prior": self.calibration.traffic_prior(features.crowd),
            }
            ko, en = factor_words(name, features, **context)
            code, params = factor_code(name, features, **context)
            # + 0.0 folds -0.0 into 0.0: "-0" reads as a penalty that is not there
            contribution = round(contributions[name], 4) + 0.0
            factors.append(Factor(name, contribution, ko, en, code, params))
        ko, en = rule_words(rule, score, self.surface_at, self._hold)
        return Decision(
            match=item.match,
            state=state,
            rule=rule,
            score=score,
            factors=tuple(factors),
            ko=ko,
            en=en,
            ts=item.obs.ts,
            decided_ts=decided_ts,
            surfaced_ts=surfaced_ts,
            group=(wanted.entry_id, vehicle_of(wanted, item, features)),
            features=features,
            threshold=self.surface_at,
            hold_s=self._hold,
        )

    def _with_state(
        self,
        decision: Decision,
        state: State,
        rule: Rule,
        decided_ts: float,
        surfaced_ts: float | None,
    ) -> Decision:
        ko, en = rule_words(rule, decision.score, self.surface_at, self._hold)
        return Decision(
            match=decision.match,
            state=state,
            rule=rule,
            score=decision.score,
            factors=decision.factors,
            ko=ko,
            en=en,
            ts=decision.ts,
            decided_ts=decided_ts,
            surfaced_ts=surfaced_ts,
            group=decision.group,
            features=decision.features,
            threshold=self.surface_at,
            hold_s=self._hold,
        )

    def _expire(self) -> None:
        # Evidence a little past the window does no harm; sweeping on every read would.
        if self._now - self._expired_at < max(1.0, self.policy.window_s / 10):
            return
        self._expired_at = self._now
        cutoff = self._now - self.policy.window_s
        keep = set(self._held)
        for entry_id in [
            e for e, ev in self._evidence.items() if not prune_evidence(ev, cutoff, keep)
        ]:
            del self._evidence[entry_id]
        for entry_id, traffic in list(self._traffic.items()):
            traffic.forget_before(self._now - self.policy.traffic_s)
            if not len(traffic):
                del self._traffic[entry_id]
        # The memory keeps a day and its look-ups filter by age: sweeping it every
        # window tenth cost most of the chain's time on fleets (issue 17, D).
        if self._now - self._memory_swept_at < max(60.0, self.policy.memory_s / 24):
            return
        self._memory_swept_at = self._now
        forget = self._now - self.policy.memory_s
        for entry_id, memory in list(self._memory.items()):
            memory.forget_before(forget)
            if not len(memory):
                del self._memory[entry_id]


def _is_pattern(match: Match) -> bool:
    return "?" in match.registered or "*" in match.registered
