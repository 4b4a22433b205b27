"""The domain types of a wanted vehicle's movement: where it was seen, and how it got there.

Every type is a frozen value checked when it is built, so a bad coordinate or a
naive timestamp is refused at the edge with the field's name rather than turning
into a wrong speed three steps later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeAlias

PlateSide = Literal["front", "rear"]
"""Which plate an LPR camera reads: the front of vehicles coming at it, or the rear of those
driving away."""
Basis = Literal["road", "straight_line"]
"""What a distance was measured along: the road network, or the straight line between cameras."""
Pace = Literal["normal", "stop", "fast", "impossible"]
"""How the time between two hits compares with the drive along roads at their speeds."""


WordParam = float | int | str | None


@dataclass(frozen=True, slots=True)
class RouteWord:
    """One phrase of the escape route's wording as data: a stable ``code`` and its ``params``.

    The consoles word it from their catalogue in the reader's language; the
    ``reason``/``notice`` strings next to it stay for logs, the CLI and older clients.
    Numbers are plain: metres, seconds, degrees, km/h (docs/tracking.md, "The escape
    route's words").
    """

    code: str
    params: dict[str, WordParam] = field(default_factory=dict)

    def __hash__(self) -> int:  # legs are kept in sets; the params never change after build
        return hash((self.code, tuple(sorted(self.params.items()))))

    def json(self) -> dict[str, object]:
        """As it crosses the wire: ``{"code": …, "params": {…}}``."""
        return {"code": self.code, "params": dict(self.params)}


def _require_finite(field: str, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{field} must be a finite number, got {value!r}")


def _require_positive(field: str, value: float) -> None:
    _require_finite(field, value)
    if value <= 0:
        raise ValueError(f"{field} must be greater than 0, got {value!r}")


def _require_text(field: str, value: str) -> None:
    if not value or not value.strip():
        raise ValueError(f"{field} must not be empty")


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A place on the earth in WGS84 degrees: a camera, or where a hit was seen.

    Latitude runs -90..90 and longitude -180..180; anything else (including the
    registry placeholder ``999.999999``) raises ValueError naming the field.
    """

    lat: float
    lon: float

    def __post_init__(self) -> None:
        _require_finite("lat", self.lat)
        _require_finite("lon", self.lon)
        if not -90.0 <= self.lat <= 90.0:
            raise ValueError(f"lat must be between -90 and 90 degrees, got {self.lat!r}")
        if not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"lon must be between -180 and 180 degrees, got {self.lon!r}")


@dataclass(frozen=True, slots=True)
class Sighting:
    """One hit on a wanted entry as the police receive it: which camera, where, when.

    ``ts`` must carry its time zone: camera clocks in different centers are only
    comparable as instants, and a naive time would silently be read as UTC or as
    local time depending on the caller. ``heading`` is the direction the camera
    looks, in degrees clockwise from north, when the camera registry knows it; it
    is folded into 0 <= heading < 360. ``plate_side`` says whether the camera reads
    rear plates (the traffic drives the way it looks) or front plates (the traffic
    comes towards it); None when the registry does not know, and then the heading
    alone cannot tell which way a car went.
    """

    hit_id: str
    entry_id: str
    camera_id: str
    site: str
    ts: datetime
    point: GeoPoint
    heading: float | None = None
    level: str = "exact"
    score: float = 1.0
    plate_side: PlateSide | None = None

    def __post_init__(self) -> None:
        _require_text("hit_id", self.hit_id)
        if self.plate_side not in (None, "front", "rear"):
            raise ValueError(f"plate_side must be 'front', 'rear' or None, got {self.plate_side!r}")
        _require_text("entry_id", self.entry_id)
        _require_text("camera_id", self.camera_id)
        if self.ts.tzinfo is None or self.ts.utcoffset() is None:
            raise ValueError(
                f"ts must be timezone-aware, got the naive time {self.ts.isoformat()}; "
                "attach the camera's zone (e.g. Asia/Seoul) before building a Sighting"
            )
        if self.heading is not None:
            _require_finite("heading", self.heading)
            folded = self.heading % 360.0
            # A tiny negative folds to exactly 360.0 in floating point; that is north.
            # (A frozen value may still settle its own canonical form while it is built.)
            object.__setattr__(self, "heading", 0.0 if folded >= 360.0 else folded)
        _require_finite("score", self.score)


