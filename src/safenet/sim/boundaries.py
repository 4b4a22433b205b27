"""Which district a point of the simulated city lies in, from the official 시군구 boundaries.

The simulator needs this to tell the 서초구 side of 강남대로 from the 강남구 side:
a wanted vehicle "leaving 서초구" must start on a road node inside 서초구. The
boundaries are read in place from ``<data_dir>/boundaries/`` (NGII 2023, else
KOSTAT 2018 GeoJSON). Without them the caller falls back to the nearest camera
site, which is coarser and says so.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

BOUNDARY_FILES = ("sigungu-2023-ngii.geojson", "skorea-municipalities-2018.geojson")
"""GeoJSON boundary files tried in order; the first present is used."""

Ring = list[tuple[float, float]]  # (lon, lat) as GeoJSON writes them


@dataclass(frozen=True, slots=True)
class Area:
    """A district's outline: polygons of outer ring plus holes, in (lon, lat)."""

    name: str
    polygons: tuple[tuple[Ring, ...], ...]
    source: str

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point is inside the outline (inside an outer ring, outside its holes)."""
        return any(
            rings
            and _in_ring(rings[0], lon, lat)
            and not any(_in_ring(hole, lon, lat) for hole in rings[1:])
            for rings in self.polygons
        )


def _in_ring(ring: Ring, x: float, y: float) -> bool:
    # Even-odd ray casting towards +x.
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def _polygons(geometry: dict[str, object]) -> tuple[tuple[Ring, ...], ...]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if not isinstance(coords, list):
        return ()
    shapes = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return tuple(
        tuple([(float(p[0]), float(p[1])) for p in ring] for ring in shape) for shape in shapes
    )


def load_areas(
    data_dir: Path, names: Sequence[str], centres: Sequence[tuple[float, float]]
) -> dict[str, Area]:
    """The outline of each named district, or an empty dict when no boundary file is there.

    A name that several provinces share (중구, 동구) is resolved by the district's
    ``centre``: the outline that contains it wins.
    """
    folder = data_dir / "boundaries"
    for file_name in BOUNDARY_FILES:
        path = folder / file_name
        if path.is_file():
            break
    else:
        logger.info(
            "no district boundaries in %s; districts are told apart by camera sites", folder
        )
        return {}
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
        features = collection["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("district boundaries %s are unreadable (%s); not used", path, exc)
        return {}
    wanted = dict(zip(names, centres, strict=True))
    found: dict[str, Area] = {}
    for feature in features:
        props = feature.get("properties") or {}
        name = props.get("sigungu") or props.get("name")
        if name not in wanted or name in found:
            continue
        area = Area(name, _polygons(feature.get("geometry") or {}), path.name)
        if area.contains(*wanted[name]):
            found[name] = area
    missing = [n for n in names if n not in found]
    if missing:
        logger.info("no outline in %s for %s", path.name, ", ".join(missing))
    return found
