"""What the simulator produces: camera reads in the centers' ingest format, with the truth.

A :class:`ReadEvent` is one read a camera sends to its center. ``read`` is the
exact JSON object the center's ingest takes (HTTP ``POST /api/v1/reads`` or
MQTT); ``truth`` is what really drove past, which never leaves the simulator:
the demo scores the system against it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from safenet.sim.noise import NoiseKind


@dataclass(frozen=True, slots=True)
class ReadTruth:
    """The vehicle behind a read: its real plate, how the read got it wrong, who it is."""

    plate: str
    noise: NoiseKind
    vehicle_id: str
    wanted_id: str | None

    @property
    def wanted(self) -> bool:
        """Whether the vehicle is one of the scenario's wanted vehicles."""
        return self.wanted_id is not None


@dataclass(frozen=True, slots=True)
class ReadEvent:
    """One plate read at one camera of one center, at simulated second ``t_s`` (time ``ts``)."""

    site: str
    camera_id: str
    t_s: float
    ts: datetime
    read: dict[str, Any]
    truth: ReadTruth

    @property
    def read_id(self) -> str:
        """The read's id as sent to the center."""
        return str(self.read["id"])


@dataclass
class TruthStats:
    """What the simulator has produced so far, for the demo's scoring and for calibration."""

    reads: int = 0
    background_reads: int = 0
    missed_passes: int = 0
    vehicles: int = 0
    sim_seconds: float = 0.0
    by_site: Counter[str] = field(default_factory=Counter)
    by_noise: Counter[str] = field(default_factory=Counter)
    wanted_reads: dict[str, Counter[str]] = field(default_factory=dict)
    wanted_cameras: dict[str, set[str]] = field(default_factory=dict)

    def record(self, event: ReadEvent) -> None:
        """Count one emitted read."""
        self.reads += 1
        self.by_site[event.site] += 1
        self.by_noise[event.truth.noise.value] += 1
        wanted = event.truth.wanted_id
        if wanted is None:
            self.background_reads += 1
        else:
            self.wanted_reads.setdefault(wanted, Counter())[event.site] += 1
            self.wanted_cameras.setdefault(wanted, set()).add(event.camera_id)

    def background_rate(self, speed_factor: float) -> float:
        """Background reads per wall-clock second over the simulated time covered so far."""
        if self.sim_seconds <= 0:
            return 0.0
        return self.background_reads / (self.sim_seconds / speed_factor)

    def misread_share(self) -> float:
        """Share of reads whose plate differs from the vehicle's."""
        if not self.reads:
            return 0.0
        return 1.0 - self.by_noise[NoiseKind.NONE.value] / self.reads
