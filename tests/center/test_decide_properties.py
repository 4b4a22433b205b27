"""Properties of the live path (issue 17): the center's decide stage keeps the chain's promises.

The pure chain's properties are in tests/matching/test_decision_properties.py; these
drive the center's own :class:`~safenet.center.decide.LiveDecisions` with hit drafts
made as the match stage makes them, after a random stream of earlier reads:

- an exact top read the camera is sure of, with a description that agrees (or none),
  is an alert at once: never held, never delayed, never made a candidate;
- a description that contradicts the entry never raises the score the read gets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safenet.center.decide import LiveDecisions, read_key
from safenet.center.hits import draft_hit
from safenet.center.hotlist_index import build_index
from safenet.center.types import CameraInfo, EntryInfo, IncomingRead, ReadItem
from safenet.matching import Alternative, HotlistIndex, Read
from safenet.matching.decision import EVIDENCE_FLOOR, DecisionPolicy, State
from safenet.tracking import GeoPoint
from safenet.vehicles import BodyType, Colour

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
PLATE = "12가3456"
CAMERAS = {
    "A": CameraInfo("A", 37.4837, 127.0324, None, "", None),
    "B": CameraInfo("B", 37.4850, 127.0330, None, "", None),
    "C": CameraInfo("C", 37.4920, 127.0119, None, "", None),
}
# Texts an earlier read may carry: the wanted plate, its look-alikes, an unrelated plate.
TEXTS = ("12가3456", "12거3456", "12가3458", "12가8456", "34나5678")


def _entry(colour: str | None, body: str | None) -> EntryInfo:
    return EntryInfo(
        entry_id="E1",
        plate=PLATE,
        category="robbery",
        expires_at=T0 + timedelta(days=2),
        fuzzy_allowance=1.0,
        vehicle="",
        policy="default",
        confirm_before_send=False,
        colour=colour,
        vehicle_type=body,
    )


class Live:
    """One center's decide stage, without the database."""

    def __init__(self, entry: EntryInfo) -> None:
        self.entry = entry
        self.index: HotlistIndex = build_index([entry], 1, T0)[0]
        self.decisions = LiveDecisions(DecisionPolicy(hold_s=60))
        self.decisions.sync(self.index, lambda _id: entry)
        self.n = 0

    def read(
        self,
        text: str,
        at: float,
        camera: str,
        confidence: float,
        colour: str | None = None,
        body: str | None = None,
        alternatives: tuple[tuple[str, float], ...] = (),
    ) -> ReadItem:
        self.n += 1
        ts = T0 + timedelta(seconds=at)
        item = ReadItem(
            incoming=IncomingRead(
                read_id=f"r{self.n}",
                camera_id=camera,
                ts=ts,
                plate=text,
                confidence=confidence,
                alternatives=alternatives,
                vehicle_colour=colour,
                vehicle_type=body,
            ),
            ingested_at=0.0,
            received_at=ts,
            plate=text,
            alternatives=alternatives,
            camera=CAMERAS[camera],
        )
        matches = self.index.match_many(
            [
                Read(
                    "0",
                    camera,
                    ts.isoformat(),
                    text,
                    confidence,
                    [Alternative(p, c) for p, c in alternatives],
                )
            ],
            EVIDENCE_FLOOR,
        )
        for m in matches:
            if m.score >= self.index.threshold(m.entry_id):
                item.hits.append(draft_hit("seocho", camera, f"r{self.n}", m, self.entry, ()))
            else:
                item.evidence.append(m)
        c = CAMERAS[camera]
        self.decisions.decide(item, GeoPoint(c.lat, c.lon))
        return item


earlier_reads = st.lists(
    st.tuples(
        st.sampled_from(TEXTS[1:]),  # never the wanted plate: those would back it
        st.floats(0.0, 100.0),
        st.sampled_from(sorted(CAMERAS)),
        st.floats(0.05, 0.999),
    ),
    max_size=6,
)
colours = st.sampled_from([c.value for c in Colour])
bodies = st.sampled_from([b.value for b in BodyType])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entry_colour=st.none() | colours,
    entry_body=st.none() | bodies,
    confidence=st.floats(0.7, 0.999),
    camera=st.sampled_from(sorted(CAMERAS)),
    seen_too=st.booleans(),
)
def test_the_exact_and_agreeing_path_is_an_alert_at_once(
    entry_colour: str | None,
    entry_body: str | None,
    confidence: float,
    camera: str,
    seen_too: bool,
) -> None:
    live = Live(_entry(entry_colour, entry_body))
    # The camera saw what the entry says (or says nothing).
    seen = (entry_colour, entry_body) if seen_too else (None, None)
    item = live.read(PLATE, 200.0, camera, confidence, *seen)
    (draft,) = item.hits
    assert draft.alert
    assert draft.assessment is not None
    assert draft.assessment.state is State.ALERT
    assert draft.assessment.surfaced_ts == draft.assessment.ts
    assert live.decisions.held == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stream=earlier_reads,
    text=st.sampled_from(TEXTS[:4]),
    confidence=st.floats(0.05, 0.999),
    entry_colour=colours,
    entry_body=bodies,
    seen_colour=colours,
    seen_body=bodies,
)
def test_a_contradicting_description_never_raises_the_score(
    stream: list[tuple[str, float, str, float]],
    text: str,
    confidence: float,
    entry_colour: str,
    entry_body: str,
    seen_colour: str,
    seen_body: str,
) -> None:
    def score(seen: tuple[str | None, str | None]) -> float | None:
        live = Live(_entry(entry_colour, entry_body))
        for t, at, camera, conf in stream:
            live.read(t, at, camera, conf)
        item = live.read(text, 150.0, "A", confidence, *seen)
        held = live.decisions._held.get((read_key(item), "E1"))
        draft = item.hits[0] if item.hits else (held.draft if held is not None else None)
        if draft is None or draft.assessment is None:
            return None  # below the entry's threshold: evidence only, no decision
        return draft.assessment.score

    from safenet.vehicles import body_ratio, colour_ratio

    contradicts = colour_ratio(seen_colour, entry_colour) <= 0.25 or (
        body_ratio(seen_body, entry_body) <= 0.25
    )
    agrees_nowhere = colour_ratio(seen_colour, entry_colour) <= 1.0 and (
        body_ratio(seen_body, entry_body) <= 1.0
    )
    without = score((None, None))
    with_look = score((seen_colour, seen_body))
    if without is None or with_look is None or not (contradicts and agrees_nowhere):
        return
    assert with_look <= without + 1e-9
