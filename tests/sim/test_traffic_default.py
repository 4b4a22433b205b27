"""The default scenario run headless: the wanted vehicles are seen, the reads are well formed."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from safenet.plates import check
from safenet.roads import haversine_m
from safenet.sim import ReadEvent, Simulation, TruthStats
from safenet.sim.noise import NoiseKind
from tests.sim.simdata import START, default_run, default_simulation

READ_KEYS = {
    "id",
    "camera_id",
    "ts",
    "plate",
    "confidence",
    "alternatives",
    "snapshot_ref",
    "vehicle",
}
ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@pytest.fixture(scope="module")
def sim(data_dir: Path) -> Simulation:
    return default_simulation(data_dir)


@pytest.fixture(scope="module")
def run(data_dir: Path) -> tuple[tuple[ReadEvent, ...], TruthStats]:
    return default_run(data_dir)


def test_every_wanted_vehicle_is_read_by_at_least_two_cameras(
    sim: Simulation, run: tuple[tuple[ReadEvent, ...], TruthStats]
) -> None:
    events, truth = run
    for spec in sim.wanted:
        cameras = {e.camera_id for e in events if e.truth.wanted_id == spec.id}
        assert len(cameras) >= 2, spec.id
        assert truth.wanted_cameras[spec.id] == cameras


def test_the_kidnapping_suspect_is_seen_by_both_centers_seocho_first(
    run: tuple[tuple[ReadEvent, ...], TruthStats],
) -> None:
    events, truth = run
    reads = [e for e in events if e.truth.wanted_id == "W-SEOCHO-KIDNAP"]
    by_site = Counter(e.site for e in reads)
    assert by_site["seocho"] >= 2
    assert by_site["gangnam"] >= 2
    assert reads[0].site == "seocho"
    assert truth.wanted_reads["W-SEOCHO-KIDNAP"] == by_site


def test_the_missing_person_stays_in_eunpyeong_and_the_robber_in_the_sumo_net(
    sim: Simulation, run: tuple[tuple[ReadEvent, ...], TruthStats]
) -> None:
    events, _ = run
    missing = {e.site for e in events if e.truth.wanted_id == "W-EUNPYEONG-MISSING"}
    assert missing == {"eunpyeong"}
    robber = Counter(e.site for e in events if e.truth.wanted_id == "W-GANGNAM-ROBBERY")
    assert robber["gangnam"] > robber["seocho"]
    assert "eunpyeong" not in robber
    assert min(e.t_s for e in events if e.truth.wanted_id == "W-GANGNAM-ROBBERY") >= 120


def test_reads_come_in_time_order_within_the_run(
    sim: Simulation, run: tuple[tuple[ReadEvent, ...], TruthStats]
) -> None:
    events, _ = run
    times = [e.t_s for e in events]
    assert times == sorted(times)
    assert times[0] >= 0
    assert times[-1] < sim.scenario.duration_s
    for event in events[:50]:
        assert datetime.fromisoformat(event.read["ts"]) == event.ts


def test_reads_are_in_the_ingest_format(run: tuple[tuple[ReadEvent, ...], TruthStats]) -> None:
    events, _ = run
    ids = [e.read_id for e in events]
    assert len(set(ids)) == len(ids)
    for event in events:
        read = event.read
        assert set(read) <= READ_KEYS
        assert ID.match(read["id"])
        assert read["id"].startswith(f"sim-{event.site}-")
        assert read["camera_id"] == event.camera_id
        ts = datetime.fromisoformat(read["ts"])
        assert ts.utcoffset() is not None
        assert isinstance(read["plate"], str)
        assert check(read["plate"]).valid
        assert 0.0 <= read["confidence"] <= 1.0
        for alt in read.get("alternatives", []):
            assert set(alt) == {"plate", "confidence"}
            assert 0.0 <= alt["confidence"] <= 1.0
        assert len(read.get("alternatives", [])) <= 10
        assert set(read["vehicle"]) == {"colour", "type"}
        assert "://" not in read["snapshot_ref"]
        assert (read["plate"] == event.truth.plate) == (event.truth.noise is NoiseKind.NONE)


def test_wanted_read_times_follow_travel_times(
    sim: Simulation, run: tuple[tuple[ReadEvent, ...], TruthStats]
) -> None:
    events, _ = run
    cameras = {c.camera_id: c for c in sim.city.cameras()}
    for spec in sim.wanted:
        reads = [e for e in events if e.truth.wanted_id == spec.id]
        for a, b in itertools.pairwise(reads):
            ca, cb = cameras[a.camera_id], cameras[b.camera_id]
            metres = haversine_m(ca.watch_lat, ca.watch_lon, cb.watch_lat, cb.watch_lon)
            seconds = b.t_s - a.t_s
            # Straight-line speed between two reads never beats the fastest road (80 km/h on
            # the SUMO net) at the vehicle's speed, plus the two cameras' read radius.
            assert (
                metres - 2 * sim.scenario.city.read_radius_m
                <= (80 / 3.6) * spec.speed * seconds + 1
            )


def test_background_rate_is_close_to_the_configured_one(
    sim: Simulation, run: tuple[tuple[ReadEvent, ...], TruthStats]
) -> None:
    _, truth = run
    target = sim.scenario.background.reads_per_s
    measured = truth.background_rate(sim.scenario.speed_factor)
    assert 0.8 * target <= measured <= 1.2 * target, measured
    assert set(truth.by_site) == {"seocho", "gangnam", "eunpyeong"}
    assert 0.05 < truth.misread_share() < 0.3
    assert truth.missed_passes > 0


def test_the_same_seed_gives_the_same_reads(
    sim: Simulation, run: tuple[tuple[ReadEvent, ...], TruthStats]
) -> None:
    events, _ = run
    again = list(itertools.islice(sim.events(), 300))
    assert [e.read for e in again] == [e.read for e in events[:300]]
    assert [e.truth for e in again] == [e.truth for e in events[:300]]


def test_a_run_tag_goes_into_every_read_id(data_dir: Path, sim: Simulation) -> None:
    tagged = Simulation(sim.scenario, sim.city, start_time=START, run_tag="r2")
    first = next(iter(tagged.events()))
    assert first.read_id.startswith(f"sim-r2-{first.site}-")


def test_the_default_scenario_runs_without_any_data() -> None:
    sim = Simulation.from_scenario(no_data=True, start_time=START)
    assert sim.city.synthetic
    assert "fully SYNTHETIC city" in sim.city.summary()
    events = list(sim.events())
    assert events
    for spec in sim.wanted:
        assert len(sim.truth.wanted_cameras.get(spec.id, ())) >= 2, spec.id
