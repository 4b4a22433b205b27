"""The simulated city: districts with their real cameras on real roads, or a flagged stand-in.

Each district is one smart-city center (site ids ``seocho``, ``gangnam``,
``eunpyeong`` by default). Its camera sites come from the national CCTV standard
data in ``<data_dir>/cctv/``; its roads from the network in ``<data_dir>/roads/``
that comes closest to those sites. A district no real network covers gets a
straight-line graph between its camera sites, and the summary says so: that is
never a road map. Districts that use the same network (서초구 and 강남구 on the
Gangnam/Seocho SUMO net) share it, so a vehicle can drive from one center's
cameras into the next. With no data folder at all the whole city is generated
and the summary says that first.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from safenet.cctv import CameraSite
from safenet.roads import (
    RoadDataError,
    RoadNetwork,
    haversine_m,
    load_networks,
    synthetic_from_points,
)
from safenet.roads.types import NodeId
from safenet.sim.boundaries import Area, load_areas
from safenet.sim.camera_sources import CctvFolder
from safenet.sim.cameras import SimCamera, pick_cameras
from safenet.sim.districts import DEFAULT_DISTRICTS, DistrictSpec
from safenet.sim.synthetic_sites import synthetic_sites

logger = logging.getLogger(__name__)

NO_DATA_NOTICE = (
    "no data folder: a fully SYNTHETIC city (generated camera sites on a grid around each "
    "district office, straight-line roads between them); nothing here is a real camera or road"
)


@dataclass(frozen=True, slots=True)
class CitySettings:
    """How the city is assembled; every distance in metres."""

    districts: tuple[DistrictSpec, ...] = DEFAULT_DISTRICTS
    coverage_radius_m: float = 150.0
    max_cameras: int = 150
    min_spacing_m: float = 25.0
    min_real_cameras: int = 10
    synthetic_join_m: float = 6000.0
    outlier_m: float = 10_000.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.districts:
            raise ValueError("districts: the city needs at least one district")
        sites = [d.site for d in self.districts]
        if len(set(sites)) != len(sites):
            raise ValueError(f"districts: site ids repeat ({', '.join(sites)})")
        for name in ("coverage_radius_m", "min_spacing_m", "synthetic_join_m", "outlier_m"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be >= 0")
        if self.max_cameras < 1:
            raise ValueError("max_cameras must be at least 1")


@dataclass(eq=False)
class District:
    """One center's part of the city: its LPR cameras, its road network and how well they fit."""

    spec: DistrictSpec
    cameras: tuple[SimCamera, ...]
    network: RoadNetwork
    camera_source: str
    sites: int
    near_road: int
    nodes: tuple[NodeId, ...]
    synthetic_sites: bool = False
    outliers: int = 0

    @property
    def site(self) -> str:
        """The center's site id on the link."""
        return self.spec.site

    @property
    def name(self) -> str:
        """The district's Korean name."""
        return self.spec.name

    @property
    def coverage(self) -> float:
        """Share of the district's camera sites within the coverage radius of its roads."""
        return self.near_road / self.sites if self.sites else 0.0

    def roads_text(self) -> str:
        """What the roads are, for people: the real file and licence, or the synthetic notice."""
        net = self.network
        if net.synthetic:
            return f"SYNTHETIC: {net.notice}"
        source = net.source.name if net.source else net.name
        return f"real ({net.kind}): {source}; licence: {net.licence}"

    def lpr_rows(self) -> list[dict[str, object]]:
        """The district's cameras as the center's LPR camera list (docs/cameras.md)."""
        return [camera.lpr_row() for camera in self.cameras]


