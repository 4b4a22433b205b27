"""Properties of the decision chain that hold for any calibration a fit can produce.

- adding agreeing evidence never lowers a score;
- a contradicting description never raises one;
- the exact-and-agreeing path is never delayed: the alert comes back from the very
  call that observes the read, stamped with the read's own time.

Weights, intercept and threshold are drawn at random (weights >= 0, as the fit
constrains them), so the properties are the model's, not one fitted file's.
"""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from safenet.matching import HotlistEntry, HotlistIndex, Read
from safenet.matching.decision import (
    FEATURES,
    Calibration,
    Decision,
    DecisionChain,
    Rule,
    State,
)
from safenet.matching.decision.adapt import observation_of, wanted_of
from safenet.matching.decision.evidence import sureness
from safenet.matching.decision.memory import one_step
from safenet.matching.decision.stream import decide_batch
from safenet.matching.decision.types import MEMORY_CONFIDENCE
from safenet.tracking import GeoPoint, destination_point
from safenet.vehicles import Colour, colour_ratio

WANTED_PLATE = "123가4567"
TEXTS = ["123가4567", "123거4567", "123가4587", "23가4567", "123가4561", "45나6789"]
ORIGIN = GeoPoint(37.5, 127.0)
CAMERAS = {f"c{i}": destination_point(ORIGIN, 700.0 * i, 37.0 * i) for i in range(5)}
COLOURS = [None, *[c.value for c in Colour]]

calibrations = st.builds(
    lambda ws, b, t: Calibration(b, dict(zip(FEATURES, ws, strict=True)), t),
    st.lists(st.floats(0, 5), min_size=len(FEATURES), max_size=len(FEATURES)),
    st.floats(-5, 5),
    st.floats(0.01, 0.99),
)


@st.composite
def streams(draw: st.DrawFn, size: int = 8) -> list[Read]:
    """A few reads of texts near the wanted plate, at cameras 0-3 km apart, in time order."""
    count = draw(st.integers(0, size))
    ts = 0.0
    reads = []
    for i in range(count):
        ts += draw(st.floats(0.2, 90))
        reads.append(
            Read(
                f"b{i}",
                draw(st.sampled_from(sorted(CAMERAS))),
                ts,
                draw(st.sampled_from(TEXTS)),
                draw(st.floats(0.3, 0.999)),
                vehicle_colour=draw(st.sampled_from(COLOURS)),
            )
        )
    return reads


def _run(entry: HotlistEntry, reads: list[Read], calibration: Calibration) -> list[Decision]:
    index, _ = HotlistIndex.build([entry])
    chain = DecisionChain([wanted_of(entry, index)[0]], calibration=calibration)
    ordered = sorted(reads, key=lambda r: float(r.ts))
    out = decide_batch(chain, index, ordered, CAMERAS.get)
    return out


def _first_score(decisions: list[Decision], read_id: str) -> float | None:
    mine = [d for d in decisions if d.read_id == read_id]
    return mine[0].score if mine else None


entries = st.builds(
    lambda colour: HotlistEntry("w1", WANTED_PLATE, colour=colour),
    st.sampled_from([None, "white", "black", "red"]),
)

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(
    entries,
    streams(),
    st.sampled_from(TEXTS[:5]),
    st.floats(0.3, 0.99),
    st.sampled_from(sorted(CAMERAS)),
    st.floats(0.0, 60.0),
    calibrations,
)
def test_agreeing_evidence_never_lowers_a_score(
    entry: HotlistEntry,
    base: list[Read],
    text: str,
    confidence: float,
    camera: str,
    lead: float,
    calibration: Calibration,
) -> None:
    end = max((float(r.ts) for r in base), default=0.0)
    target = Read("target", "c0", end + 100.0, text, confidence)
    # An exact read of the wanted plate whose colour (if any) is the registered one.
    agreeing = Read(
        "agree", camera, end + 100.0 - lead, WANTED_PLATE, 0.9, vehicle_colour=entry.colour
    )
    before = _first_score(_run(entry, [*base, target], calibration), "target")
    after = _first_score(_run(entry, [*base, agreeing, target], calibration), "target")
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert after >= before - 1e-12
    # and the read's own description agreeing with the entry's never lowers it either
    if entry.colour is not None:
        described = replace_colour(target, entry.colour)
        own = _first_score(_run(entry, [*base, described], calibration), "target")
        if before is not None and own is not None:
            assert own >= before - 1e-12


def replace_colour(read: Read, colour: str | None) -> Read:
    return Read(
        read.id,
        read.camera_id,
        read.ts,
        read.plate,
        read.confidence,
        read.alternatives,
        vehicle_colour=colour,
    )