@dataclass(frozen=True, slots=True)
class PlausibilityPolicy:
    """When a journey between two hits counts as impossible (likely misread or cloned plate).

    ``max_speed_kmh`` is the straight-line speed above which no car on Korean roads
    could have made the trip; ``min_distance_m`` is the camera-position error below
    which two hits are never judged (GPS jitter, two cameras at one junction).
    docs/tracking.md explains both defaults.
    """

    max_speed_kmh: float = 180.0
    min_distance_m: float = 200.0

    def __post_init__(self) -> None:
        _require_positive("max_speed_kmh", self.max_speed_kmh)
        _require_finite("min_distance_m", self.min_distance_m)
        if self.min_distance_m < 0:
            raise ValueError(f"min_distance_m must be 0 or more, got {self.min_distance_m!r}")


@dataclass(frozen=True, slots=True)
class JourneyVerdict:
    """Whether a vehicle could have gone from one hit to the next, in dispatcher words.

    ``speed_kmh`` is the distance over elapsed time: ``inf`` when two cameras apart
    saw it at the same instant, 0 when it did not move. ``reason`` (English) and
    ``reason_ko`` (Korean, for the consoles) always explain the verdict.

    ``basis`` says what the distance was measured along. On ``"road"``,
    ``road_distance_m`` is the shortest drive between the two cameras' roads (the
    speed is taken over it), ``expected_s`` the fastest drive at the roads' speeds,
    ``pace`` how the elapsed time compares with it and ``route`` the fastest
    drive, to draw. On ``"straight_line"`` these are None and ``basis_note`` says
    why the roads were not used (no road data, a camera far from any road, ...).
    ``distance_m`` is always the straight line.
    """

    possible: bool
    speed_kmh: float
    distance_m: float
    elapsed_s: float
    reason: str
    reason_ko: str
    basis: Basis = "straight_line"
    road_distance_m: float | None = None
    expected_s: float | None = None
    pace: Pace | None = None
    route: RoadRoute | None = None
    basis_note: str | None = None
    basis_note_ko: str | None = None
    reason_words: tuple[RouteWord, ...] = ()
    """The reason as word codes, one per phrase (docs/tracking.md, "The escape route's words")."""
    basis_note_word: RouteWord | None = None


@dataclass(frozen=True, slots=True)
class Leg:
    """The stretch of a track between two consecutive hits, as drawn on the live map.

    ``elapsed_s`` is never negative: legs join hits in time order. ``bearing_deg``
    is None when the hits are within the position tolerance, where a bearing would
    only describe GPS jitter. ``reason``/``reason_ko`` are set only when the leg
    is ``impossible``. With road data (``basis == "road"``) the leg also carries
    the drive along roads (``route``, ``road_distance_m``, ``expected_s``), its
    ``pace``, and for a stop or a drive far faster than the roads allow a ``note``
    for the dispatcher; ``speed_kmh`` is then taken over the road distance. On the
    straight line, ``basis_note`` says why the roads were not used (for the card).
    """

    from_hit: Sighting
    to_hit: Sighting
    distance_m: float
    elapsed_s: float
    speed_kmh: float
    bearing_deg: float | None
    impossible: bool
    reason: str | None
    reason_ko: str | None
    basis: Basis = "straight_line"
    road_distance_m: float | None = None
    expected_s: float | None = None
    pace: Pace | None = None
    route: RoadRoute | None = None
    note: str | None = None
    note_ko: str | None = None
    basis_note: str | None = None
    basis_note_ko: str | None = None
    reason_words: tuple[RouteWord, ...] = ()
    note_words: tuple[RouteWord, ...] = ()
    basis_note_word: RouteWord | None = None


@dataclass(frozen=True, slots=True)
class TrackChange:
    """What one new hit changed on a track, so the police side can alert on a new flag.

    A hit that arrives late splits the leg it falls into: that leg is in
    ``removed_legs`` and its two halves in ``added_legs``. A hit seen before
    (same ``hit_id``) changes nothing and says ``duplicate``.
    """

    sighting: Sighting
    duplicate: bool
    out_of_order: bool
    latest_changed: bool
    added_legs: tuple[Leg, ...]
    removed_legs: tuple[Leg, ...]

    @property
    def new_impossible(self) -> tuple[Leg, ...]:
        """Impossible legs this hit created: raise an alert for each."""
        return tuple(leg for leg in self.added_legs if leg.impossible)

    @property
    def removed_impossible(self) -> tuple[Leg, ...]:
        """Impossible legs this hit replaced: take their warning off the map."""
        return tuple(leg for leg in self.removed_legs if leg.impossible)


