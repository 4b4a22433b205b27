"""What an entry's recent reads say about one of them: the factors the score is made of.

For each wanted entry the chain keeps the reads that matched it at any level
within the window (:class:`EntryEvidence`), each linked to the others one
vehicle could have made (:class:`~safenet.matching.decision.reach.Reach`). For a
match it then measures (:class:`Features`):

- ``plate``: the matcher's own score as log-odds -- plate similarity, read
  confidence and the OCR's alternatives, all in one (docs/matching.md, "Score");
- ``exact``: 1 when the camera's top read is the registered plate;
- ``colour``, ``type``, ``make``: the log likelihood ratio of what the camera saw
  against the entry's description (0 when either side does not say);
- ``support``: ``log(1 + sum)`` over the linked reads of the wanted plate itself,
  each counted by how sure the camera was (``-log(1 - confidence)``: 0.9 counts
  2.3, 0.6 counts 0.9; a read whose description contradicts the entry counts
  nothing: a look-alike car misread), plus other misreads of it, each by its own
  chance of being the wanted vehicle;
- ``against``: ``-log(1 + sum)`` over the linked reads that say the vehicle carries
  another valid plate, by the same sureness: this read's own text read again (a
  neighbour car is read as its own plate again and again, a misread rarely
  repeats), any other plate in the same camera pass, and, for an exact read, any
  other valid plate near the wanted one within reach; and, for a read of another
  valid plate, the neighbour memory's passes of that very plate before the window
  (:mod:`safenet.matching.decision.memory`: a real car with that plate was read
  surely, hours ago, trip after trip).

The fit ties the weights of ``support`` and ``against``: a read of the wanted plate
and a read of another plate, equally sure, cancel -- the vehicle is whichever plate
its cameras read more surely, whatever mix of wanted cars and look-alikes the
fitting corpus had.

Witness patterns have no plate to be "another" of: every linked read supports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from safenet.matching.decision.memory import NeighbourMemory
from safenet.matching.decision.reach import Reach
from safenet.matching.decision.types import (
    AGREEMENT_RATIO,
    BACKING_RATIO,
    Features,
    Observation,
    WantedVehicle,
)
from safenet.matching.types import Level, Match
from safenet.tracking import distance_m
from safenet.vehicles import Description, body_ratio, colour_ratio, make_ratio

_SCORE_CLIP = 1e-4
_SURE_CAP = 0.999


def logit(p: float) -> float:
    """Log-odds of a probability, clipped away from 0 and 1."""
    q = min(1.0 - _SCORE_CLIP, max(_SCORE_CLIP, p))
    return math.log(q / (1.0 - q))


def sigmoid(x: float) -> float:
    """The probability of log-odds ``x``."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def sureness(confidence: float) -> float:
    """How sure a camera was of its top text, as ``-log(1 - confidence)``."""
    return -math.log(1.0 - min(confidence, _SURE_CAP))


@dataclass(frozen=True, slots=True)
class DescriptionFit:
    """How a camera's description compares with the entry's, one log ratio per part."""

    colour: float = 0.0
    body: float = 0.0
    make: float = 0.0

    @property
    def total(self) -> float:
        """The parts together (log of the product of the ratios)."""
        return self.colour + self.body + self.make


def description_fit(seen: Description, registered: Description) -> DescriptionFit:
    """The camera's description against the entry's (0 for every part either side lacks)."""
    colour = body = make = 0.0
    if seen.colour is not None and registered.colour is not None:
        colour = math.log(colour_ratio(seen.colour, registered.colour))
    if seen.body is not None and registered.body is not None:
        body = math.log(body_ratio(seen.body, registered.body))
    if seen.make is not None and registered.make is not None:
        make = math.log(make_ratio(seen.make, registered.make))
    return DescriptionFit(colour, body, make)


_AGREES = math.log(AGREEMENT_RATIO)


_BACKS = math.log(BACKING_RATIO)


def description_backs(fit: DescriptionFit, wanted: WantedVehicle) -> bool:
    """Whether the look backs an unsure exact read.

    Every part the entry describes was seen and agrees, and together they make the
    read at least :data:`BACKING_RATIO` times likelier for the wanted car than for
    any car: a white SUV seen for a white SUV does, a "car" seen for a car does not.
    """
    parts = [
        (wanted.description.colour, fit.colour),
        (wanted.description.body, fit.body),
        (wanted.description.make, fit.make),
    ]
    known = [ratio for registered, ratio in parts if registered is not None]
    return bool(known) and all(r >= _AGREES for r in known) and fit.total >= _BACKS


