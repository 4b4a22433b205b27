"""Fixtures for the road tests (and the simulator's): the real road data, read in place.

The road files are third-party and live outside the repository (setting
``data_dir``, default ``../shared/data``, or ``SAFENET_DATA_DIR``). When they are
missing the tests fail and say where they looked; they never skip silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from safenet.config import Settings
from safenet.roads import RoadNetwork, load_network

ROOT = Path(__file__).resolve().parents[2]

SUMO_FILE = "gangnam_seocho_nodelink.net.xml"
GRAPHML_FILE = "seoul_central_osm_drive.graphml"
SONGPA_FILE = "seoul_songpa_jamsil_osm.osm"
DONGJAK_FILE = "seoul_dongjak_heukseok_osm.osm"
ROAD_FILES = (SUMO_FILE, GRAPHML_FILE, SONGPA_FILE, DONGJAK_FILE)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    configured = Settings().data_dir
    data = configured if configured.is_absolute() else ROOT / configured
    roads = data / "roads"
    missing = [name for name in ROAD_FILES if not (roads / name).is_file()]
    if missing:
        pytest.fail(
            f"road data missing in {roads.resolve()}: {', '.join(missing)}. Point data_dir "
            "(SAFENET_DATA_DIR) at the shared data folder (see /work/shared/data/README.md)."
        )
    return data


@pytest.fixture(scope="session")
def road_networks(data_dir: Path) -> dict[str, RoadNetwork]:
    """Each real road file loaded once for the whole session, by file name."""
    return {name: load_network(data_dir / "roads" / name) for name in ROAD_FILES}
