"""Look-alike cars about (issue 17, corpus D): fleets, plain-digit neighbours, the crowd prior.

A taxi fleet's cars carry consecutive serials, one colour and one type: a fleet-mate
one digit off, read as its own plate a minute ago nearby, can be misread into the
wanted plate by a camera sure of itself. While such a car could be the vehicle, an
exact read is no proof: it is held for a read a look-alike cannot give (the wanted
plate at another camera site, or a description that fits the entry where the
look-alike's did not). With no look-alike about, nothing changes.
"""

from __future__ import annotations

import math
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from safenet.matching import HotlistEntry
from safenet.matching.decision import FEATURES, Calibration, DecisionPolicy, Rule, State
from safenet.matching.decision.chain import WINDOW_FLOOR
from safenet.matching.decision.memory import one_step
from tests.matching.test_decision import PLAIN, final, read, run

FLEET = HotlistEntry("w1", "서울31사1234", colour="주황", vehicle_type="승용")
MATE = "서울31사1235"  # the next serial: one plain digit off


def test_an_exact_read_while_a_fleet_mate_is_about_is_a_candidate_at_once() -> None:
    decisions, _chain = run(
        [
            read("m1", "a", 0.0, MATE, 0.97, "orange", "sedan"),  # the mate, surely, at a
            read("x1", "b", 60.0, FLEET.plate, 0.95, "orange", "sedan"),  # 800 m on
            read("late", "far", 400.0, "12가3456", 0.9),  # the clock moves on
        ],
        [FLEET],
    )
    first = next(d for d in decisions if d.read_id == "x1")
    assert first.state is State.CANDIDATE  # shown at once (never held), never an alert
    assert first.rule is Rule.EXACT_LOOKALIKE
    assert first.surfaced_ts == 60.0
    assert first.features.lookalikes == 1
    assert "look-alike" in first.en
    assert "비슷한 차량" not in first.ko
    assert "한 글자 다른 실제 차량" in first.ko
    assert final(decisions)["x1"] == first
    assert not any(d.state is State.ALERT for d in decisions)


def test_a_misread_while_a_fleet_mate_is_about_is_held_then_dropped() -> None:
    decisions, _chain = run(
        [
            read("m1", "a", 0.0, MATE, 0.97, "orange", "sedan"),
            read("y1", "b", 60.0, "서울31사1284", 0.7, "orange", "sedan"),  # 3 -> 8
            read("late", "far", 400.0, "12가3456", 0.9),
        ],
        [FLEET],
        calibration=Calibration(9.0, PLAIN.weights, 0.5),  # it would surface on score alone
    )
    first = next(d for d in decisions if d.read_id == "y1")
    assert first.state is State.HELD
    assert first.rule is Rule.LOOKALIKES
    assert "비슷한 차량" in first.ko
    assert final(decisions)["y1"].state is State.DROPPED


def test_a_read_of_the_wanted_plate_at_another_site_surfaces_but_never_alerts() -> None:
    # corpus D's 7 "proven" false alerts: the wanted fleet car read at one site, its mate
    # misread into the wanted plate at another -- two sites prove the car is about,
    # not that this read is it
    decisions, _ = run(
        [
            read("m1", "a", 0.0, MATE, 0.97, "orange", "sedan"),
            read("x1", "b", 60.0, FLEET.plate, 0.95, "orange", "sedan"),
            read("x2", "a", 100.0, FLEET.plate, 0.95, "orange", "sedan"),  # 800 m back
        ],
        [FLEET],
    )
    assert not any(d.state is State.ALERT for d in decisions)
    by_read = final(decisions)
    assert by_read["x2"].state is State.CANDIDATE  # at once, said why
    assert by_read["x2"].rule is Rule.EXACT_LOOKALIKE
    assert by_read["x2"].surfaced_ts == 100.0
    assert by_read["x2"].features.site_reads == 1
    assert by_read["x1"].rule is Rule.EXACT_LOOKALIKE
    assert by_read["x1"].surfaced_ts == 60.0


