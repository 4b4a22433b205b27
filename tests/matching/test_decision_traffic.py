"""The look-alike traffic as a store keeps it: rows rebuild the same log (issue 17).

:meth:`NearTraffic.to_rows` and :meth:`NearTraffic.load_rows` are what lets a center keep
an entry's look-alike traffic across a restart (``decision_traffic``): the rebuilt log
must answer ``crowd`` and ``about`` exactly as the one it was written from.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safenet.matching.decision import Observation
from safenet.matching.decision.memory import NearTraffic
from safenet.matching.decision.reach import StraightLineReach
from safenet.tracking import DEFAULT_PLAUSIBILITY, GeoPoint

CAMERAS = {
    "a": GeoPoint(37.5665, 126.9780),
    "b": GeoPoint(37.5700, 126.9820),
    "c": GeoPoint(37.6000, 127.0500),
}
PLATES = ("12가3457", "12가3455", "12거3456")


def _traffic(max_passes: int = 64) -> NearTraffic:
    return NearTraffic(traffic_s=3600.0, min_sureness=2.0, pass_gap_s=5.0, max_passes=max_passes)


reads = st.lists(
    st.tuples(
        st.sampled_from(PLATES),
        st.sampled_from(sorted(CAMERAS)),
        st.floats(0.0, 30.0),  # seconds after the read before
        st.floats(0.85, 0.999),
    ),
    max_size=40,
)


def _fill(traffic: NearTraffic, rows: list[tuple[str, str, float, float]]) -> float:
    ts = 0.0
    for k, (plate, camera, gap, confidence) in enumerate(rows):
        ts += gap
        obs = Observation(f"r{k}", camera, ts, plate, confidence, point=CAMERAS[camera])
        traffic.note(plate, obs, 1.0 / (1.0 - confidence))
    return ts


@given(reads, st.integers(1, 64))
def test_rows_rebuild_the_same_traffic(rows: list[tuple[str, str, float, float]], cap: int) -> None:
    kept = _traffic(cap)
    end = _fill(kept, rows)
    again = _traffic(cap)
    again.load_rows(reversed(kept.to_rows()))  # in any order: load puts them in theirs
    assert again.to_rows() == kept.to_rows()
    reach = StraightLineReach(DEFAULT_PLAUSIBILITY)
    probe = Observation("p", "b", end + 10.0, "12가3456", 0.95, point=CAMERAS["b"])
    assert again.crowd(probe.ts) == kept.crowd(probe.ts)
    assert again.about(probe, reach, 300.0).keys() == kept.about(probe, reach, 300.0).keys()
    # and it goes on as the one never stopped would: the next pass comes after the others
    late = Observation("q", "a", end + 20.0, "12가3457", 0.99, point=CAMERAS["a"])
    kept.note(late.text, late, 100.0)
    again.note(late.text, late, 100.0)
    assert again.to_rows() == kept.to_rows()


def test_loading_keeps_only_the_newest_passes_it_may_keep() -> None:
    kept = _traffic()
    _fill(kept, [("12가3457", "a", 10.0, 0.95), ("12가3455", "c", 10.0, 0.95)])
    small = _traffic(max_passes=1)
    small.load_rows(kept.to_rows())
    assert [row[0] for row in small.to_rows()] == ["12가3455"]
