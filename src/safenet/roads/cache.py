"""A compact copy of each road network under ``var/``, so services do not parse XML on start.

Parsing a road file (SUMO XML, OSM XML, GraphML) takes from a tenth of a second
to a second or more; the police and every center need the same networks. The
first load writes the network as numpy arrays (``.npz``, no pickles: the file is
data, never code) under ``<var_dir>/roads/``, named after the source file and a
fingerprint of its bytes and of this format's version; later loads read that.
A changed road file gets a new fingerprint, so the copy is rebuilt, and older
copies of the same file are removed. The copy is derived from third-party data
and stays under ``var/``, never in the repository.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from safenet.roads.errors import RoadDataError
from safenet.roads.load import ROADS_SUBDIR, load_network, reader_for
from safenet.roads.network import RoadNetwork

logger = logging.getLogger(__name__)

CACHE_VERSION = 1
"""Bump when the arrays' layout or the loaders' output changes."""
CACHE_SUBDIR = "roads"


def fingerprint(path: Path) -> str:
    """A short hash of a road file's bytes and of the cache format's version."""
    digest = hashlib.sha256(f"roads-cache-v{CACHE_VERSION}:".encode())
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def _text(values: list[Any]) -> np.ndarray[Any, Any]:
    return np.array(["" if v is None else str(v) for v in values], dtype=np.str_)


def save_network(network: RoadNetwork, target: Path) -> None:
    """Write a network as arrays to ``target`` (an ``.npz`` file), atomically."""
    graph = network.graph
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    u, v, keys, offsets, lats, lons = [], [], [], [0], [], []
    columns: dict[str, list[Any]] = {
        name: []
        for name in ("length_m", "speed_kmh", "travel_time_s", "speed_from", "highway", "name")
    }
    sources: list[Any] = []
    lanes: list[int] = []
    for a, b, key, data in graph.edges(keys=True, data=True):
        u.append(index[a])
        v.append(index[b])
        keys.append(key)
        for name, column in columns.items():
            column.append(data.get(name))
        sources.append(data.get("source_id"))
        lanes.append(-1 if data.get("lanes") is None else int(data["lanes"]))
        for lat, lon in data["geometry"]:
            lats.append(lat)
            lons.append(lon)
        offsets.append(len(lats))
    meta = {
        "version": CACHE_VERSION,
        "name": network.name,
        "kind": network.kind,
        "source": None if network.source is None else str(network.source),
        "licence": network.licence,
        "notice": network.notice,
    }
    arrays: dict[str, Any] = {
        "meta": np.array(json.dumps(meta, ensure_ascii=False)),
        "node_ids": _text(nodes),
        "node_int": np.array([isinstance(n, int) for n in nodes], dtype=np.bool_),
        "node_lat": np.array([graph.nodes[n]["lat"] for n in nodes], dtype=np.float64),
        "node_lon": np.array([graph.nodes[n]["lon"] for n in nodes], dtype=np.float64),
        "node_junction": _text([graph.nodes[n].get("junction_type") for n in nodes]),
        "u": np.array(u, dtype=np.int64),
        "v": np.array(v, dtype=np.int64),
        "key": _text(keys),
        "key_int": np.array([isinstance(k, int) for k in keys], dtype=np.bool_),
        "length_m": np.array(columns["length_m"], dtype=np.float64),
        "speed_kmh": np.array(columns["speed_kmh"], dtype=np.float64),
        "travel_time_s": np.array(columns["travel_time_s"], dtype=np.float64),
        "speed_from": _text(columns["speed_from"]),
        "highway": _text(columns["highway"]),
        "name": _text(columns["name"]),
        "name_set": np.array([n is not None for n in columns["name"]], dtype=np.bool_),
        "source_id": _text(sources),
        "source_set": np.array([s is not None for s in sources], dtype=np.bool_),
        "lanes": np.array(lanes, dtype=np.int64),
        "offsets": np.array(offsets, dtype=np.int64),
        "lat": np.array(lats, dtype=np.float64),
        "lon": np.array(lons, dtype=np.float64),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    partial.replace(target)


def read_network(target: Path) -> RoadNetwork:
    """A network from a file written by :func:`save_network`."""
    with np.load(target, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta.get("version") != CACHE_VERSION:
            raise RoadDataError(
                f"cache format {meta.get('version')} is not {CACHE_VERSION}", path=target
            )
        graph = nx.MultiDiGraph()
        ids = [
            int(n) if is_int else str(n)
            for n, is_int in zip(data["node_ids"].tolist(), data["node_int"].tolist(), strict=True)
        ]
        junctions = data["node_junction"].tolist()
        for node, lat, lon, junction in zip(
            ids, data["node_lat"].tolist(), data["node_lon"].tolist(), junctions, strict=True
        ):
            attrs: dict[str, Any] = {"lat": lat, "lon": lon}
            if junction:
                attrs["junction_type"] = junction
            graph.add_node(node, **attrs)
        offsets = data["offsets"].tolist()
        lats, lons = data["lat"].tolist(), data["lon"].tolist()
        rows = zip(
            data["u"].tolist(),
            data["v"].tolist(),
            data["key"].tolist(),
            data["key_int"].tolist(),
            data["length_m"].tolist(),
            data["speed_kmh"].tolist(),
            data["travel_time_s"].tolist(),
            data["speed_from"].tolist(),
            data["highway"].tolist(),
            data["name"].tolist(),
            data["name_set"].tolist(),
            data["source_id"].tolist(),
            data["source_set"].tolist(),
            data["lanes"].tolist(),
            strict=True,
        )
        for i, (
            a,
            b,
            key,
            key_int,
            length,
            speed,
            time,
            s_from,
            hw,
            name,
            named,
            src,
            has_src,
            lane,
        ) in enumerate(rows):
            start, stop = offsets[i], offsets[i + 1]
            graph.add_edge(
                ids[a],
                ids[b],
                key=int(key) if key_int else key,
                length_m=length,
                speed_kmh=speed,
                speed_from=s_from,
                travel_time_s=time,
                name=name if named else None,
                highway=hw,
                geometry=list(zip(lats[start:stop], lons[start:stop], strict=True)),
                source_id=src if has_src else None,
                lanes=None if lane < 0 else lane,
            )
    return RoadNetwork(
        graph=graph,
        name=meta["name"],
        kind=meta["kind"],
        source=None if meta["source"] is None else Path(meta["source"]),
        licence=meta["licence"],
        notice=meta["notice"],
    )


def load_network_cached(path: Path, cache_dir: Path) -> RoadNetwork:
    """A road network from its compact copy in ``cache_dir``, made on first use."""
    if not path.is_file():
        raise RoadDataError("does not exist or is not a file", path=path)
    stem = path.name.split(".")[0]
    target = cache_dir / f"{stem}.{fingerprint(path)}.npz"
    if target.is_file():
        try:
            return read_network(target)
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("rebuilding the road cache %s: %s", target, exc)
    network = load_network(path)
    for old in cache_dir.glob(f"{stem}.*.npz"):
        old.unlink(missing_ok=True)
    save_network(network, target)
    logger.info("road cache written: %s", target)
    return network


def load_networks_cached(data_dir: Path, var_dir: Path) -> list[RoadNetwork]:
    """Every road network in ``<data_dir>/roads/``, through the cache in ``<var_dir>/roads/``."""
    roads = data_dir / ROADS_SUBDIR
    if not roads.is_dir():
        raise RoadDataError("road data folder not found", path=roads)
    cache_dir = var_dir / CACHE_SUBDIR
    files = sorted(p for p in roads.iterdir() if p.is_file() and reader_for(p) is not None)
    if not files:
        raise RoadDataError("no road network files in the folder", path=roads)
    return [load_network_cached(path, cache_dir) for path in files]
