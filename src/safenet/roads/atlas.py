"""Every road network a service holds, as one road graph: each place on the network it lies on.

A police service follows vehicles across districts whose roads come from different
files (a SUMO net for 강남·서초, OSM extracts elsewhere). Tracking asks one
:class:`~safenet.tracking.RoadGraph`; :class:`RoadAtlas` is that graph over several
:class:`RoadRouter` s. A point is placed on the first network (in file order) with
roads near it; a drive is found inside one network (two hits on networks that do
not join have no drive, so their leg falls back to the straight line and says so);
junction names carry their network (``"<index>:<kind>:<id>"``) so they never clash.

Routers remember answers in plain dicts, and the police ask from intake threads and
from API threads at once, so every question is asked under one lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from safenet.roads.cache import load_networks_cached
from safenet.roads.errors import RoadDataError
from safenet.roads.load import load_networks
from safenet.roads.network import RoadNetwork
from safenet.roads.router import RoadRouter
from safenet.tracking import GeoPoint
from safenet.tracking.roadgraph import (
    EdgeTable,
    NodeRef,
    Reached,
    RoadEdge,
    RoadPosition,
    RoadRoute,
    RouteBy,
)

log = logging.getLogger(__name__)

_DEG_M = 111_320.0  # metres per degree of latitude, to widen a box by a radius


def wrap(index: int, node: NodeRef) -> str:
    """A junction's name in the atlas: its network and its id there."""
    kind = "i" if isinstance(node, int) else "s"
    return f"{index}:{kind}:{node}"


def unwrap(node: NodeRef) -> tuple[int, NodeRef]:
    """The network and the junction id inside it of an atlas junction name."""
    if not isinstance(node, str) or node.count(":") < 2:
        raise KeyError(f"{node!r} is not a junction of this road atlas")
    index, kind, raw = node.split(":", 2)
    return int(index), int(raw) if kind == "i" else raw


def _position(index: int, p: RoadPosition) -> RoadPosition:
    return replace(p, u=wrap(index, p.u), v=wrap(index, p.v))


def _inner(p: RoadPosition) -> tuple[int, RoadPosition]:
    i, u = unwrap(p.u)
    _, v = unwrap(p.v)
    return i, replace(p, u=u, v=v)


