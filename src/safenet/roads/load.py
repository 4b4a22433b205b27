"""Loading the road networks in the data folder, whatever format each file is in.

The format is chosen by file name: ``.net.xml`` is a SUMO network, ``.osm`` raw
OpenStreetMap XML, ``.graphml`` an OSMnx graph. Road data is third-party and is
read in place from ``<data_dir>/roads/``; it is never copied into the repository.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from safenet.roads.errors import RoadDataError
from safenet.roads.graphml import read_osmnx_graphml
from safenet.roads.network import RoadNetwork
from safenet.roads.osm_xml import read_osm_xml
from safenet.roads.sumo import SUMO_SUFFIX, read_sumo_net

logger = logging.getLogger(__name__)

ROADS_SUBDIR = "roads"

_READERS: dict[str, Callable[[Path], RoadNetwork]] = {
    SUMO_SUFFIX: read_sumo_net,
    ".osm": read_osm_xml,
    ".graphml": read_osmnx_graphml,
}
_UNSUPPORTED_HINTS = {
    ".pbf": "OSM PBF is not supported; convert it to .osm XML (e.g. with osmium cat)",
    ".xml": "a plain .xml file is ambiguous; name a SUMO network *.net.xml",
}


def reader_for(path: Path) -> Callable[[Path], RoadNetwork] | None:
    """The loader for a file name, or ``None`` when no loader handles it."""
    name = path.name.lower()
    for suffix, reader in _READERS.items():
        if name.endswith(suffix):
            return reader
    return None


def load_network(path: Path) -> RoadNetwork:
    """A road network from one file, its format chosen by the file name."""
    reader = reader_for(path)
    if reader is None:
        suffix = "".join(path.suffixes) or "(none)"
        hint = _UNSUPPORTED_HINTS.get(path.suffix.lower(), "")
        raise RoadDataError(
            f"unknown road file extension {suffix}; expected one of "
            f"{', '.join(_READERS)}{f' ({hint})' if hint else ''}",
            path=path,
        )
    if not path.is_file():
        raise RoadDataError("does not exist or is not a file", path=path)
    started = time.perf_counter()
    try:
        network = reader(path)
    except RoadDataError as exc:
        raise exc.with_path(path) from None
    logger.info(
        "loaded road network %s (%s): %d nodes, %d edges in %.2f s",
        network.name,
        network.kind,
        network.node_count,
        network.edge_count,
        time.perf_counter() - started,
    )
    return network


def load_networks(data_dir: Path) -> list[RoadNetwork]:
    """Every road network in ``<data_dir>/roads/``, in file-name order.

    Files no loader handles (a README, hidden files) are passed over with a log
    line; a missing folder, or one with no road file at all, is an error.
    """
    roads = data_dir / ROADS_SUBDIR
    if not roads.is_dir():
        raise RoadDataError(
            "road data folder not found; set data_dir (SAFENET_DATA_DIR) to the folder "
            "that holds roads/",
            path=roads,
        )
    networks: list[RoadNetwork] = []
    for path in sorted(roads.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if reader_for(path) is None:
            logger.info("skipping %s: not a road network file", path)
            continue
        networks.append(load_network(path))
    if not networks:
        raise RoadDataError(
            f"no road network files ({', '.join(_READERS)}) in the folder", path=roads
        )
    return networks
