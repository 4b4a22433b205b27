"""The district (시군구) outlines the consoles draw, cut down to the installation's area.

The national file is large (253 districts, ~200,000 points, several MB), so it is read
once per process, simplified to ``web.boundary_tolerance_m`` and kept in memory; each
console is then served only the districts it covers: those named in ``web.districts``,
else those holding the cameras it knows, else every district at a coarse tolerance.
The file is read in place from the data folder and never copied.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from safenet.web.geometry import (
    Polygon,
    bbox_of,
    polygon_contains,
    polygons_of,
    simplify_ring,
)

log = logging.getLogger(__name__)

COARSE_TOLERANCE_M = 600.0
"""Tolerance of the whole-country fallback (only the outline of each district matters)."""


@dataclass(frozen=True)
class District:
    """One 시군구 with its simplified outline."""

    code: str
    sido: str
    sigungu: str
    polygons: tuple[Polygon, ...]
    bbox: tuple[float, float, float, float]

    def named(self, name: str) -> bool:
        """Whether ``name`` (a code, a 시군구 name or '시도 시군구') means this district."""
        name = " ".join(name.split())
        return name in (self.code, self.sigungu, f"{self.sido} {self.sigungu}")

    def contains(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.bbox
        if not (west <= lon <= east and south <= lat <= north):
            return False
        return any(polygon_contains(p, lon, lat) for p in self.polygons)

    def feature(self, tolerance_m: float | None = None) -> dict[str, Any]:
        polygons = self.polygons
        if tolerance_m is not None:
            polygons = tuple(_simplify_polygon(p, tolerance_m) for p in polygons)
            polygons = tuple(p for p in polygons if p)
        coordinates = [[[_round(pt) for pt in ring] for ring in poly] for poly in polygons]
        return {
            "type": "Feature",
            "id": self.code,
            "properties": {"code": self.code, "sido": self.sido, "sigungu": self.sigungu},
            "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
        }


def _round(point: Sequence[float]) -> list[float]:
    return [round(point[0], 5), round(point[1], 5)]


def _simplify_polygon(polygon: Polygon, tolerance_m: float) -> Polygon:
    rings = [simplify_ring(ring, tolerance_m) for ring in polygon]
    if not rings or rings[0] is None:
        return []
    return [r for r in rings if r is not None]


@dataclass(frozen=True)
class Selection:
    """The districts one console draws, and why."""

    districts: tuple[District, ...]
    source: str
    """``configured``, ``cameras``, ``everything`` or ``missing``."""
    unknown: tuple[str, ...] = ()
    coarse: bool = False
    problem: str | None = None

    def geojson(self) -> dict[str, Any]:
        tolerance = COARSE_TOLERANCE_M if self.coarse else None
        body: dict[str, Any] = {
            "type": "FeatureCollection",
            "features": [d.feature(tolerance) for d in self.districts],
            "selection": self.source,
        }
        if self.unknown:
            body["unknown_districts"] = list(self.unknown)
        if self.problem:
            body["problem"] = self.problem
        return body


class Boundaries:
    """The districts of one boundary file, simplified once and looked up by name or point."""

    def __init__(self, path: Path, tolerance_m: float) -> None:
        self.path = path
        self.tolerance_m = tolerance_m
        self._districts: tuple[District, ...] | None = None
        self._problem: str | None = None
        self._lock = threading.Lock()

    def districts(self) -> tuple[District, ...]:
        """Every district of the file (loaded on first use); empty when it cannot be read."""
        with self._lock:
            if self._districts is None:
                self._districts = self._load()
            return self._districts

    @property
    def problem(self) -> str | None:
        self.districts()
        return self._problem

    def _load(self) -> tuple[District, ...]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self._problem = f"web.boundary_file: {self.path} does not exist (see data_dir)"
            log.warning("consoles: %s; maps show no district outlines", self._problem)
            return ()
        except (OSError, ValueError) as exc:
            self._problem = f"web.boundary_file: {self.path} cannot be read: {exc}"
            log.warning("consoles: %s; maps show no district outlines", self._problem)
            return ()
        found: list[District] = []
        for feature in raw.get("features", []) if isinstance(raw, dict) else []:
            props = feature.get("properties") or {}
            polygons = [
                _simplify_polygon(p, self.tolerance_m)
                for p in polygons_of(feature.get("geometry") or {})
            ]
            kept = tuple(p for p in polygons if p)
            if not kept:
                continue
            found.append(
                District(
                    code=str(props.get("code", "")),
                    sido=str(props.get("sido", "")),
                    sigungu=str(props.get("sigungu", "")),
                    polygons=kept,
                    bbox=bbox_of(kept),
                )
            )
        log.info("consoles: %d district outlines loaded from %s", len(found), self.path)
        return tuple(found)

    def select(self, names: Sequence[str], points: Iterable[tuple[float, float]]) -> Selection:
        """The districts to draw: ``names`` if given, else those holding ``points`` (lat, lon)."""
        every = self.districts()
        if not every:
            return Selection((), "missing", problem=self._problem)
        if names:
            chosen = [d for d in every if any(d.named(n) for n in names)]
            unknown = tuple(n for n in names if not any(d.named(n) for d in every))
            if unknown:
                log.warning("consoles: web.districts names no district: %s", ", ".join(unknown))
            return Selection(tuple(chosen), "configured", unknown)
        holding: dict[str, District] = {}
        for lat, lon in points:
            for d in every:
                if d.code not in holding and d.contains(lon, lat):
                    holding[d.code] = d
                    break
        if holding:
            chosen = [d for d in every if d.code in holding]
            return Selection(tuple(chosen), "cameras")
        return Selection(every, "everything", coarse=True)


@lru_cache(maxsize=8)
def boundaries_for(path: Path, tolerance_m: float) -> Boundaries:
    """One :class:`Boundaries` per file and tolerance in the process (consoles share it)."""
    return Boundaries(path, tolerance_m)