@dataclass(frozen=True, slots=True)
class NextCameraPolicy:
    """How far ahead to look for the cameras that may see a wanted vehicle next.

    The vehicle may reach any camera within ``speed × horizon_min`` of its last
    hit; cameras within ``cone_half_angle_deg`` of its direction of travel rank
    first. Without a measured speed ``default_speed_kmh`` is assumed, and a
    measured speed is never taken below ``min_speed_kmh`` (a car that waited at
    lights between two cameras is not crawling). The arrival window spans speeds
    of ``1 ± speed_spread`` times the assumed one.
    """

    horizon_min: float = 10.0
    cone_half_angle_deg: float = 45.0
    default_speed_kmh: float = 50.0
    min_speed_kmh: float = 30.0
    speed_spread: float = 0.5
    near_m: float = 200.0
    max_results: int = 10

    def __post_init__(self) -> None:
        _require_positive("horizon_min", self.horizon_min)
        _require_positive("cone_half_angle_deg", self.cone_half_angle_deg)
        if self.cone_half_angle_deg > 180.0:
            raise ValueError(
                f"cone_half_angle_deg must be at most 180, got {self.cone_half_angle_deg!r}"
            )
        _require_positive("default_speed_kmh", self.default_speed_kmh)
        _require_positive("min_speed_kmh", self.min_speed_kmh)
        _require_finite("speed_spread", self.speed_spread)
        if not 0.0 <= self.speed_spread < 1.0:
            raise ValueError(
                f"speed_spread must be at least 0 and below 1, got {self.speed_spread!r}"
            )
        _require_finite("near_m", self.near_m)
        if self.near_m < 0:
            raise ValueError(f"near_m must be 0 or more, got {self.near_m!r}")
        if self.max_results < 1:
            raise ValueError(f"max_results must be at least 1, got {self.max_results!r}")


@dataclass(frozen=True, slots=True)
class NextCamera:
    """A camera likely to see the wanted vehicle next, with why and when.

    A ``near`` camera stands within ``near_m`` of the last one (the same
    junction); its ``bearing_deg`` and ``off_course_deg`` are None because a
    bearing over that distance means nothing. ``off_course_deg`` is also None when
    the direction of travel is unknown, and then no camera is ``in_cone``.
    ``earliest``/``latest`` is the estimated arrival window, counted from the last
    hit's time (not from now).
    """

    camera_id: str
    point: GeoPoint
    distance_m: float
    bearing_deg: float | None
    off_course_deg: float | None
    near: bool
    in_cone: bool
    earliest: datetime
    latest: datetime
    reason: str
    reason_ko: str
    reason_words: tuple[RouteWord, ...] = ()


# -- drives along roads (the road graph itself is safenet.tracking.roadgraph) --------------

NodeRef: TypeAlias = int | str
"""A junction of the road graph: OSM node ids are integers, SUMO junction ids strings."""

RouteBy = Literal["time", "length"]


@dataclass(frozen=True, slots=True)
class RoadPosition:
    """A place on one directed road (``u`` → ``v``): a camera's reading point, a hit's place.

    ``fraction`` runs from 0 at ``u`` to 1 at ``v`` along the road's shape;
    ``point`` is that place and ``offset_m`` how far the queried point (the camera
    site) lies from it. ``bearing_deg`` is the direction of travel on this road
    there, so the two positions of a two-way street differ by about 180 degrees.
    """

    u: NodeRef
    v: NodeRef
    fraction: float
    point: GeoPoint
    offset_m: float
    bearing_deg: float
    time_s: float
    length_m: float
    name: str | None = None
    road_class: str = "unknown"

    @property
    def time_to_end_s(self) -> float:
        """Seconds from here to the road's end ``v`` at the road's speed."""
        return (1.0 - self.fraction) * self.time_s

    @property
    def time_from_start_s(self) -> float:
        """Seconds from the road's start ``u`` to here at the road's speed."""
        return self.fraction * self.time_s


@dataclass(frozen=True, slots=True)
class RoadRoute:
    """A drive along roads from one position to another, as a dispatcher would see it drawn.

    ``time_s`` is at the roads' speeds (posted limits or class defaults), with no
    wait at lights; ``length_m`` is the driven distance; ``points`` the shape
    from ``start.point`` to ``end.point``; ``names`` the named streets in order
    (each once in a row). ``by`` says whether the route is the fastest or the
    shortest of the drives between the two places.
    """

    start: RoadPosition
    end: RoadPosition
    length_m: float
    time_s: float
    points: tuple[GeoPoint, ...]
    names: tuple[str, ...]
    by: RouteBy
