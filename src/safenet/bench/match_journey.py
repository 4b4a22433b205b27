"""Journey corpora for ``safenet bench match``: wanted cars, look-alike neighbours, traffic.

A journey corpus is a city's reads in time order with the truth behind each one:
which vehicle it was, and whether that vehicle is a wanted entry's own car, a
real *neighbour* car one character away from a wanted plate, or background
traffic. Six generators make them, written apart with different choices so a
figure that holds on one and not the other is seen (docs/matching.md, "Journey
benchmark"):

- :mod:`safenet.bench.match_journey_grid` (A): a grid city, correlated OCR noise
  per vehicle and per camera pass, colours and types drawn from
  :mod:`safenet.vehicles.confusion` -- the corpus the calibration is fitted on
  (with another seed);
- :mod:`safenet.bench.match_journey_roads` (B): real central-Seoul roads, the
  simulator's OCR noise model, other speeds, more neighbours, colour noise that
  knows nothing of our confusion model -- never used for fitting or choosing;
- :mod:`safenet.bench.match_journey_rings` (C): a ring-and-radial city with day and
  night, its own OCR misread table and commuter neighbours, written after the chain
  and run as written (issue 17) -- never used for fitting or choosing;
- :mod:`safenet.bench.match_journey_fleets` (D): taxi and rental fleets with
  consecutive serials, two camera vendors (one without alternatives and
  overconfident), paired cameras, rain spells and habitual confusions, written
  apart from the chain and run as written (issue 17);
- :mod:`safenet.bench.match_journey_e` (E): one Monday at Daejeon's real
  enforcement-camera sites, its own OCR and vendor model, written blind to the chain
  (only this interface read) and run as written (issue 17);
- :mod:`safenet.bench.match_journey_f` (F): the 경부고속도로 corridor's gantries and
  부산's port-district cameras, trucks with trailers, convoys of fleet-mates, fog and a
  tunnel, written blind to the chain and run as written (issue 17).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from safenet.matching import HotlistEntry, Read
from safenet.tracking import GeoPoint


class Role(StrEnum):
    """What a vehicle is to the hotlist."""

    WANTED = "wanted"  # an entry's own vehicle
    NEIGHBOUR = "neighbour"  # a real car one character away from an entry's plate
    BACKGROUND = "background"  # everyone else


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One generated vehicle: its plate, what it is to the hotlist, and which entry."""

    plate: str
    role: Role
    entry_id: str | None = None  # its own entry (wanted) or the entry it looks like


@dataclass
class JourneyCorpus:
    """A city's reads in time order, the hotlist, the cameras, and the truth of each read."""

    name: str
    how: str
    entries: list[HotlistEntry]
    cameras: dict[str, GeoPoint]
    vehicles: list[Vehicle]
    reads: list[Read] = field(default_factory=list)
    vehicle_of: list[int] = field(default_factory=list)  # per read: index into vehicles
    _near_keys: dict[str, set[str]] | None = field(default=None, init=False, repr=False)

    def near_entries(self, plate: str) -> frozenset[str]:
        """Every entry whose plate is one step from ``plate`` (never the same plate).

        One step: a substitution, an insertion, a deletion, or one character moved.
        A neighbour car can be one step from several entries (a fleet-mate between
        two wanted fleet cars): the figures count a false line on it as a neighbour
        line for any of them.
        """
        by_key = self._near_keys
        if by_key is None:
            by_key = {}
            for e in self.entries:
                for key in _step_keys(e.plate):
                    by_key.setdefault(key, set()).add(e.id)
                by_key.setdefault("\0" + e.plate, set()).add(e.id)  # the same plate
            self._near_keys = by_key
        out: set[str] = set()
        for key in _step_keys(plate):
            out |= by_key.get(key, set())
        return frozenset(out - by_key.get("\0" + plate, set()))

    def sort(self) -> None:
        """Put the reads in time order (the generators emit them vehicle by vehicle)."""
        order = sorted(range(len(self.reads)), key=lambda i: float(self.reads[i].ts))
        self.reads = [self.reads[i] for i in order]
        self.vehicle_of = [self.vehicle_of[i] for i in order]


def _step_keys(plate: str) -> set[str]:
    """Keys two texts share exactly when they are one step apart (or equal).

    Deleting one character from each, one substitution or one moved character leaves
    the same text; after one insertion, deleting it leaves the shorter text itself,
    which is a key too.
    """
    keys = {plate[:i] + plate[i + 1 :] for i in range(len(plate))}
    keys.add(plate)
    return keys


def split_reads(total: int, wanted: int, neighbours: int) -> str:
    """A line that says how many reads each kind of vehicle made (for the report)."""
    return f"{total:,} reads ({wanted:,} of wanted cars, {neighbours:,} of neighbours)"
