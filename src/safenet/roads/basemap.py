"""The offline basemap: streets from the road data as compact vector GeoJSON, per zoom band.

The police network has no tile server, so the consoles draw streets themselves
(``web/static/lib/basemap.js``) from files this module writes under
``<var_dir>/basemap/``: for each road network one GeoJSON FeatureCollection per
zoom band, and an ``index.json`` saying which bands exist, where each network
lies, and whose data it is. The files are built from the third-party road data
at set-up or on first use and never committed.

Each feature is one street between two junctions (both directions of a two-way
street are one line), joined with its neighbours into longer lines where the
same street runs on through a junction, simplified (Douglas-Peucker, in metres)
for its band. Properties: ``name`` (when known) and ``class`` for styling:

======== ==================================================================
class    roads
======== ==================================================================
highway  motorway, trunk and their links (도시고속도로)
major    primary, secondary and their links (간선도로)
minor    tertiary, unclassified
street   residential, living streets, untyped roads
service  service roads (골목, 이면도로 access)
======== ==================================================================

SUMO edges carry no class, so their class comes from their speed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safenet.roads.geo import LocalGrid
from safenet.roads.load import ROADS_SUBDIR, load_network, reader_for
from safenet.roads.network import RoadNetwork, licence_code
from safenet.roads.types import LatLon

logger = logging.getLogger(__name__)

BASEMAP_VERSION = 1
"""Bump when the files' content changes, so old ones are rebuilt."""
BASEMAP_SUBDIR = "basemap"

_CLASS_OF_HIGHWAY = {
    "motorway": "highway",
    "motorway_link": "highway",
    "trunk": "highway",
    "trunk_link": "highway",
    "primary": "major",
    "primary_link": "major",
    "secondary": "major",
    "secondary_link": "major",
    "tertiary": "minor",
    "tertiary_link": "minor",
    "unclassified": "minor",
    "service": "service",
}


@dataclass(frozen=True, slots=True)
class Band:
    """A zoom band: which street classes it draws and how finely."""

    name: str
    min_zoom: int
    max_zoom: int
    classes: frozenset[str]
    tolerance_m: float
    decimals: int


BANDS = (
    Band("city", 0, 13, frozenset({"highway", "major"}), 12.0, 5),
    Band("district", 14, 15, frozenset({"highway", "major", "minor", "street"}), 4.0, 5),
    Band(
        "street",
        16,
        22,
        frozenset({"highway", "major", "minor", "street", "service"}),
        1.0,
        6,
    ),
)


def road_class(highway: str | None, speed_kmh: float) -> str:
    """The basemap class of a road from its OSM class, or from its speed when it has none."""
    if highway and highway not in {"unknown", "synthetic"}:
        return _CLASS_OF_HIGHWAY.get(highway, "street")
    if speed_kmh >= 70:
        return "highway"
    if speed_kmh >= 50:
        return "major"
    if speed_kmh >= 40:
        return "minor"
    return "street"


@dataclass(slots=True)
class _Line:
    name: str | None
    cls: str
    points: list[LatLon]


SAME_STREET_M = 15.0
"""Two directed edges between the same junctions whose shapes' middles are closer than this are
the two directions of one street (SUMO draws each direction on its own side of the road)."""


def _streets(network: RoadNetwork) -> list[_Line]:
    """One line per street between two junctions, both directions merged."""
    b = network.bbox
    grid = LocalGrid((b.south + b.north) / 2, (b.west + b.east) / 2)
    middles: defaultdict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    lines: list[_Line] = []
    for u, v, data in network.graph.edges(data=True):
        points = list(data["geometry"])
        a, z = sorted((str(u), str(v)))
        xy = [grid.to_xy(lat, lon) for lat, lon in points]
        middle = (sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy))
        if any(math.dist(middle, m) < SAME_STREET_M for m in middles[a, z]):
            continue  # the other direction of a street already drawn
        middles[a, z].append(middle)
        if str(u) != a:
            points.reverse()
        cls = road_class(data.get("highway"), float(data["speed_kmh"]))
        lines.append(_Line(data.get("name"), cls, points))
    return _join(lines)