@PROPERTY
@given(
    st.sampled_from(["white", "black", "red", "navy"]),
    streams(),
    st.sampled_from(TEXTS[:5]),
    st.floats(0.3, 0.99),
    st.sampled_from([c for c in Colour]),
    calibrations,
)
def test_a_contradicting_description_never_raises_a_score(
    registered: str,
    base: list[Read],
    text: str,
    confidence: float,
    seen: Colour,
    calibration: Calibration,
) -> None:
    if colour_ratio(seen, Colour(registered)) >= 1:
        return  # not a contradiction
    entry = HotlistEntry("w1", WANTED_PLATE, colour=registered)
    end = max((float(r.ts) for r in base), default=0.0)
    target = Read("target", "c1", end + 30.0, text, confidence)
    plain = _first_score(_run(entry, [*base, target], calibration), "target")
    contradicted = _first_score(
        _run(entry, [*base, replace_colour(target, seen.value)], calibration), "target"
    )
    if plain is not None and contradicted is not None:
        assert contradicted <= plain + 1e-12
    # a contradicting description on an earlier read never raises the target's score either
    if base:
        unknown = [replace_colour(base[0], None), *base[1:]]
        changed = [replace_colour(base[0], seen.value), *base[1:]]
        without = _first_score(_run(entry, [*unknown, target], calibration), "target")
        again = _first_score(_run(entry, [*changed, target], calibration), "target")
        if without is not None and again is not None:
            assert again <= without + 1e-12


@PROPERTY
@given(
    entries,
    streams(),
    st.sampled_from(sorted(CAMERAS)),
    st.floats(0.7, 1.0),
    calibrations,
)
def test_the_exact_and_agreeing_path_is_never_delayed(
    entry: HotlistEntry,
    base: list[Read],
    camera: str,
    confidence: float,
    calibration: Calibration,
) -> None:
    """An exact read whose look agrees, with no surer look-alike read around, alerts at once.

    "Agrees": its colour is the entry's (or either is unknown), no other plate in
    its camera pass (it comes 10 s after the rest), and the camera is surer of it
    than of all the look-alike reads around it together (else the chain rightly
    doubts it: the vehicle is whichever plate its cameras read more surely); and no
    real look-alike car is active: no plate one step from the wanted one was read
    surely (confidence >= MEMORY_CONFIDENCE) within ``lookalike_exact_s`` before it (a
    fleet-mate about makes even an exact read no proof, by design: issue 17, D; that
    read is then a candidate at once, see the property below); and the wanted plate was
    not read where one car could not also have been (one of the two reads is then not
    the wanted car: a candidate at once, ``exact_elsewhere``).
    """
    index, _ = HotlistIndex.build([entry])
    chain = DecisionChain([wanted_of(entry, index)[0]], calibration=calibration)
    decide_batch(chain, index, base, CAMERAS.get)
    end = max((float(r.ts) for r in base), default=0.0)
    ts = end + 10.0  # later than the camera-pass gap: no other plate in its pass
    assume(
        not any(
            one_step(r.plate, WANTED_PLATE)
            and r.confidence >= MEMORY_CONFIDENCE
            and ts - float(r.ts) <= max(chain.policy.lookalike_s, chain.policy.lookalike_exact_s)
            for r in base
        )
    )
    exact = Read("exact", camera, ts, WANTED_PLATE, confidence, vehicle_colour=entry.colour)
    here = observation_of(exact, ts, CAMERAS.get(camera))
    assume(  # nor was the plate read, in the window, where one car could not also have been
        not any(
            r.plate == WANTED_PLATE
            and not chain._reach.reachable(
                observation_of(r, float(r.ts), CAMERAS.get(r.camera_id)), here
            )
            for r in base
        )
    )
    others = sum(sureness(r.confidence) for r in base if r.plate != WANTED_PLATE)
    assume(others < sureness(0.999) - 0.01)
    sure_enough = 1.0 - math.exp(-others) + 1e-6
    exact = Read(
        "exact", camera, ts, WANTED_PLATE, max(confidence, sure_enough), vehicle_colour=entry.colour
    )
    decisions = decide_batch(chain, index, [exact], CAMERAS.get)
    mine = [d for d in decisions if d.read_id == "exact"]
    assert len(mine) == 1
    assert mine[0].state is State.ALERT
    assert mine[0].surfaced_ts == mine[0].decided_ts == ts