def test_a_mate_read_surely_this_hour_makes_an_exact_read_a_candidate_at_once() -> None:
    # corpus D, 9 of its 16 false alerts: the mate last read surely 20 minutes before,
    # then misread into the wanted plate by a camera sure of itself, no alternatives
    decisions, _ = run(
        [
            read("m1", "a", 0.0, MATE, 0.97, "orange", "sedan"),
            read("x1", "b", 1200.0, FLEET.plate, 0.92, "orange", "sedan"),
        ],
        [FLEET],
    )
    x1 = final(decisions)["x1"]
    assert x1.state is State.CANDIDATE
    assert x1.rule is Rule.EXACT_LOOKALIKE
    assert x1.decided_ts == x1.surfaced_ts == 1200.0  # never held
    assert x1.features.lookalikes == 1
    assert "look-alike" in x1.en
    assert "오판독" in x1.ko
    quiet, _ = run(
        [
            read("m1", "a", 0.0, MATE, 0.97, "orange", "sedan"),
            read("x1", "b", 1200.0, FLEET.plate, 0.92, "orange", "sedan"),
        ],
        [FLEET],
        policy=DecisionPolicy(lookalike_exact_s=300.0),
    )
    assert final(quiet)["x1"].state is State.ALERT  # the five-minute horizon let it through


def test_a_second_frame_at_the_same_camera_is_no_proof() -> None:
    decisions, _ = run(
        [
            read("m1", "a", 0.0, MATE, 0.97),
            read("x1", "b", 60.0, FLEET.plate, 0.95),
            read("x2", "b", 60.4, FLEET.plate, 0.95),  # the same pass, its misread repeated
        ],
        [FLEET],
    )
    xs = [d for d in decisions if d.read_id.startswith("x")]
    assert [d.rule for d in xs] == [Rule.EXACT_LOOKALIKE] * 2  # candidates, not alerts


def test_a_description_the_mates_do_not_share_is_proof() -> None:
    wanted = HotlistEntry("w1", "서울31사1234", colour="흰색", vehicle_type="SUV")
    decisions, _ = run(
        [
            read("m1", "a", 0.0, MATE, 0.97, "black", "sedan"),  # the look-alike looks otherwise
            read("x1", "b", 60.0, wanted.plate, 0.95, "white", "SUVMPV"),
        ],
        [wanted],
    )
    assert final(decisions)["x1"].state is State.ALERT


def test_a_look_alike_out_of_reach_or_long_gone_delays_nothing() -> None:
    far, _ = run(
        [read("m1", "far", 0.0, MATE, 0.97), read("x1", "a", 60.0, FLEET.plate, 0.95)],
        [FLEET],
    )
    assert final(far)["x1"].state is State.ALERT  # 60 km in a minute: not that car
    gone, _ = run(
        [read("m1", "a", 0.0, MATE, 0.97), read("x1", "a", 3700.0, FLEET.plate, 0.95)],
        [FLEET],
        policy=DecisionPolicy(lookalike_s=300.0, lookalike_exact_s=3600.0),
    )
    assert final(gone)["x1"].state is State.ALERT
    unsure, _ = run(
        [read("m1", "a", 0.0, MATE, 0.6), read("x1", "b", 60.0, FLEET.plate, 0.95)],
        [FLEET],
    )
    assert final(unsure)["x1"].state is State.ALERT  # not read surely: not known to be about


def test_a_fleet_mate_read_surely_is_seen_though_it_scores_below_the_window() -> None:
    decisions, chain = run([read("m1", "a", 0.0, MATE, 0.99)], [FLEET])
    assert decisions == []  # a plain digit off at 0.99 scores 0.00005: no line
    traffic = chain.traffic("w1")
    assert traffic is not None
    assert len(traffic) == 1
    memory = chain.memory("w1")
    assert memory is not None
    assert len(memory) == 1
    assert WINDOW_FLOOR > 0.00005


def test_one_step_is_one_substitution_insertion_deletion_or_move() -> None:
    assert one_step("12가3456", "12가3457")
    assert one_step("12가3456", "112가3456")
    assert one_step("12가3456", "2가3456")
    assert one_step("12가3456", "12가3546")
    assert not one_step("12가3456", "12가3456")
    assert not one_step("12가3456", "12거3457")


def test_the_crowd_lowers_the_base_rate_and_says_so() -> None:
    busy = Calibration(PLAIN.intercept, PLAIN.weights, PLAIN.surface_at, traffic_reference=0.5)
    mates = [read(f"m{i}", "far", 10.0 * i, f"서울31사12{30 + i}", 0.97) for i in range(5)]
    decisions, _chain = run(
        [*mates, read("x1", "a", 100.0, "서울31사1284", 0.6)],  # a look-alike misread (3 -> 8)
        [FLEET],
        calibration=busy,
    )
    d = next(d for d in decisions if d.read_id == "x1")
    assert d.features.crowd == 4  # 서울31사1230-33 are one step from 1234; 1234 itself is not
    base = d.factors[0]
    assert base.factor == "base"
    assert base.code == "busy"
    assert base.params == {"n": 4}
    assert base.contribution == round(PLAIN.intercept + math.log(1.5 / 5), 4)
    assert "busier" in base.en
    assert "낮춤" in base.ko
    quiet, _ = run([read("x1", "a", 100.0, "서울31사1284", 0.6)], [FLEET], calibration=busy)
    assert quiet[0].factors[0].code == "base"


