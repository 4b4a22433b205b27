"""Neighbour memory: the real plates near a wanted entry, remembered beyond the evidence window.

A neighbour car (a real car one character from a wanted plate) is read as its own
plate again and again, trip after trip, and surely. Within the evidence window
the chain already counts a read of the candidate's own text as evidence against
it (``against`` in :mod:`safenet.matching.decision.evidence`); a commuter's
earlier trips, hours before, fall out of that window. :class:`NeighbourMemory`
keeps them, bounded, per entry:

- only valid plates other than the wanted plate (never the wanted plate itself:
  memory can only ever count *against* a read of another plate, so it can never
  touch an exact read), read at or above ``min_confidence`` (read *surely*);
- one camera pass counts once, by its surest frame (a pass: one camera, frames at
  most ``pass_gap_s`` apart), as in the evidence window;
- at most ``max_plates`` plates per entry and ``max_passes`` passes per plate
  (the oldest go first), none older than ``max_age_s``.

:meth:`NeighbourMemory.sureness` answers, for a read of text ``T`` at time ``ts``,
the summed sureness of the remembered passes of ``T`` made before the evidence
window of that read (those inside it are the window's to count) and within
``max_age_s`` of it.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from safenet.matching.decision.reach import Reach
from safenet.matching.decision.types import Observation

MemoryRow = tuple[str, str, float, float, float]
"""One remembered pass as stored: (plate, camera_id, first_ts, last_ts, sureness)."""

TrafficRow = tuple[str, float, float, float, Observation, int]
"""One look-alike pass as stored: (plate, first_ts, last_ts, sureness, its surest frame, its
place in the log: passes are kept in the order they were noted)."""


@dataclass(slots=True)
class _Pass:
    camera_id: str
    first_ts: float
    last_ts: float
    sureness: float


class NeighbourMemory:
    """The surely read real plates that matched one entry: bounded in size and in age."""

    __slots__ = (
        "_max_age_s",
        "_max_passes",
        "_max_plates",
        "_min_sureness",
        "_pass_gap_s",
        "_plates",
    )

    def __init__(
        self,
        *,
        max_age_s: float,
        max_plates: int,
        max_passes: int,
        min_sureness: float,
        pass_gap_s: float,
    ) -> None:
        self._max_age_s = max_age_s
        self._max_plates = max_plates
        self._max_passes = max_passes
        self._min_sureness = min_sureness
        self._pass_gap_s = pass_gap_s
        # plate -> its passes, oldest first; the plate least recently read first
        self._plates: OrderedDict[str, list[_Pass]] = OrderedDict()

    def __len__(self) -> int:
        """How many plates are remembered."""
        return len(self._plates)

    @property
    def passes(self) -> int:
        """How many camera passes are remembered, over all plates."""
        return sum(len(p) for p in self._plates.values())

    def remember(self, text: str, camera_id: str, ts: float, sureness: float) -> bool:
        """Keep a read of a real plate ``text`` if it was sure enough; whether it was kept."""
        if self._max_plates <= 0 or self._max_passes <= 0 or sureness < self._min_sureness:
            return False
        self.forget_before(ts - self._max_age_s)
        passes = self._plates.get(text)
        if passes is None:
            passes = []
            self._plates[text] = passes
            while len(self._plates) > self._max_plates:
                self._plates.popitem(last=False)
        else:
            self._plates.move_to_end(text)
        for p in reversed(passes):
            if p.camera_id == camera_id and abs(ts - p.last_ts) <= self._pass_gap_s:
                p.last_ts = max(p.last_ts, ts)
                p.sureness = max(p.sureness, sureness)
                return True
        passes.append(_Pass(camera_id, ts, ts, sureness))
        passes.sort(key=lambda p: p.first_ts)
        del passes[: max(0, len(passes) - self._max_passes)]
        return True

    def forget_before(self, cutoff: float) -> None:
        """Forget the passes last read before ``cutoff`` (and plates left with none)."""
        for text in list(self._plates):
            passes = self._plates[text]
            kept = [p for p in passes if p.last_ts >= cutoff]
            if kept:
                passes[:] = kept
            else:
                del self._plates[text]

    def sureness(self, text: str, ts: float, window_s: float) -> tuple[float, int]:
        """Summed sureness and count of the passes of ``text`` before ``ts``'s window.

        Passes last read before ``ts - window_s`` and not before ``ts - max_age_s``.
        """
        passes = self._plates.get(text)
        if not passes:
            return 0.0, 0
        start = ts - self._max_age_s
        end = ts - window_s
        chosen = [p.sureness for p in passes if start <= p.last_ts < end]
        return sum(chosen), len(chosen)

    def to_rows(self) -> list[MemoryRow]:
        """Every remembered pass, the least recently read plate first (its passes oldest first).

        :meth:`load_rows` of these rows rebuilds the same memory (for a store that
        keeps it across a restart).
        """
        return [
            (text, p.camera_id, p.first_ts, p.last_ts, p.sureness)
            for text, passes in self._plates.items()
            for p in passes
        ]

    def load_rows(self, rows: Iterable[MemoryRow]) -> None:
        """Replace what is remembered by ``rows`` (as :meth:`to_rows` gave them, in order)."""
        self._plates.clear()
        for text, camera_id, first_ts, last_ts, sure in rows:
            passes = self._plates.setdefault(text, [])
            passes.append(_Pass(camera_id, float(first_ts), float(last_ts), float(sure)))


# -- Traffic near an entry: look-alike cars about, and how busy it is (issue 17, D) ----------
#
# Kept apart from NeighbourMemory (whose state another change serialises): a short,
# bounded log of the surely read passes of real plates ONE STEP from an entry's plate
# (one substitution, insertion, deletion or moved character), with where they were
# read. It answers two questions the chain asks:
#
# - ``crowd(ts)``: how many such passes in the last ``traffic_s`` (an hour): the
#   base rate of look-alike traffic around this entry (the calibration prior is
#   lowered when busier than the fitting corpus);
# - ``about(obs, reach, active_s)``: which look-alike cars could be the vehicle of
#   ``obs`` -- read surely within ``active_s`` before it at a camera from which
#   ``obs``'s camera is reachable in the time between. An exact read of the entry
#   is no proof while one of them could be there (a taxi fleet-mate one digit off,
#   misread by a camera that is sure of itself).


@dataclass(slots=True)
class LookalikePass:
    """One camera pass of a real look-alike plate: its surest frame."""

    plate: str
    obs: Observation  # the surest frame (camera, position, time, description)
    last_ts: float
    sureness: float
    first_ts: float  # its first frame: with plate and camera, the pass's name in a store
    order: int  # its place in the log (the order the passes were noted)


class NearTraffic:
    """The surely read passes of real plates one step from one entry's plate, for an hour."""

    __slots__ = ("_made", "_max_passes", "_min_sureness", "_pass_gap_s", "_passes", "_traffic_s")

    def __init__(
        self, *, traffic_s: float, min_sureness: float, pass_gap_s: float, max_passes: int
    ) -> None:
        self._traffic_s = traffic_s
        self._min_sureness = min_sureness
        self._pass_gap_s = pass_gap_s
        self._max_passes = max_passes
        self._passes: deque[LookalikePass] = deque()  # in stream order
        self._made = 0  # passes noted so far: the next one's order

    def __len__(self) -> int:
        """How many passes are kept."""
        return len(self._passes)

    def note(self, plate: str, obs: Observation, sureness: float) -> bool:
        """Keep a read of the look-alike ``plate`` if it was sure enough; whether it was kept."""
        if self._max_passes <= 0 or sureness < self._min_sureness:
            return False
        ts = obs.ts
        self.forget_before(ts - self._traffic_s)
        for p in reversed(self._passes):
            if ts - p.last_ts > self._pass_gap_s:
                break
            if p.plate == plate and p.obs.camera_id == obs.camera_id:
                p.last_ts = max(p.last_ts, ts)
                if sureness > p.sureness:
                    p.obs, p.sureness = obs, sureness
                return True
        self._passes.append(LookalikePass(plate, obs, ts, sureness, ts, self._made))
        self._made += 1
        while len(self._passes) > self._max_passes:
            self._passes.popleft()
        return True

    def to_rows(self) -> list[TrafficRow]:
        """Every kept pass, in the log's order (:meth:`load_rows` rebuilds the same log)."""
        return [(p.plate, p.first_ts, p.last_ts, p.sureness, p.obs, p.order) for p in self._passes]

    def load_rows(self, rows: Iterable[TrafficRow]) -> None:
        """Replace the log by ``rows`` (as :meth:`to_rows` gave them, in any order): put back
        in the log's order, only the newest ``max_passes``."""
        ordered = sorted(rows, key=lambda r: r[5])
        self._passes = deque(
            LookalikePass(plate, obs, float(last), float(sure), float(first), int(order))
            for plate, first, last, sure, obs, order in ordered
        )
        while len(self._passes) > self._max_passes:
            self._passes.popleft()
        self._made = max((r[5] + 1 for r in ordered), default=self._made)

    def forget_before(self, cutoff: float) -> None:
        """Forget the passes last read before ``cutoff``."""
        while self._passes and self._passes[0].last_ts < cutoff:
            self._passes.popleft()

    def crowd(self, ts: float) -> int:
        """How many look-alike passes were read in the ``traffic_s`` before ``ts`` (up to it)."""
        start = ts - self._traffic_s
        return sum(1 for p in self._passes if start <= p.last_ts <= ts)

    def about(
        self, obs: Observation, reach: Reach, active_s: float, *, alibis: bool = True
    ) -> dict[str, LookalikePass]:
        """The look-alike cars that could be ``obs``'s vehicle: plate -> its latest pass.

        With ``alibis`` (for a read that is not exact), a plate counts when its latest
        pass before ``obs`` (within ``active_s``) was at a camera from which ``obs``'s
        camera is reachable in the time between, and no pass of it since (known now,
        when a held read is weighed again) is out of reach of ``obs`` -- that car was
        elsewhere. Without (for an exact read, the alert's gate), a plate counts when
        *any* of its passes within ``active_s`` before ``obs`` reaches it: a sure read of
        a look-alike plate shows the car may be there, never that it is not somewhere
        else -- that read may itself be a misread of another car, of the wanted car even
        (corpus D: a wanted fleet car misread into its wanted mate's plate alerted while
        the look-alike passes of that hour were each "alibied" by their latest pass).
        """
        ts = obs.ts
        latest: dict[str, LookalikePass] = {}
        alibi: set[str] = set()
        near: set[str] = set()
        for p in reversed(self._passes):
            if ts - p.last_ts > active_s:
                break
            if p.last_ts > ts:
                if alibis and p.plate not in alibi and not reach.reachable(obs, p.obs):
                    alibi.add(p.plate)
                continue
            if p.plate not in latest:
                latest[p.plate] = p
            if not alibis and p.plate not in near and reach.reachable(p.obs, obs):
                near.add(p.plate)
        if not alibis:
            return {plate: p for plate, p in latest.items() if plate in near}
        return {
            plate: p
            for plate, p in latest.items()
            if plate not in alibi and reach.reachable(p.obs, obs)
        }


def one_step(a: str, b: str) -> bool:
    """Whether two different texts are one substitution, insertion, deletion or move apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < len(long_):
        return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
    # the same length: one character moved (taken out at i, put back at j)
    return any(
        a[:i] + a[i + 1 :] == b[:j] + b[j + 1 :] for i in range(len(a)) for j in range(len(b))
    )
