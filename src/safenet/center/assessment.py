"""The decision chain's verdict as a hit keeps it and as the police's card shows it.

:func:`assessment_record` (the JSON a hit keeps), :func:`report_assessment` (what the
LocationReport carries) and :func:`stored_report_assessment` (the report's again from
what a hit kept). Split from :mod:`safenet.center.decide`, which re-exports them.
"""

from __future__ import annotations

from typing import Any

from safenet.center.types import EntryInfo
from safenet.link.messages import ReportAssessment, ReportFactor
from safenet.matching.decision import Decision
from safenet.vehicles import Description, describe


def wanted_description(entry: EntryInfo) -> Description:
    """The entry's description as the chain compares it."""
    description, _ = describe(entry.colour, entry.vehicle_type, entry.make, entry.model)
    return description


def assessment_record(decision: Decision) -> dict[str, Any]:
    """The chain's verdict as the hit keeps it (JSON): score, rule, factors, reads weighed.

    Every factor with its contribution in log-odds and its words in Korean and
    English; ``reads`` counts the linked reads that corroborated the match
    (``for``: reads of the wanted plate in other passes; ``support``: every read
    that raised it) and those that spoke against it (``against``: reads of another
    plate; ``pass``: another plate in the read's own camera pass).
    """
    f = decision.features
    return {
        "score": round(decision.score, 4),
        "state": decision.state.value,
        "rule": decision.rule.value,
        "ko": decision.ko,
        "en": decision.en,
        "threshold": round(decision.threshold, 4),
        "hold_s": decision.hold_s,
        "factors": [
            {
                "factor": x.factor,
                "contribution": x.contribution,
                "ko": x.ko,
                "en": x.en,
                "code": x.code or None,
                "params": dict(x.params),
            }
            for x in decision.factors
        ],
        "reads": {
            "for": f.plate_reads,
            "support": f.support_reads,
            "against": f.against_reads,
            "pass": f.pass_against_reads,
        },
        "surfaced_after_s": None
        if decision.surfaced_ts is None
        else round(max(0.0, decision.surfaced_ts - decision.ts), 1),
    }


def report_assessment(
    decision: Decision, entry: EntryInfo, vehicle_colour: str | None, vehicle_type: str | None
) -> ReportAssessment:
    """The chain's verdict as the LocationReport carries it to the police's card."""
    wanted = wanted_description(entry)
    seen, _ = describe(vehicle_colour, vehicle_type)
    f = decision.features
    return ReportAssessment(
        score=min(1.0, max(0.0, decision.score)),
        rule=decision.rule.value,
        ko=decision.ko[:1000],
        en=decision.en[:1000],
        factors=[
            ReportFactor(
                factor=x.factor,
                contribution=max(-100.0, min(100.0, x.contribution)),
                ko=x.ko[:500],
                en=x.en[:500],
                code=x.code or None,
                params=_params(x.params),
            )
            for x in decision.factors[:12]
        ],
        reads_for=f.plate_reads,
        reads_support=f.support_reads,
        reads_against=f.against_reads,
        wanted_colour=None if wanted.colour is None else wanted.colour.value,
        wanted_type=None if wanted.body is None else wanted.body.value,
        seen_colour=None if seen.colour is None else seen.colour.value,
        seen_type=None if seen.body is None else seen.body.value,
        threshold=min(1.0, max(0.0, decision.threshold)),
        hold_s=min(86400.0, max(0.0, decision.hold_s)),
    )


def _params(params: Any) -> dict[str, str | int | float | None]:
    """A factor's values as the link carries them (at most 8, texts cut to 40)."""
    out: dict[str, str | int | float | None] = {}
    for key, value in list(dict(params or {}).items())[:8]:
        if isinstance(value, str):
            out[str(key)] = value[:40]
        elif value is None or isinstance(value, int | float):
            out[str(key)] = value
    return out


def stored_report_assessment(
    record: dict[str, Any] | None,
    wanted_words: tuple[str | None, str | None],
    seen_words: tuple[str | None, str | None],
) -> ReportAssessment | None:
    """The report's assessment from what a hit kept (:func:`assessment_record`), if anything.

    ``wanted_words`` and ``seen_words`` are (colour, type) of the entry and of the read.
    """
    if not record:
        return None
    wanted, _ = describe(*wanted_words)
    seen, _ = describe(*seen_words)
    reads = record.get("reads") or {}
    return ReportAssessment(
        score=min(1.0, max(0.0, float(record.get("score", 0.0)))),
        rule=str(record.get("rule", "surfaced")),
        ko=str(record.get("ko", ""))[:1000],
        en=str(record.get("en", ""))[:1000],
        factors=[
            ReportFactor(
                factor=str(f["factor"]),
                contribution=max(-100.0, min(100.0, float(f["contribution"]))),
                ko=str(f["ko"])[:500],
                en=str(f["en"])[:500],
                code=f.get("code") or None,
                params=_params(f.get("params")),
            )
            for f in (record.get("factors") or [])[:12]
        ],
        reads_for=int(reads.get("for", 0)),
        reads_support=int(reads.get("support", 0)),
        reads_against=int(reads.get("against", 0)),
        wanted_colour=None if wanted.colour is None else wanted.colour.value,
        wanted_type=None if wanted.body is None else wanted.body.value,
        seen_colour=None if seen.colour is None else seen.colour.value,
        seen_type=None if seen.body is None else seen.body.value,
        threshold=_bounded(record.get("threshold"), 1.0),
        hold_s=_bounded(record.get("hold_s"), 86400.0),
    )


def _bounded(value: Any, top: float) -> float | None:
    """A stored number kept within ``0..top`` (None when the hit did not keep it)."""
    if not isinstance(value, int | float):
        return None
    return min(top, max(0.0, float(value)))
