"""The decision chain: alert at once, candidate with reasons, held until corroborated, dropped."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from safenet.matching import HotlistEntry, HotlistIndex, Read
from safenet.matching.decision import (
    Calibration,
    Decision,
    DecisionChain,
    DecisionPolicy,
    Rule,
    State,
    default_calibration,
)
from safenet.matching.decision.adapt import stream_time, wanted_of
from safenet.matching.decision.stream import decide_batch
from safenet.tracking import GeoPoint, destination_point

# A plain calibration for the rules' tests, so they do not move when the shipped file is refit.
PLAIN = Calibration(
    intercept=0.0,
    weights={
        "plate": 1.0,
        "exact": 2.0,
        "colour": 1.0,
        "type": 1.0,
        "make": 1.0,
        "support": 2.0,
        "against": 2.0,
    },
    surface_at=0.2,
)
ORIGIN = GeoPoint(37.50, 127.03)
CAMERAS = {
    "a": ORIGIN,
    "b": destination_point(ORIGIN, 800, 90),  # 800 m east
    "far": destination_point(ORIGIN, 60_000, 0),  # 60 km north
}

WANTED = HotlistEntry("w1", "123가4567", colour="흰색", vehicle_type="SUV")


def read(
    rid: str,
    camera: str,
    ts: float,
    plate: str,
    confidence: float,
    colour: str | None = None,
    body: str | None = None,
) -> Read:
    return Read(rid, camera, ts, plate, confidence, vehicle_colour=colour, vehicle_type=body)


def run(
    reads: Sequence[Read],
    entries: Sequence[HotlistEntry] = (WANTED,),
    *,
    cameras: dict[str, GeoPoint] | None = CAMERAS,
    policy: DecisionPolicy | None = None,
    calibration: Calibration = PLAIN,
) -> tuple[list[Decision], DecisionChain]:
    index, rejected = HotlistIndex.build(entries)
    assert not rejected
    wanted = [wanted_of(e, index)[0] for e in entries]
    chain = DecisionChain(wanted, policy, calibration)
    points = cameras or {}
    out = decide_batch(chain, index, reads, points.get)
    return out, chain


def final(decisions: list[Decision]) -> dict[str, Decision]:
    return {d.read_id: d for d in decisions if d.final}


def test_without_cameras_or_description_it_decides_as_the_per_read_matcher() -> None:
    bare = HotlistEntry("w1", "123가4567")
    decisions, chain = run(
        [read("r1", "a", 0, "123가4567", 0.95), read("r2", "a", 5, "123거4567", 0.6)],
        [bare],
        cameras=None,
    )
    by_read = final(decisions)
    assert by_read["r1"].state is State.ALERT
    assert by_read["r1"].rule is Rule.EXACT
    assert by_read["r2"].state is State.CANDIDATE
    assert by_read["r2"].rule is Rule.NO_EVIDENCE
    assert by_read["r2"].surfaced_ts == 5
    assert chain.held == 0


def test_exact_and_agreeing_alerts_at_once() -> None:
    decisions, _ = run([read("r1", "a", 100, "123가4567", 0.9, "white", "SUVMPV")])
    (decision,) = decisions
    assert decision.state is State.ALERT
    assert decision.surfaced_ts == decision.decided_ts == 100
    colour = next(f for f in decision.factors if f.factor == "colour")
    assert colour.contribution > 0
    assert "agrees" in colour.en
    assert colour.ko.startswith("색상: 카메라 흰색, 수배 흰색")


def test_exact_but_contradicting_description_is_a_candidate_that_says_why() -> None:
    decisions, _ = run([read("r1", "a", 0, "123가4567", 0.9, "black", "truck")])
    decision = decisions[0]
    assert decision.state is not State.ALERT
    assert decision.state in (State.CANDIDATE, State.HELD)
    colour = next(f for f in decision.factors if f.factor == "colour")
    assert colour.contribution < 0
    assert "contradicts" in colour.en
    assert "불일치" in colour.ko


def test_exact_contradicted_by_its_own_camera_pass_is_no_alert() -> None:
    # a look-alike neighbour, read as itself twice and once misread as the wanted plate
    decisions, _ = run(
        [
            read("r1", "a", 0.0, "123거4567", 0.95),
            read("r2", "a", 0.5, "123가4567", 0.55),
        ]
    )
    r2 = next(d for d in decisions if d.read_id == "r2")
    assert r2.state is not State.ALERT
    against = next(f for f in r2.factors if f.factor == "against")
    assert against.contribution < 0
    assert "same pass" in against.en


def test_weak_candidate_is_held_then_surfaced_when_a_reachable_read_corroborates() -> None:
    decisions, chain = run(
        [
            read("r1", "a", 0, "123거4567", 0.7),  # a look-alike read, score 0.08
            read("r2", "b", 60 - 1, "123가4567", 0.95, "white", "suv"),  # 800 m in 59 s
        ]
    )
    states = [(d.read_id, d.state, d.rule) for d in decisions]
    assert states == [
        ("r1", State.HELD, Rule.HELD),
        ("r1", State.CANDIDATE, Rule.CORROBORATED),
        ("r2", State.ALERT, Rule.EXACT),
    ]
    surfaced = decisions[1]
    assert surfaced.ts == 0
    assert surfaced.surfaced_ts == 59
    assert surfaced.group == decisions[2].group == ("w1", "123가4567")
    assert chain.held == 0


def test_held_candidate_is_dropped_when_the_hold_runs_out() -> None:
    decisions, chain = run(
        [
            read("r1", "a", 0, "123거4567", 0.8),
            read("r2", "b", 61, "123가4567", 0.95, "white", "suv"),  # too late
        ]
    )
    by_read = final(decisions)
    assert by_read["r1"].state is State.DROPPED
    assert by_read["r1"].rule is Rule.NOT_CORROBORATED
    assert by_read["r1"].decided_ts == 60
    assert by_read["r1"].surfaced_ts is None
    assert by_read["r2"].state is State.ALERT
    assert chain.held == 0


def test_a_read_no_vehicle_could_reach_does_not_corroborate() -> None:
    decisions, chain = run(
        [
            read("r1", "a", 0, "123거4567", 0.8),
            read("r2", "far", 30, "123가4567", 0.95, "white", "suv"),  # 60 km in 30 s
        ]
    )
    assert [d.state for d in decisions if d.read_id == "r1"] == [State.HELD]
    assert chain.held == 1
    assert [d.read_id for d in chain.flush()] == ["r1"]


def test_neighbour_read_again_and_again_as_its_own_plate_is_not_surfaced() -> None:
    # The wanted car is white; a black look-alike 123거4567 drives past two cameras.
    reads = [
        read("n1", "a", 0, "123거4567", 0.96, "black", "car"),
        read("n2", "b", 40, "123거4567", 0.62, "black", "car"),  # weak: scores ~0.1
        read("n3", "b", 40.5, "123거4567", 0.93, "black", "car"),
    ]
    decisions, _ = run(reads, calibration=default_calibration())
    assert not [d for d in decisions if d.state.surfaced]
    n2 = [d for d in decisions if d.read_id == "n2"][-1]
    assert n2.group == ("w1", "123거4567")
    against = next(f for f in n2.factors if f.factor == "against")
    assert against.contribution < 0
    assert "123거4567" in against.en


def test_one_group_per_vehicle_and_entry() -> None:
    reads = [read(f"r{i}", "ab"[i % 2], i * 30, "123가4567", 0.9, "white") for i in range(6)]
    decisions, _ = run(reads)
    assert {d.group for d in decisions} == {("w1", "123가4567")}
    assert all(d.state is State.ALERT for d in decisions)


def test_witness_pattern_groups_by_the_plate_read() -> None:
    pattern = HotlistEntry("p1", "12가34??")
    decisions, _ = run(
        [read("r1", "a", 0, "12가3499", 0.9), read("r2", "a", 9, "12가3411", 0.9)],
        [pattern],
        cameras=None,
    )
    assert [d.group for d in decisions] == [("p1", "12가3499"), ("p1", "12가3411")]


def test_removing_an_entry_forgets_its_held_candidates() -> None:
    _, chain = run([read("r1", "a", 0, "123거4567", 0.8)])
    assert chain.held == 1
    chain.remove_wanted("w1")
    assert chain.held == 0
    assert chain.flush() == []


def test_zero_hold_drops_at_once() -> None:
    decisions, chain = run([read("r1", "a", 0, "123거4567", 0.8)], policy=DecisionPolicy(hold_s=0))
    assert [d.state for d in decisions] == [State.DROPPED]
    assert chain.held == 0


def test_policy_refuses_a_window_shorter_than_the_hold() -> None:
    with pytest.raises(ValueError, match="window_s"):
        DecisionPolicy(hold_s=120, window_s=60)


def test_shipped_calibration_is_valid_and_documents_its_fit() -> None:
    calibration = default_calibration()
    assert 0 < calibration.surface_at < 1
    assert all(w >= 0 for w in calibration.weights.values())
    assert calibration.method


def test_calibration_file_errors_name_the_field() -> None:
    with pytest.raises(ValueError, match="'surface_at'"):
        Calibration.from_json({"intercept": 0, "weights": PLAIN.weights})
    with pytest.raises(ValueError, match="weight of colour"):
        Calibration.from_json(
            {"intercept": 0, "surface_at": 0.1, "weights": {**PLAIN.weights, "colour": -1}}
        )


@pytest.mark.parametrize(
    ("ts", "seconds"),
    [
        (1714521600, 1714521600.0),
        ("2024-05-01T00:00:00Z", 1714521600.0),
        ("2024-05-01T09:00:00+09:00", 1714521600.0),
        ("2024-05-01T00:00:00", 1714521600.0),
        ("yesterday", None),
    ],
)
def test_stream_time(ts: str | float, seconds: float | None) -> None:
    assert stream_time(ts) == seconds


def test_an_exact_read_the_camera_doubted_needs_backing_to_alert() -> None:
    unsure = read("r1", "a", 0, "123가4567", 0.6)
    (alone,) = run([unsure])[0]
    assert alone.state is State.CANDIDATE
    assert alone.rule is Rule.EXACT_UNSURE
    assert alone.surfaced_ts == 0  # at once, never held
    # the whole description agreeing backs it: a white SUV seen for a white SUV
    (backed,) = run([read("r1", "a", 0, "123가4567", 0.6, "white", "suv")])[0]
    assert backed.state is State.ALERT
    # a common type alone does not: "car" for a car is no backing
    car = HotlistEntry("w1", "123가4567", vehicle_type="car")
    (weak,) = run([read("r1", "a", 0, "123가4567", 0.6, None, "sedan")], [car])[0]
    assert weak.rule is Rule.EXACT_UNSURE
    # another read of the plate in another pass within reach backs it
    decisions, _ = run(
        [read("r0", "b", 0, "123가4567", 0.9), read("r1", "a", 50, "123가4567", 0.6)]
    )
    assert final(decisions)["r1"].state is State.ALERT
    # without positions or descriptions the per-read rule stands: an alert
    bare = HotlistEntry("w1", "123가4567")
    (plain,) = run([unsure], [bare], cameras=None)[0]
    assert plain.state is State.ALERT


def test_an_exact_read_outweighed_by_a_look_alike_car_nearby_is_no_alert() -> None:
    decisions, _ = run(
        [
            read("n1", "a", 0, "123거4567", 0.97),
            read("n2", "b", 40, "123거4567", 0.95),
            read("n3", "a", 80, "123가4567", 0.8),  # the same car, misread into the wanted plate
        ]
    )
    n3 = [d for d in decisions if d.read_id == "n3"]
    assert n3[0].state is not State.ALERT
    against = next(f for f in n3[0].factors if f.factor == "against")
    assert against.contribution < 0
    assert "look-alike" in against.en


def test_an_exact_read_whose_alternatives_name_another_plate_is_a_candidate() -> None:
    """Corpus C's false alert: a neighbour 43머1816 read once as the wanted 43머1316 at 0.72,
    the camera's own alternatives saying 43머1816; the colour agreed. A candidate, at once."""
    from safenet.matching import Alternative

    ambiguous = Read(
        "r1",
        "a",
        0,
        "123가4567",
        0.9,
        (Alternative("123가4587", 0.17),),
        vehicle_colour="white",
        vehicle_type="suv",
    )
    (decision,) = run([ambiguous])[0]
    assert decision.state is State.CANDIDATE
    assert decision.rule is Rule.EXACT_AMBIGUOUS
    assert decision.surfaced_ts == 0  # at once, never held
    assert "another valid plate" in decision.en
    # an alternative that is no valid plate, or a faint one, leaves it an alert
    for alternative in (Alternative("123가45", 0.3), Alternative("123가4587", 0.05)):
        plain = Read("r1", "a", 0, "123가4567", 0.9, (alternative,), vehicle_colour="white")
        (alert,) = run([plain])[0]
        assert alert.state is State.ALERT, alternative
    # a read of the wanted plate in another pass within reach settles it: an alert
    decisions, _ = run([read("r0", "b", 0, "123가4567", 0.95), _at(ambiguous, 50.0)])
    assert final(decisions)["r1"].state is State.ALERT
    assert final(decisions)["r1"].rule is Rule.EXACT


def _at(r: Read, ts: float) -> Read:
    return Read(r.id, r.camera_id, ts, r.plate, r.confidence, r.alternatives,
                vehicle_colour=r.vehicle_colour, vehicle_type=r.vehicle_type)  # fmt: skip
