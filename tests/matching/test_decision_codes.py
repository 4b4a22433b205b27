"""Every factor of a decision says what it says as a code with values (issue 18).

The consoles word a decision's factors from their catalogue; the code must cover
each case the Korean and English words cover, and the values must be the ones the
words name (vocabulary codes, counts, the plate read).
"""

from __future__ import annotations

from safenet.matching import HotlistEntry
from safenet.matching.decision import FEATURES
from tests.matching.test_decision import CAMERAS, run
from tests.matching.test_decision import read as dread

CODES = {
    "base": {"base", "busy"},
    "plate": {"plate"},
    "exact": {"top_is_wanted", "top_not_wanted"},
    "colour": {"agrees", "contradicts", "close", "unknown"},
    "type": {"agrees", "contradicts", "close", "unknown"},
    "make": {"agrees", "contradicts", "close", "unknown"},
    "support": {"none", "reads"},
    "against": {"none", "pass", "lookalike", "other_plate"},
}


def test_every_factor_of_every_decision_has_a_known_code_and_its_values() -> None:
    wanted = HotlistEntry("w1", "123가4567", colour="흰색", vehicle_type="SUV")
    reads = [
        dread("r1", "a", 0.0, "123가4567", 0.95, "흰색", "SUV"),
        dread("r2", "b", 60.0, "123거4567", 0.6, "검정", "승용"),
        dread("r3", "b", 61.0, "123거4567", 0.9, "검정", "승용"),
        dread("r4", "a", 120.0, "123가4561", 0.6),
    ]
    decisions, _ = run(reads, (wanted,), cameras=CAMERAS)
    assert decisions
    seen_codes: set[tuple[str, str]] = set()
    for d in decisions:
        assert [f.factor for f in d.factors] == ["base", *FEATURES]
        assert d.threshold > 0
        for f in d.factors:
            assert f.code in CODES[f.factor], (f.factor, f.code)
            seen_codes.add((f.factor, f.code))
            if f.factor == "plate":
                assert f.params["text"] == d.match.text
                assert f.params["registered"] == "123가4567"
                assert f.params["level"] == d.match.level.value
            if f.factor in ("colour", "type") and f.code != "unknown":
                assert f.params["registered"] in ("white", "suv")
            if f.factor in ("support", "against") and f.code not in ("none",):
                assert isinstance(f.params["n"], int)
                assert f.params["n"] >= 1
    assert ("colour", "agrees") in seen_codes
    assert ("colour", "contradicts") in seen_codes
    assert ("colour", "unknown") in seen_codes
    assert ("exact", "top_is_wanted") in seen_codes
    assert ("exact", "top_not_wanted") in seen_codes
