"""A decision as one JSON object: what ``safenet match`` writes and a center could log.

The matcher's fields come first, as the per-read matcher has always written them,
then the decision's: ``state``, ``reason`` (the rule in words and every factor with
its contribution in log-odds and its words in Korean and English),
``surfaced_ts``, ``decision_score`` and ``group``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from safenet.matching.decision.types import Decision


def time_like(seconds: float | None, original: str | float) -> str | float | None:
    """A stream time in the form the read's own ``ts`` had (ISO text in UTC, or seconds)."""
    if seconds is None:
        return None
    if isinstance(original, str):
        moment = datetime.fromtimestamp(seconds, UTC)
        text = moment.isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    return round(seconds, 3)


def decision_record(decision: Decision, original_ts: str | float) -> dict[str, Any]:
    """The JSON object of one decided match."""
    m = decision.match
    return {
        "read_id": m.read_id,
        "entry_id": m.entry_id,
        "level": m.level.value,
        "score": round(m.score, 4),
        "explanation": m.explanation,
        "text": m.text,
        "registered": m.registered,
        "rank": m.rank,
        "state": decision.state.value,
        "reason": {
            "rule": decision.rule.value,
            "ko": decision.ko,
            "en": decision.en,
            "factors": [
                {
                    "factor": f.factor,
                    "contribution": f.contribution,
                    "ko": f.ko,
                    "en": f.en,
                    "code": f.code,
                    "params": dict(f.params),
                }
                for f in decision.factors
            ],
        },
        "surfaced_ts": time_like(decision.surfaced_ts, original_ts),
        "decision_score": round(decision.score, 4),
        "group": list(decision.group),
    }