@dataclass(eq=False)
class City:
    """The whole simulated city: districts, the networks they drive on, and what is made up."""

    districts: dict[str, District]
    settings: CitySettings
    data_dir: Path | None
    notices: list[str] = field(default_factory=list)
    node_district: dict[int, dict[NodeId, str]] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """True when nothing in the city comes from data (no data folder)."""
        return self.data_dir is None

    def district(self, key: str) -> District:
        """A district by site id (``seocho``) or Korean name (``서초구``)."""
        if key in self.districts:
            return self.districts[key]
        for district in self.districts.values():
            if district.name == key:
                return district
        known = ", ".join(f"{d.site} ({d.name})" for d in self.districts.values())
        raise KeyError(f"no district {key!r} in the city (districts: {known})")

    @property
    def networks(self) -> list[RoadNetwork]:
        """Each road network in use, once."""
        seen: dict[int, RoadNetwork] = {}
        for district in self.districts.values():
            seen.setdefault(id(district.network), district.network)
        return list(seen.values())

    def district_of(self, network: RoadNetwork, node: NodeId) -> str | None:
        """The district (site id) a node of a network lies in, or None outside every district."""
        return self.node_district.get(id(network), {}).get(node)

    def cameras(self) -> list[SimCamera]:
        """Every LPR camera of the city."""
        return [c for d in self.districts.values() for c in d.cameras]

    def summary(self) -> str:
        """What the demo prints: per district the cameras, the roads (real or not) and coverage."""
        lines = list(self.notices)
        radius = self.settings.coverage_radius_m
        for d in self.districts.values():
            lines.append(
                f"{d.name} ({d.site}): {len(d.cameras)} LPR cameras of {d.sites:,} camera sites "
                f"[{d.camera_source}]"
            )
            if d.outliers:
                lines.append(
                    f"  {d.outliers} site(s) more than {self.settings.outlier_m / 1000:.0f} km "
                    "from the district's middle left out (bad coordinates)"
                )
            lines.append(f"  roads: {d.roads_text()}")
            if d.network.synthetic:
                lines.append("  coverage: every camera site is a node of the synthetic graph")
            else:
                lines.append(
                    f"  coverage: {d.near_road:,} of {d.sites:,} sites ({d.coverage:.1%}) within "
                    f"{radius:.0f} m of its roads; only those can read plates"
                )
        return "\n".join(lines)


def build_city(data_dir: Path | None, settings: CitySettings | None = None) -> City:
    """Assemble the city from the data folder, or a fully synthetic one when it is None."""
    settings = settings or CitySettings()
    notices: list[str] = []
    if data_dir is None:
        notices.append(NO_DATA_NOTICE)
    site_lists, sources, generated, outliers = _district_sites(data_dir, settings, notices)
    real = _real_networks(data_dir, notices)
    assignment, near_counts = _choose_networks(site_lists, real, settings)
    _add_synthetic_networks(site_lists, assignment, settings)
    areas = (
        load_areas(
            data_dir, [d.name for d in settings.districts], [d.centre for d in settings.districts]
        )
        if data_dir is not None
        else {}
    )
    city = City({}, settings, data_dir, notices)
    for network in {id(n): n for n in assignment.values()}.values():
        users = [d for d in settings.districts if assignment[d.site] is network]
        city.node_district[id(network)] = _node_districts(network, users, site_lists, areas)
    for spec in settings.districts:
        network = assignment[spec.site]
        choice = pick_cameras(
            site_lists[spec.site],
            network,
            spec.site,
            coverage_radius_m=settings.coverage_radius_m,
            max_cameras=settings.max_cameras,
            min_spacing_m=settings.min_spacing_m,
            seed=settings.seed,
        )
        members = city.node_district[id(network)]
        nodes = tuple(n for n in network.graph.nodes if members.get(n) == spec.site)
        city.districts[spec.site] = District(
            spec=spec,
            cameras=choice.cameras,
            network=network,
            camera_source=sources[spec.site],
            sites=choice.sites,
            near_road=near_counts.get(spec.site, choice.near_road),
            nodes=nodes,
            synthetic_sites=spec.site in generated,
            outliers=outliers.get(spec.site, 0),
        )
    return city


def _district_sites(
    data_dir: Path | None, settings: CitySettings, notices: list[str]
) -> tuple[dict[str, list[CameraSite]], dict[str, str], set[str], dict[str, int]]:
    folder = CctvFolder(data_dir / "cctv") if data_dir and (data_dir / "cctv").is_dir() else None
    if data_dir is not None and folder is None:
        notices.append(f"no cctv/ folder in {data_dir}: camera sites are generated")
    sites: dict[str, list[CameraSite]] = {}
    sources: dict[str, str] = {}
    generated: set[str] = set()
    outliers: dict[str, int] = {}
    for spec in settings.districts:
        found = folder.sites_for(spec) if folder else None
        if found is None:
            sites[spec.site] = synthetic_sites(spec, seed=settings.seed)
            sources[spec.site] = "SYNTHETIC sites: generated on a grid, not real cameras"
            generated.add(spec.site)
            if folder is not None:
                notices.append(
                    f"no camera rows for {spec.name} in {folder.folder}: sites generated"
                )
            continue
        kept = _drop_outliers(list(found.sites), settings.outlier_m)
        if len(kept) < len(found.sites):
            outliers[spec.site] = len(found.sites) - len(kept)
            logger.info(
                "%s: %d sites more than %.0f m from the district's middle left out",
                spec.name,
                len(found.sites) - len(kept),
                settings.outlier_m,
            )
        sites[spec.site] = kept
        sources[spec.site] = found.reason
    return sites, sources, generated, outliers