class RoadAtlas:
    """Several road networks answering as one :class:`~safenet.tracking.RoadGraph`."""

    def __init__(self, routers: Sequence[RoadRouter]) -> None:
        self.routers = tuple(r for r in routers if not r.synthetic)
        self._lock = threading.RLock()
        self._table: EdgeTable | None = None

    @property
    def name(self) -> str:
        return " + ".join(r.name for r in self.routers) or "no road data"

    @property
    def synthetic(self) -> bool:
        return False

    @property
    def licences(self) -> list[str]:
        """The licences of the road data, to show wherever a drive drawn from it is shown."""
        return sorted({r.licence for r in self.routers if r.licence})

    def __len__(self) -> int:
        return len(self.routers)

    def covers(self, point: GeoPoint, margin_m: float = 0.0) -> int | None:
        """The first network whose box holds the point (widened by ``margin_m``), if any."""
        pad = margin_m / _DEG_M
        for i, router in enumerate(self.routers):
            b = router.network.bbox
            if b.south - pad <= point.lat <= b.north + pad and b.west - pad <= point.lon <= (
                b.east + pad
            ):
                return i
        return None

    def network_name(self, node: NodeRef) -> str:
        return self.routers[unwrap(node)[0]].name

    # -- the RoadGraph questions -------------------------------------------------------

    def positions_near(self, point: GeoPoint, radius_m: float) -> Sequence[RoadPosition]:
        pad = radius_m / _DEG_M
        with self._lock:
            for i, router in enumerate(self.routers):
                b = router.network.bbox
                if not (b.south - pad <= point.lat <= b.north + pad):
                    continue
                if not (b.west - pad * 1.3 <= point.lon <= b.east + pad * 1.3):
                    continue
                found = router.positions_near(point, radius_m)
                if found:
                    return tuple(_position(i, p) for p in found)
        return ()

    def route(
        self, starts: Sequence[RoadPosition], ends: Sequence[RoadPosition], by: RouteBy
    ) -> RoadRoute | None:
        froms: dict[int, list[RoadPosition]] = {}
        tos: dict[int, list[RoadPosition]] = {}
        for p in starts:
            i, inner = _inner(p)
            froms.setdefault(i, []).append(inner)
        for p in ends:
            i, inner = _inner(p)
            tos.setdefault(i, []).append(inner)
        best: tuple[int, RoadRoute] | None = None
        with self._lock:
            for i in sorted(froms.keys() & tos.keys()):
                found = self.routers[i].route(froms[i], tos[i], by)
                if found is None:
                    continue
                cost = found.time_s if by == "time" else found.length_m
                if best is None or cost < (best[1].time_s if by == "time" else best[1].length_m):
                    best = (i, found)
        if best is None:
            return None
        i, found = best
        return replace(found, start=_position(i, found.start), end=_position(i, found.end))

    def reach(self, starts: Sequence[RoadPosition], budget_s: float) -> Reached:
        by_net: dict[int, list[RoadPosition]] = {}
        for p in starts:
            i, inner = _inner(p)
            by_net.setdefault(i, []).append(inner)
        times: dict[NodeRef, float] = {}
        previous: dict[NodeRef, NodeRef | None] = {}
        with self._lock:
            for i, inner_starts in sorted(by_net.items()):
                got = self.routers[i].reach(inner_starts, budget_s)
                for node, seconds in got.times.items():
                    times[wrap(i, node)] = seconds
                for node, before in got.previous.items():
                    previous[wrap(i, node)] = None if before is None else wrap(i, before)
        return Reached(times=times, previous=previous)

    def out_edges(self, node: NodeRef) -> Sequence[RoadEdge]:
        i, inner = unwrap(node)
        with self._lock:
            edges = self.routers[i].out_edges(inner)
        return tuple(replace(e, u=wrap(i, e.u), v=wrap(i, e.v)) for e in edges)

    def node_point(self, node: NodeRef) -> GeoPoint:
        i, inner = unwrap(node)
        return self.routers[i].node_point(inner)

    def edge_table(self) -> EdgeTable:
        with self._lock:
            if self._table is None:
                self._table = self._build_table()
            return self._table

    def _build_table(self) -> EdgeTable:
        nodes: list[NodeRef] = []
        us, times, firsts, lats, lons = [], [], [], [], []
        points = 0
        for i, router in enumerate(self.routers):
            table = router.edge_table()
            us.append(table.u + len(nodes))
            nodes.extend(wrap(i, n) for n in table.nodes)
            times.append(table.time_s)
            firsts.append(table.first[:-1] + points)
            lats.append(table.lats)
            lons.append(table.lons)
            points += len(table.lats)
        firsts.append(np.array([points], dtype=np.int64))

        def cat(parts: list[Any], dtype: type) -> Any:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        return EdgeTable(
            nodes=tuple(nodes),
            index={n: k for k, n in enumerate(nodes)},
            u=cat(us, np.int64),
            time_s=cat(times, np.float64),
            first=cat(firsts, np.int64),
            lats=cat(lats, np.float64),
            lons=cat(lons, np.float64),
        )


def load_atlas(data_dir: Path, var_dir: Path, *, cache: bool = True) -> RoadAtlas | None:
    """Every real road network in ``<data_dir>/roads/`` as one atlas; None without road data.

    Missing or unreadable road data is logged and gives None: the services then judge
    journeys on the straight line and say so on every card, rather than not start.
    """
    try:
        networks = load_networks_cached(data_dir, var_dir) if cache else load_networks(data_dir)
    except RoadDataError as exc:
        log.warning("no road data (%s): journeys and reach on the straight line", exc)
        return None
    atlas = RoadAtlas([RoadRouter(n) for n in networks if not n.synthetic])
    log.info("road data: %s", atlas.name)
    return atlas if len(atlas) else None


def city_atlas(networks: Sequence[RoadNetwork]) -> RoadAtlas | None:
    """The real networks a simulated city drives on, as one atlas (None when all are stand-ins).

    The city's networks are already cut to their strongly connected part.
    """
    real = [RoadRouter(n, strongly_connected=False) for n in networks if not n.synthetic]
    return RoadAtlas(real) if real else None