def _join(lines: list[_Line]) -> list[_Line]:
    """Lines of the same street and class joined through junctions where only they meet."""
    ends: defaultdict[tuple[LatLon, str | None, str], list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        for point in (line.points[0], line.points[-1]):
            ends[point, line.name, line.cls].append(i)
    alive = [True] * len(lines)
    out: list[_Line] = []
    for i, line in enumerate(lines):
        if not alive[i] or line.name is None:
            continue
        alive[i] = False
        points = list(line.points)
        for forward in (True, False):
            while True:
                tip = points[-1] if forward else points[0]
                group = [j for j in ends[tip, line.name, line.cls] if alive[j]]
                if len(ends[tip, line.name, line.cls]) != 2 or len(group) != 1:
                    break
                j = group[0]
                alive[j] = False
                other = lines[j].points
                if forward:
                    points.extend(other[1:] if other[0] == tip else list(reversed(other))[1:])
                else:
                    head = other if other[-1] == tip else list(reversed(other))
                    points = head[:-1] + points
        out.append(_Line(line.name, line.cls, points))
    out.extend(line for i, line in enumerate(lines) if alive[i])
    return out


def _simplify(points: Sequence[LatLon], grid: LocalGrid, tolerance_m: float) -> list[LatLon]:
    """Douglas-Peucker in local metres (iterative; streets have few points)."""
    n = len(points)
    if n < 3:
        return list(points)
    xy = [grid.to_xy(lat, lon) for lat, lon in points]
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = xy[first], xy[last]
        dx, dy = bx - ax, by - ay
        span = dx * dx + dy * dy
        worst, index = 0.0, -1
        for k in range(first + 1, last):
            px, py = xy[k]
            t = 0.0 if span == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / span))
            d = math.hypot(px - ax - t * dx, py - ay - t * dy)
            if d > worst:
                worst, index = d, k
        if index >= 0 and worst > tolerance_m:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, k in zip(points, keep, strict=True) if k]


def band_features(
    network: RoadNetwork, band: Band, streets: list[_Line] | None = None
) -> dict[str, Any]:
    """One network's streets for one zoom band as a GeoJSON FeatureCollection."""
    b = network.bbox
    grid = LocalGrid((b.south + b.north) / 2, (b.west + b.east) / 2)
    features = []
    for line in streets if streets is not None else _streets(network):
        if line.cls not in band.classes:
            continue
        points = _simplify(line.points, grid, band.tolerance_m)
        coords = [[round(lon, band.decimals), round(lat, band.decimals)] for lat, lon in points]
        deduped = [c for k, c in enumerate(coords) if k == 0 or c != coords[k - 1]]
        if len(deduped) < 2:
            continue
        properties: dict[str, Any] = {"class": line.cls}
        if line.name:
            properties["name"] = line.name
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": deduped},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256(f"basemap-v{BASEMAP_VERSION}:".encode())
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def build_basemap(data_dir: Path, var_dir: Path, *, force: bool = False) -> Path:
    """Write (or bring up to date) the basemap files for every road file; the index's path.

    A network whose files were built from the same file content by this version of
    the generator is left as it is, unless ``force``.
    """
    roads = data_dir / ROADS_SUBDIR
    out = var_dir / BASEMAP_SUBDIR
    out.mkdir(parents=True, exist_ok=True)
    index_path = out / "index.json"
    previous: dict[str, Any] = {}
    if index_path.is_file() and not force:
        try:
            previous = {n["name"]: n for n in json.loads(index_path.read_text())["networks"]}
        except (ValueError, KeyError, TypeError):
            previous = {}
    entries = []
    files = sorted(p for p in roads.iterdir() if p.is_file() and reader_for(p) is not None)
    for path in files:
        fingerprint = _fingerprint(path)
        name = path.name.split(".")[0]
        known = previous.get(name)
        if (
            known
            and known.get("fingerprint") == fingerprint
            and all((out / band["file"]).is_file() for band in known["bands"])
        ):
            entries.append({**known, "licence_code": licence_code(known.get("licence"))})
            continue
        network = load_network(path)
        streets = _streets(network)
        bands = []
        for band in BANDS:
            collection = band_features(network, band, streets)
            file = f"{name}.{band.name}.geojson"
            text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
            (out / file).write_text(text, encoding="utf-8")
            bands.append(
                {
                    "name": band.name,
                    "min_zoom": band.min_zoom,
                    "max_zoom": band.max_zoom,
                    "file": file,
                    "features": len(collection["features"]),
                    "bytes": len(text.encode("utf-8")),
                }
            )
        box = network.bbox
        entries.append(
            {
                "name": name,
                "source": path.name,
                "fingerprint": fingerprint,
                "bbox": [box.west, box.south, box.east, box.north],
                "licence": network.licence,
                "licence_code": licence_code(network.licence),
                "bands": bands,
            }
        )
        logger.info(
            "basemap %s: %s", name, ", ".join(f"{b['features']} {b['name']}" for b in bands)
        )
    index = {"version": BASEMAP_VERSION, "networks": entries}
    index_path.write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    return index_path


def ensure_basemap(data_dir: Path, var_dir: Path) -> Path | None:
    """The basemap index, built on first use; None when there is no road data to draw."""
    if not (data_dir / ROADS_SUBDIR).is_dir():
        return None
    return build_basemap(data_dir, var_dir)