def test_property_helpers_see_what_they_claim() -> None:
    # the strategies reach the cases the properties are about
    entry = HotlistEntry("w1", WANTED_PLATE, colour="white")
    calibration = Calibration(0.0, dict.fromkeys(FEATURES, 1.0), 0.5)
    reads = [Read("a", "c0", 0.0, "123거4567", 0.7), Read("b", "c1", 20.0, WANTED_PLATE, 0.9)]
    decisions = _run(entry, reads, calibration)
    assert {d.read_id for d in decisions} == {"a", "b"}
    assert replace(decisions[-1]).state is State.ALERT


@PROPERTY
@given(
    entries, streams(), st.data(), st.sampled_from(TEXTS[:5]), st.floats(0.3, 0.99), calibrations
)
def test_a_repeated_frame_of_one_camera_pass_adds_nothing(
    entry: HotlistEntry,
    base: list[Read],
    data: st.DataObject,
    text: str,
    confidence: float,
    calibration: Calibration,
) -> None:
    """A camera that reads a car twice in one pass has seen it once: a pass counts by its
    surest frame, so a second identical frame changes no other read's score."""
    assume(base)
    end = max(float(r.ts) for r in base)
    target = Read("target", "c0", end + 100.0, text, confidence)
    original = data.draw(st.sampled_from(base))
    frame = Read(
        f"{original.id}-again",
        original.camera_id,
        original.ts,
        original.plate,
        original.confidence,
        original.alternatives,
        vehicle_colour=original.vehicle_colour,
    )
    once = _first_score(_run(entry, [*base, target], calibration), "target")
    twice = _first_score(_run(entry, [*base, frame, target], calibration), "target")
    assert (once is None) == (twice is None)
    if once is not None and twice is not None:
        assert math.isclose(once, twice, rel_tol=1e-9, abs_tol=1e-12)


@PROPERTY
@given(
    entries,
    streams(),
    st.sampled_from(sorted(CAMERAS)),
    st.floats(0.3, 0.999),
    st.sampled_from([*TEXTS[1:5], "45나6789"]),
    st.floats(0.1, 0.9),
    calibrations,
)
def test_an_exact_read_the_camera_also_read_as_another_plate_never_alerts_alone(
    entry: HotlistEntry,
    base: list[Read],
    camera: str,
    confidence: float,
    rival: str,
    rival_confidence: float,
    calibration: Calibration,
) -> None:
    """Unless the wanted plate was read in another camera pass, an exact read whose own OCR
    alternatives name another valid plate is never an alert (a candidate, at once, when
    nothing else weighs against it; scored like any candidate when reads of look-alike
    plates outweigh it)."""
    from safenet.matching import Alternative
    from safenet.plates import check

    assume(check(rival).valid)
    others = [r for r in base if r.plate != WANTED_PLATE]  # no read of the wanted plate
    end = max((float(r.ts) for r in others), default=0.0)
    exact = Read(
        "exact",
        camera,
        end + 10.0,
        WANTED_PLATE,
        confidence,
        (Alternative(rival, rival_confidence),),
        vehicle_colour=entry.colour,
    )
    decisions = _run(entry, [*others, exact], calibration)
    mine = [d for d in decisions if d.read_id == "exact"]
    assert mine
    assert all(d.state is not State.ALERT for d in mine)


# -- neighbour memory (issue 17): remembered real plates only ever count against -----------

HOURS = 3600.0


@st.composite
def earlier_trips(draw: st.DrawFn) -> list[Read]:
    """Sure reads of any of the texts, hours before the stream: only the memory sees them."""
    count = draw(st.integers(1, 6))
    return [
        Read(
            f"m{i}",
            draw(st.sampled_from(sorted(CAMERAS))),
            -draw(st.floats(0.2, 20)) * HOURS,
            draw(st.sampled_from(TEXTS)),
            draw(st.floats(0.85, 0.999)),
            vehicle_colour=draw(st.sampled_from(COLOURS)),
        )
        for i in range(count)
    ]


@PROPERTY
@given(entries, earlier_trips(), streams(), st.sampled_from(TEXTS[1:5]), st.floats(0.3, 0.99),
       calibrations)  # fmt: skip
def test_remembered_plates_never_raise_a_score(
    entry: HotlistEntry,
    earlier: list[Read],
    base: list[Read],
    text: str,
    confidence: float,
    calibration: Calibration,
) -> None:
    """Whatever was read hours before, a later read's score is at most what it is without."""
    end = max((float(r.ts) for r in base), default=0.0)
    target = Read("target", "c0", end + 100.0, text, confidence)
    without = _first_score(_run(entry, [*base, target], calibration), "target")
    remembered = _first_score(_run(entry, [*earlier, *base, target], calibration), "target")
    assert (without is None) == (remembered is None)
    if without is not None and remembered is not None:
        assert remembered <= without + 1e-12


