"""Camera-to-camera transition counts from the read flow: counts only, no plates kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safenet.tracking import TransitionCounts, TransitionLearner
from tests.tracking.factory import T0


def _feed(learner: TransitionLearner, reads: list[tuple[str, str, float]]) -> None:
    for plate, camera, at_s in reads:
        learner.observe(plate, camera, T0 + timedelta(seconds=at_s))


def test_consecutive_cameras_of_one_vehicle_are_counted_in_both_orders() -> None:
    learner = TransitionLearner(max_gap_s=600)
    _feed(
        learner,
        [
            ("12가3456", "A", 0),
            ("34나5678", "A", 5),
            ("12가3456", "A", 20),  # the same camera again: the same pass
            ("12가3456", "B", 60),
            ("34나5678", "B", 70),
            ("12가3456", "C", 120),
            ("34나5678", "D", 130),
        ],
    )
    counts = learner.counts
    first = counts.following("A")
    assert first is not None
    assert first.order == 1
    assert dict(first.counts) == {"B": 2}
    second = counts.following("B", previous="A")
    assert second is not None
    assert second.order == 2
    assert dict(second.counts) == {"C": 1, "D": 1}
    assert counts.total == 4


def test_a_gap_beyond_the_window_starts_a_new_trip() -> None:
    learner = TransitionLearner(max_gap_s=600)
    _feed(learner, [("12가3456", "A", 0), ("12가3456", "B", 601)])
    assert learner.counts.total == 0


def test_the_pairing_state_holds_no_plate_and_empties_as_it_ages() -> None:
    learner = TransitionLearner(max_gap_s=600)
    _feed(learner, [("12가3456", "A", 0), ("34나5678", "B", 10)])
    assert learner.pending == 2
    # What is remembered per vehicle: a 16-byte keyed hash, a camera, a time.
    for tag, (camera, _ts, previous) in learner._last.items():
        assert len(tag) == 16
        assert "12가3456".encode() not in tag
        assert {camera, previous} <= {"A", "B", None}
    _feed(learner, [("99다9999", "C", 1000)])
    assert learner.pending == 1  # the two old ones are forgotten
    rows = list(learner.counts.rows())
    assert all("가" not in str(row) for row in rows)


def test_a_late_read_is_not_a_transition() -> None:
    learner = TransitionLearner(max_gap_s=600)
    _feed(learner, [("12가3456", "A", 100), ("12가3456", "B", 50)])
    assert learner.counts.total == 0


def test_backing_off_to_order_one_and_the_minimum() -> None:
    counts = TransitionCounts()
    counts.add("X", "A", "B", 3)
    counts.add(None, "A", "C", 4)
    assert counts.following("A", previous="X", min_total=5) is not None
    found = counts.following("A", previous="X", min_total=5)
    assert found is not None
    assert found.order == 1
    assert dict(found.counts) == {"B": 3, "C": 4}
    assert counts.following("A", min_total=8) is None


def test_rows_rebuild_the_same_counts() -> None:
    counts = TransitionCounts()
    counts.add("X", "A", "B", 3)
    counts.add(None, "A", "B", 2)
    counts.add("Y", "B", "C", 1)
    again = TransitionCounts.from_rows(counts.rows())
    assert list(again.rows()) == list(counts.rows())
    found = again.following("A")
    assert found is not None
    assert dict(found.counts) == {"B": 5}


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ValueError, match="max_gap_s"):
        TransitionLearner(max_gap_s=0)
    with pytest.raises(ValueError, match="count"):
        TransitionCounts().add(None, "A", "B", -1)