@given(st.integers(0, 10_000), st.floats(0, 100))
def test_the_traffic_prior_never_raises_a_score(crowd: int, reference: float) -> None:
    calibration = Calibration(0.0, dict.fromkeys(FEATURES, 1.0), 0.5, traffic_reference=reference)
    assert calibration.traffic_prior(crowd) <= 0.0
    assert Calibration(0.0, dict.fromkeys(FEATURES, 1.0), 0.5).traffic_prior(crowd) == 0.0


def test_the_catalogue_words_the_new_codes() -> None:
    lib = Path(__file__).parents[2] / "src/safenet/web/static/lib"
    text = (lib / "words_explain.js").read_text(encoding="utf-8")
    assert "'factor.base.busy': ['" in text
    assert "'rule.lookalikes': ['" in text
    assert "'rule.exact_lookalike': ['" in text
    assert "'rule.exact_elsewhere': ['" in text


def test_a_look_alike_read_elsewhere_since_clears_a_held_read() -> None:
    decisions, _ = run(
        [
            read("m1", "a", 0.0, MATE, 0.97),
            read("y1", "b", 60.0, "서울31사1284", 0.7),  # held: the mate could be here
            read("m2", "far", 70.0, MATE, 0.97),  # the mate, 60 km off ten seconds later
        ],
        [FLEET],
        calibration=Calibration(9.0, PLAIN.weights, 0.5),
    )
    by_read = final(decisions)
    assert by_read["y1"].state is State.CANDIDATE
    assert by_read["y1"].rule is Rule.CORROBORATED
    assert by_read["y1"].surfaced_ts == 70.0


def test_the_wanted_plate_read_elsewhere_is_no_proof_for_a_misread_here() -> None:
    decisions, _ = run(
        [
            read("m1", "a", 0.0, MATE, 0.97),  # a fleet-mate about
            read("x1", "b", 10.0, FLEET.plate, 0.95),  # the wanted car, 800 m off
            read("y1", "a", 40.0, "서울31사1284", 0.6),  # a misread near the mate
        ],
        [FLEET],
        calibration=Calibration(9.0, PLAIN.weights, 0.5),  # it would surface on score alone
    )
    y1 = next(d for d in decisions if d.read_id == "y1")
    assert y1.state is State.HELD
    assert y1.rule is Rule.LOOKALIKES


def test_a_mate_read_far_off_since_is_no_alibi_for_an_exact_read() -> None:
    # corpus D: a sure read of the mate's plate far off (perhaps itself a misread) gave
    # the mate an "alibi"; the mate's own misread into the wanted plate here alerted
    decisions, _ = run(
        [
            read("m1", "a", 0.0, MATE, 0.97),  # the mate, surely, near b
            read("m2", "far", 50.0, MATE, 0.97),  # "the mate" 60 km off: perhaps a misread
            read("x1", "b", 60.0, FLEET.plate, 0.95),
        ],
        [FLEET],
    )
    x1 = final(decisions)["x1"]
    assert x1.state is State.CANDIDATE
    assert x1.rule is Rule.EXACT_LOOKALIKE
    assert x1.surfaced_ts == 60.0


def test_the_plate_read_where_one_car_could_not_also_be_makes_no_alert() -> None:
    # corpus D's last false alert: the wanted car read surely 5 km off 83 s before, then
    # its fleet-mate (never read surely that hour) misread into the wanted plate here
    decisions, _ = run(
        [
            read("x0", "far", 0.0, FLEET.plate, 0.92),  # the wanted car, 60 km off
            read("x1", "a", 60.0, FLEET.plate, 0.8),  # one car cannot be at both
        ],
        [FLEET],
    )
    x1 = final(decisions)["x1"]
    assert x1.state is State.CANDIDATE
    assert x1.rule is Rule.EXACT_ELSEWHERE
    assert x1.surfaced_ts == 60.0  # at once
    assert x1.features.elsewhere_reads == 1
    assert "one car could not" in x1.en
    assert "갈 수 없는" in x1.ko
    near, _ = run(
        [read("x0", "b", 0.0, FLEET.plate, 0.92), read("x1", "a", 60.0, FLEET.plate, 0.8)],
        [FLEET],
    )
    assert final(near)["x1"].state is State.ALERT  # 800 m in a minute: the same car
