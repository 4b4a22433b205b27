"""The escape-route settings section (``[route]`` in the configuration file)."""

from __future__ import annotations

from pydantic import Field, field_validator

from safenet.section import Section
from safenet.tracking import RoutePolicy


class RouteSettings(Section):
    """How the escape route is worked out: horizons, road snapping, fallbacks, ranking."""

    horizons_min: list[float] = Field(
        default_factory=lambda: [2.0, 5.0, 10.0],
        description="Minutes after the latest hit for which the reachable cameras and the reach "
        "area are shown (increasing).",
    )
    snap_m: float = Field(
        150.0,
        gt=0.0,
        le=1000.0,
        description="A camera farther than this (metres) from every road is not on the road "
        "data: its journeys are judged on the straight line.",
    )
    max_detour: float = Field(
        4.0,
        ge=1.0,
        le=50.0,
        description="A drive longer than this many times the straight line means the road data "
        "misses a link: the impossible-journey check then uses the straight line.",
    )
    fallback_speed_kmh: float = Field(
        50.0,
        gt=0.0,
        le=200.0,
        description="Speed assumed for the straight-line reach where there is no road data.",
    )
    min_transitions: int = Field(
        1,
        ge=1,
        le=10_000,
        description="Learned camera-to-camera counts rank the next cameras only from this many "
        "transitions out of the latest camera on (they are always blended with the roads).",
    )
    transition_gap_s: float = Field(
        900.0,
        gt=0.0,
        le=86_400.0,
        description="Two reads of one plate further apart than this (seconds) are not a "
        "transition; plates are remembered, hashed, for at most this long.",
    )
    max_results: int = Field(
        10, ge=1, le=100, description="How many reachable cameras the card lists."
    )
    area_cell_m: float = Field(
        60.0,
        ge=10.0,
        le=500.0,
        description="Grain of the reach area on the map (metres); the roads are widened by "
        "about this much.",
    )
    cache_graphs: bool = Field(
        True,
        description="Keep a compact copy of each road network under var_dir/roads, rebuilt "
        "when its file changes, so services load road data faster.",
    )

    @field_validator("horizons_min")
    @classmethod
    def _increasing(cls, value: list[float]) -> list[float]:
        if not value:
            raise ValueError("give at least one horizon")
        if any(not 0 < h <= 120 for h in value) or value != sorted(set(value)):
            raise ValueError("horizons must be increasing minutes between 0 and 120")
        return value

    def policy(self) -> RoutePolicy:
        """The tracking policy these settings describe."""
        return RoutePolicy(
            snap_m=self.snap_m,
            max_detour=self.max_detour,
            horizons_min=tuple(self.horizons_min),
            fallback_speed_kmh=self.fallback_speed_kmh,
            min_transitions=self.min_transitions,
            max_results=self.max_results,
            area_cell_m=self.area_cell_m,
        )