@dataclass(slots=True)
class Evidence:
    """One read of an entry in the window: the read, its match, and what it weighs alone."""

    seq: int
    obs: Observation
    match: Match
    fit: DescriptionFit
    weight: float
    links: list[int] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """Whether the camera's top read is the registered plate."""
        return self.match.level is Level.EXACT and self.match.rank == 0


class EntryEvidence:
    """The recent reads of one wanted entry, linked by whether one vehicle could make both."""

    __slots__ = (
        "_contradiction",
        "_items",
        "_memory",
        "_min_site_m",
        "_policy_gap",
        "_reach",
        "_window_s",
        "wanted",
    )

    def __init__(
        self,
        wanted: WantedVehicle,
        reach: Reach,
        *,
        window_s: float,
        pass_gap_s: float,
        contradiction: float,
        memory: NeighbourMemory | None = None,
        min_site_m: float = 200.0,
    ) -> None:
        self.wanted = wanted
        self._min_site_m = min_site_m
        self._memory = memory
        self._contradiction = contradiction
        self._reach = reach
        self._window_s = window_s
        self._policy_gap = pass_gap_s
        self._items: dict[int, Evidence] = {}

    def __len__(self) -> int:
        return len(self._items)

    def add(self, seq: int, obs: Observation, match: Match) -> Evidence:
        """Keep a read of this entry, linked to the kept reads one vehicle could have made."""
        fit = description_fit(obs.seen, self.wanted.description)
        weight = sigmoid(logit(match.score) + fit.total)
        item = Evidence(seq, obs, match, fit, weight)
        if self._memory is not None and self._remembers(obs):
            self._memory.remember(obs.text, obs.camera_id, obs.ts, sureness(obs.confidence))
        for other in self._items.values():
            if abs(other.obs.ts - obs.ts) <= self._window_s and self._reach.reachable(
                other.obs, obs
            ):
                other.links.append(seq)
                item.links.append(other.seq)
        self._items[seq] = item
        return item

    def expire(self, before_ts: float, keep: set[int]) -> None:
        """Forget reads older than ``before_ts``, except those in ``keep`` (held ones)."""
        old = [s for s, e in self._items.items() if e.obs.ts < before_ts and s not in keep]
        for seq in old:
            del self._items[seq]

    def get(self, seq: int) -> Evidence | None:
        """A kept read by its sequence number."""
        return self._items.get(seq)

    def features(self, item: Evidence) -> Features:
        """The factors of ``item``'s score, given every linked read kept now.

        A camera pass (one camera, frames less than ``pass_gap_s`` apart) counts once
        per kind of evidence, by its surest frame: a camera that reads one car ten
        times in a second has seen it once, and its frames share their errors.
        """
        wanted = self.wanted
        text = item.obs.text
        exact_top = text == wanted.plate
        plate_best: dict[int, float] = {}
        other_best: dict[int, float] = {}
        third_best: dict[int, float] = {}
        plate_reads = against_reads = pass_reads = support_reads = 0
        sites: set[int] = set()
        linked = [e for seq in item.links if (e := self._items.get(seq)) is not None]
        for other, pass_id in zip(linked, self._pass_ids(linked), strict=True):
            said = other.obs.text
            same_pass = self._same_pass(item.obs, other.obs)
            if wanted.pattern or said == wanted.plate:
                if other.fit.total > self._contradiction:  # a look-alike car's misread: no
                    _keep_max(plate_best, pass_id, sureness(other.obs.confidence))
                    if not wanted.pattern and self._other_site(item.obs, other.obs):
                        sites.add(pass_id)
                support_reads += 1
                # a frame of the same pass repeats this read's error as often as not:
                # only a read of another pass backs it
                plate_reads += not wanted.pattern and not same_pass
            elif not other.obs.valid_plate:
                # no plate of its own: at most a misread of this one
                _keep_max(third_best, pass_id, other.weight)
                support_reads += 1
            elif same_pass or exact_top or said == text:
                # the vehicle read as another valid plate: in this very pass, or (for an
                # exact read) anywhere within reach, or this read's own text again
                _keep_max(other_best, pass_id, sureness(other.obs.confidence))
                against_reads += 1
                pass_reads += same_pass
            else:
                _keep_max(third_best, pass_id, other.weight)  # perhaps the wanted plate
                support_reads += 1
        elsewhere = (
            self._elsewhere(item, set(item.links)) if exact_top and not wanted.pattern else 0
        )
        for_plate = sum(plate_best.values())
        other_plate = sum(other_best.values())
        for_memory, memory_reads = 0.0, 0
        if self._memory is not None and self._remembers(item.obs):
            for_memory, memory_reads = self._memory.sureness(text, item.obs.ts, self._window_s)
        third = sum(third_best.values())
        return Features(
            plate=logit(item.match.score),
            exact=1.0 if item.exact else 0.0,
            colour=item.fit.colour,
            type=item.fit.body,
            make=item.fit.make,
            support=math.log1p(for_plate + third),
            against=-math.log1p(other_plate + for_memory),
            support_reads=support_reads,
            against_reads=against_reads,
            pass_against_reads=pass_reads,
            plate_reads=plate_reads,
            for_plate=for_plate,
            for_other=other_plate,
            memory_reads=memory_reads,
            for_memory=for_memory,
            site_reads=len(sites),
            elsewhere_reads=elsewhere,
        )

    def _elsewhere(self, item: Evidence, linked: set[int]) -> int:
        """Reads of the wanted plate in the window one car could not have made with ``item``.

        Out of reach of it: read too far away for the time between.

        One car cannot be at both: one of the two reads is not the wanted car (a look-alike
        misread into its plate, or a second car carrying it). A read whose description
        contradicts the entry is not counted (a look-alike's misread is no sign of the
        wanted car elsewhere).
        """
        plate = self.wanted.plate
        count = 0
        for seq, other in self._items.items():
            if seq == item.seq or seq in linked or other.obs.text != plate:
                continue
            if other.fit.total <= self._contradiction:
                continue
            if abs(other.obs.ts - item.obs.ts) > self._window_s:
                continue
            if other.obs.point is None or item.obs.point is None:
                continue  # reaches nothing: no sign either way
            count += 1
        return count

    def _remembers(self, obs: Observation) -> bool:
        """Whether a read is of a real plate the memory is for: valid, not the wanted one."""
        return not self.wanted.pattern and obs.valid_plate and obs.text != self.wanted.plate

    def _pass_ids(self, items: list[Evidence]) -> list[int]:
        """A camera-pass number for each item: same camera, frames within the pass gap."""
        order = sorted(range(len(items)), key=lambda i: (items[i].obs.camera_id, items[i].obs.ts))
        ids = [0] * len(items)
        current = -1
        last: Observation | None = None
        for i in order:
            obs = items[i].obs
            if last is None or not self._same_pass(last, obs):
                current += 1
            ids[i] = current
            last = obs
        return ids

    def _other_site(self, a: Observation, b: Observation) -> bool:
        """Whether ``b`` was read at another camera site than ``a``: a pass of its own.

        Another camera at least ``min_site_m`` away (a paired camera a few dozen metres
        on reads the same pass, and repeats its misreads).
        """
        if a.camera_id == b.camera_id or a.point is None or b.point is None:
            return False
        return distance_m(a.point, b.point) >= self._min_site_m

    def _same_pass(self, a: Observation, b: Observation) -> bool:
        return a.camera_id == b.camera_id and abs(a.ts - b.ts) <= self._policy_gap


def _keep_max(best: dict[int, float], key: int, value: float) -> None:
    if value > best.get(key, 0.0):
        best[key] = value


def prune_evidence(evidence: EntryEvidence, cutoff: float, keep: set[int]) -> bool:
    """Forget an entry's old reads; whether any are left."""
    evidence.expire(cutoff, keep)
    return len(evidence) > 0


def vehicle_of(wanted: WantedVehicle, item: Evidence, features: Features) -> str:
    """The plate the vehicle appears to carry: the queue item's second key."""
    if wanted.pattern:
        return item.obs.text
    if (
        item.obs.text != wanted.plate
        and item.obs.valid_plate
        and (features.against_reads or features.memory_reads)
    ):
        return item.obs.text
    return wanted.plate
