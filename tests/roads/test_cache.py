"""The compact copy of a road network under var/: the same network, faster, rebuilt on change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from safenet.roads import RoadDataError, load_network
from safenet.roads.cache import load_network_cached, load_networks_cached, read_network
from tests.roads.conftest import DONGJAK_FILE, ROAD_FILES, SUMO_FILE


def _edges(network: object) -> list[tuple[object, ...]]:
    graph = network.graph  # type: ignore[attr-defined]
    return sorted(
        ((u, v, k, sorted(d.items())) for u, v, k, d in graph.edges(keys=True, data=True)), key=repr
    )


@pytest.mark.parametrize("name", [DONGJAK_FILE, SUMO_FILE])
def test_the_copy_is_the_same_network(data_dir: Path, tmp_path: Path, name: str) -> None:
    path = data_dir / "roads" / name
    original = load_network(path)
    load_network_cached(path, tmp_path)
    (copy_file,) = tmp_path.glob("*.npz")
    copy = read_network(copy_file)
    assert dict(copy.graph.nodes(data=True)) == dict(original.graph.nodes(data=True))
    assert _edges(copy) == _edges(original)
    assert (copy.name, copy.kind, copy.licence) == (original.name, original.kind, original.licence)
    assert copy.source == original.source


def test_a_changed_file_gets_a_new_copy(data_dir: Path, tmp_path: Path) -> None:
    roads = tmp_path / "data" / "roads"
    roads.mkdir(parents=True)
    path = roads / DONGJAK_FILE
    shutil.copy(data_dir / "roads" / DONGJAK_FILE, path)
    cache = tmp_path / "var" / "roads"
    load_network_cached(path, cache)
    (old,) = cache.glob("*.npz")
    # Drop every way after the first hundred: another file, another fingerprint.
    text = path.read_text(encoding="utf-8")
    ways = [i for i in range(len(text)) if text.startswith("<way ", i)]
    path.write_text(text[: ways[100]] + "</osm>\n", encoding="utf-8")
    second = load_network_cached(path, cache)
    (new,) = cache.glob("*.npz")
    assert new != old
    assert second.edge_count == load_network(path).edge_count
    assert read_network(new).edge_count == second.edge_count


def test_a_damaged_copy_is_rebuilt(data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "roads" / DONGJAK_FILE
    load_network_cached(path, tmp_path)
    (copy_file,) = tmp_path.glob("*.npz")
    copy_file.write_bytes(b"not a zip file")
    again = load_network_cached(path, tmp_path)
    assert again.edge_count == load_network(path).edge_count
    assert read_network(copy_file).edge_count == again.edge_count


def test_every_file_goes_through_the_cache(data_dir: Path, tmp_path: Path) -> None:
    networks = load_networks_cached(data_dir, tmp_path)
    assert len(networks) == len(ROAD_FILES)
    assert len(list((tmp_path / "roads").glob("*.npz"))) == len(ROAD_FILES)


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(RoadDataError, match="road data folder not found"):
        load_networks_cached(tmp_path, tmp_path)