def _drop_outliers(sites: list[CameraSite], limit_m: float) -> list[CameraSite]:
    lats = sorted(s.lat for s in sites)
    lons = sorted(s.lon for s in sites)
    mid_lat, mid_lon = lats[len(lats) // 2], lons[len(lons) // 2]
    return [s for s in sites if haversine_m(s.lat, s.lon, mid_lat, mid_lon) <= limit_m]


def _real_networks(data_dir: Path | None, notices: list[str]) -> list[RoadNetwork]:
    if data_dir is None:
        return []
    try:
        networks = load_networks(data_dir)
    except RoadDataError as exc:
        notices.append(f"no real road network: {exc}")
        return []
    return [n.largest_strongly_connected() for n in networks]


def _choose_networks(
    site_lists: dict[str, list[CameraSite]], real: Sequence[RoadNetwork], settings: CitySettings
) -> tuple[dict[str, RoadNetwork], dict[str, int]]:
    assignment: dict[str, RoadNetwork] = {}
    near_counts: dict[str, int] = {}
    for site, sites in site_lists.items():
        best: tuple[int, RoadNetwork] | None = None
        for network in real:
            box = network.bbox
            margin = settings.coverage_radius_m / 100_000
            near = sum(
                1
                for s in sites
                if box.contains(s.lat, s.lon, margin)
                and network.edges_near(s.lat, s.lon, settings.coverage_radius_m)
            )
            if near and (best is None or near > best[0]):
                best = (near, network)
        if best is not None and best[0] >= settings.min_real_cameras:
            assignment[site] = best[1]
            near_counts[site] = best[0]
    return assignment, near_counts


def _add_synthetic_networks(
    site_lists: dict[str, list[CameraSite]],
    assignment: dict[str, RoadNetwork],
    settings: CitySettings,
) -> None:
    names = {d.site: d.name for d in settings.districts}
    pending = [d.site for d in settings.districts if d.site not in assignment]
    groups: list[list[str]] = []
    for site in pending:  # neighbours without roads share one graph, so vehicles can cross
        mid = _middle(site_lists[site])
        for group in groups:
            if any(
                haversine_m(*mid, *_middle(site_lists[o])) <= settings.synthetic_join_m
                for o in group
            ):
                group.append(site)
                break
        else:
            groups.append([site])
    for group in groups:
        points = [(s.site_id, s.lat, s.lon) for site in group for s in site_lists[site]]
        network = synthetic_from_points(points, ", ".join(names[s] for s in group))
        for site in group:
            assignment[site] = network


def _middle(sites: Sequence[CameraSite]) -> tuple[float, float]:
    return (sum(s.lat for s in sites) / len(sites), sum(s.lon for s in sites) / len(sites))


def _node_districts(
    network: RoadNetwork,
    users: Sequence[DistrictSpec],
    site_lists: dict[str, list[CameraSite]],
    areas: dict[str, Area],
) -> dict[NodeId, str]:
    members: dict[NodeId, str] = {}
    if network.synthetic:
        owner = {s.site_id: d.site for d in users for s in site_lists[d.site]}
        for node, site_ids in network.graph.nodes(data="site_ids"):
            for site_id in site_ids or ():
                if site_id in owner:
                    members[node] = owner[site_id]
                    break
        return members
    outlines = [(d.site, areas[d.name]) for d in users if d.name in areas]
    unbounded = [d for d in users if d.name not in areas]
    for node, data in network.graph.nodes(data=True):
        lat, lon = float(data["lat"]), float(data["lon"])
        for site, area in outlines:
            if area.contains(lat, lon):
                members[node] = site
                break
        else:
            nearest = _nearest_site_district(lat, lon, unbounded, site_lists)
            if nearest is not None:
                members[node] = nearest
    return members


def _nearest_site_district(
    lat: float,
    lon: float,
    specs: Sequence[DistrictSpec],
    site_lists: dict[str, list[CameraSite]],
    within_m: float = 500.0,
) -> str | None:
    # Without an outline a node belongs to the district of its nearest camera site, if close.
    best: tuple[float, str] | None = None
    for spec in specs:
        for s in site_lists[spec.site]:
            d = math.hypot(s.lat - lat, (s.lon - lon) * math.cos(math.radians(lat))) * 111_195.0
            if d <= within_m and (best is None or d < best[0]):
                best = (d, spec.site)
    return best[1] if best else None