@PROPERTY
@given(entries, earlier_trips(), streams(), st.sampled_from(TEXTS[:5]), st.floats(0.3, 0.99),
       st.sampled_from(sorted(CAMERAS)), calibrations)  # fmt: skip
def test_agreeing_evidence_never_lowers_a_score_with_memory(
    entry: HotlistEntry,
    earlier: list[Read],
    base: list[Read],
    text: str,
    confidence: float,
    camera: str,
    calibration: Calibration,
) -> None:
    end = max((float(r.ts) for r in base), default=0.0)
    target = Read("target", "c0", end + 100.0, text, confidence)
    agreeing = Read("agree", camera, end + 50.0, WANTED_PLATE, 0.9, vehicle_colour=entry.colour)
    before = _first_score(_run(entry, [*earlier, *base, target], calibration), "target")
    after = _first_score(_run(entry, [*earlier, *base, agreeing, target], calibration), "target")
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert after >= before - 1e-12


@PROPERTY
@given(entries, earlier_trips(), st.sampled_from(sorted(CAMERAS)), st.floats(0.7, 1.0),
       calibrations)  # fmt: skip
def test_memory_never_delays_an_exact_read_nothing_contradicts(
    entry: HotlistEntry,
    earlier: list[Read],
    camera: str,
    confidence: float,
    calibration: Calibration,
) -> None:
    """However surely look-alike plates were read before the window, an exact read whose
    look agrees and that nothing in its window contradicts surfaces from the very call:
    an alert, or -- when a real look-alike car was read surely within
    ``lookalike_exact_s`` and could be its vehicle -- a candidate saying so."""
    index, _ = HotlistIndex.build([entry])
    chain = DecisionChain([wanted_of(entry, index)[0]], calibration=calibration)
    decide_batch(chain, index, earlier, CAMERAS.get)
    exact = Read("exact", camera, 0.0, WANTED_PLATE, confidence, vehicle_colour=entry.colour)
    decisions = decide_batch(chain, index, [exact], CAMERAS.get)
    mine = [d for d in decisions if d.read_id == "exact"]
    assert len(mine) == 1
    assert mine[0].state.surfaced
    assert mine[0].surfaced_ts == mine[0].decided_ts == 0.0
    assert mine[0].features.memory_reads == 0
    mate_this_hour = any(
        one_step(r.plate, WANTED_PLATE)
        and r.confidence >= MEMORY_CONFIDENCE
        and -float(r.ts) <= chain.policy.lookalike_exact_s
        for r in earlier
    )
    if mate_this_hour:  # a candidate, or an alert when its look sets it apart from them
        assert mine[0].rule in (Rule.EXACT_LOOKALIKE, Rule.EXACT)
    else:
        assert mine[0].state is State.ALERT


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(TEXTS), st.sampled_from(sorted(CAMERAS)),
                  st.floats(0, 4 * HOURS), st.floats(0.5, 0.999)),
        max_size=60,
    ),
    st.integers(0, 4),
    st.integers(0, 4),
    st.floats(60.0, 2 * HOURS),
)  # fmt: skip
def test_memory_is_bounded_in_size_and_age(
    reads: list[tuple[str, str, float, float]], plates: int, passes: int, age: float
) -> None:
    from safenet.matching.decision.memory import NeighbourMemory

    memory = NeighbourMemory(
        max_age_s=age, max_plates=plates, max_passes=passes, min_sureness=sureness(0.9),
        pass_gap_s=5.0,
    )  # fmt: skip
    ts = 0.0
    for text, camera, step, confidence in reads:
        ts += step
        memory.remember(text, camera, ts, sureness(confidence))
        assert len(memory) <= plates
        assert memory.passes <= plates * passes
        for text_ in TEXTS:
            # nothing older than the memory's age counts, however it is asked
            assert memory.sureness(text_, ts + age + 1.0, 0.0) == (0.0, 0)
            assert memory.sureness(text_, ts, 0.0)[1] <= passes


@PROPERTY
@given(entries, streams(size=12), calibrations)
def test_the_chain_alerts_with_the_exact_rule_and_only_with_it(
    entry: HotlistEntry, reads: list[Read], calibration: Calibration
) -> None:
    """The center tells an alert from a stored hit's rule (``center.types.is_alert``):
    that holds only while the chain's alerts and its ``exact`` rule go together."""
    from safenet.center.types import ALERT_RULE
    from safenet.matching.decision import Rule, State

    assert Rule.EXACT.value == ALERT_RULE
    for decision in _run(entry, reads, calibration):
        assert (decision.state is State.ALERT) == (decision.rule is Rule.EXACT), decision
