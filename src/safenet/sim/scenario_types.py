"""What a scenario says: the wanted vehicles, the background traffic, the city, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from safenet.sim.districts import DEFAULT_DISTRICTS, DistrictSpec
from safenet.sim.noise import NoiseRates
from safenet.sim.plates_gen import PlateMix


@dataclass(frozen=True, slots=True)
class Place:
    """A point in the city: a district, optionally a named place or coordinates in it.

    ``district`` is the center's site id; ``line`` the scenario line it was given on.
    """

    district: str | None
    lat: float | None = None
    lon: float | None = None
    name: str | None = None
    line: int = 0

    def describe(self) -> str:
        """The place in words: name, district and coordinates as given."""
        parts = [p for p in (self.name, self.district) if p]
        if self.lat is not None and self.lon is not None:
            parts.append(f"{self.lat:.5f}, {self.lon:.5f}")
        return " / ".join(parts)


@dataclass(frozen=True, slots=True)
class VehicleDescription:
    """What a witness or the register says the wanted vehicle looks like."""

    make: str = ""
    model: str = ""
    colour: str = ""
    type: str = ""  # body type, a word of the vehicle vocabulary (승용, SUV, ...)

    def text(self) -> str:
        """Colour, make and model as one short line for the hotlist."""
        return " ".join(p for p in (self.colour, self.make, self.model) if p)


@dataclass(frozen=True, slots=True)
class WantedSpec:
    """A wanted vehicle of the scenario: how the police register it and how it moves.

    ``plate`` is the plate the vehicle really carries; ``registered_plate`` what the
    police register: the same plate, or a witness pattern (``12가34??``) that
    matches it. Times are seconds of simulated time from the start. ``destination``
    is set for a vehicle heading somewhere; ``flee`` for one that keeps driving to
    random far places. ``speed`` multiplies the road speeds.
    """

    id: str
    plate: str
    registered_plate: str
    vehicle: VehicleDescription
    category: str
    case_number: str
    register_at: float
    depart_at: float
    start: Place
    destination: Place | None
    flee: bool
    speed: float
    registrar: str
    approver: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class BackgroundSpec:
    """The ordinary traffic: reads per wall-clock second, read reliability, plate mix."""

    reads_per_s: float = 20.0
    read_probability: float = 0.9
    noise: NoiseRates = field(default_factory=NoiseRates)
    plate_mix: PlateMix = field(default_factory=PlateMix)


@dataclass(frozen=True, slots=True)
class CitySpec:
    """Overrides of how the city is assembled (see :class:`safenet.sim.city.CitySettings`)."""

    districts: tuple[DistrictSpec, ...] = DEFAULT_DISTRICTS
    max_cameras: int = 150
    coverage_radius_m: float = 150.0
    read_radius_m: float = 30.0
    min_spacing_m: float = 25.0


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole simulation run as a scenario file describes it.

    ``duration_s`` is simulated time; ``speed_factor`` simulated seconds per
    wall-clock second. ``start_time`` fixes the simulated clock's start (None: the
    moment the run starts).
    """

    name: str
    description: str
    seed: int
    duration_s: float
    speed_factor: float
    start_time: datetime | None
    background: BackgroundSpec
    city: CitySpec
    wanted: tuple[WantedSpec, ...]
    source: str = "<scenario>"

    @property
    def wall_duration_s(self) -> float:
        """How long the run takes on the wall clock."""
        return self.duration_s / self.speed_factor
