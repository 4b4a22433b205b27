"""The police keep a report's ``match`` (why the read matched, as data) for the card (issue 18).

Stored beside the assessment in the hit's ``assessment`` column (no migration) and
served as the hit's ``why``; a report without it (an older center) has ``why`` null
and its assessment exactly as before.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from safenet.link.messages import (
    ReportAssessment,
    ReportDifference,
    ReportFactor,
    ReportMatch,
)
from safenet.police.tables import alerts
from tests.police.support import APPROVER, REGISTRAR, Police, draft, report


async def _active(police: Police, **overrides: Any) -> str:
    entry = await police.service.actions.register(draft(**overrides), REGISTRAR)
    await police.service.actions.approve(entry.entry_id, APPROVER)
    return entry.entry_id


def _payloads(police: Police) -> list[dict[str, Any]]:
    with police.db.read() as conn:
        rows = conn.execute(sa.select(alerts).order_by(alerts.c.alert_id)).all()
    return [r.payload for r in rows]


MATCH = ReportMatch(
    kind="misread",
    level="equivalent",
    reported_level="equivalent",
    text="12거3456",
    registered="12가3456",
    rank=0,
    confidence=0.8,
    differences=[
        ReportDifference(
            factor="lookalike", position=2, part="usage", read_char="거", registered_char="가"
        )
    ],
)
ASSESSMENT = ReportAssessment(
    score=0.6,
    rule="surfaced",
    ko="점수 0.60",
    en="score 0.60",
    factors=[
        ReportFactor(
            factor="colour",
            contribution=1.2,
            ko="색상: 일치",
            en="colour: agrees",
            code="agrees",
            params={"seen": "white", "registered": "white"},
        )
    ],
    threshold=0.3,
    hold_s=60.0,
)


async def test_the_match_structure_reaches_the_card(police: Police) -> None:
    entry_id = await _active(police, category="missing_person")  # candidates alert at once
    await police.send(
        report(
            1,
            entry_id,
            level="equivalent",
            plate_read="12거3456",
            match=MATCH,
            assessment=ASSESSMENT,
        )
    )
    (payload,) = _payloads(police)
    hit = payload["hit"]
    assert hit["why"]["kind"] == "misread"
    (d,) = hit["why"]["differences"]
    assert (d["factor"], d["position"], d["part"], d["read_char"], d["registered_char"]) == (
        "lookalike",
        2,
        "usage",
        "거",
        "가",
    )
    assert "match" not in hit["assessment"]
    (f,) = hit["assessment"]["factors"]
    assert (f["code"], f["params"]) == ("agrees", {"seen": "white", "registered": "white"})
    assert hit["assessment"]["threshold"] == 0.3


async def test_a_report_without_it_reads_as_before(police: Police) -> None:
    entry_id = await _active(police, category="missing_person")
    await police.send(report(1, entry_id, level="equivalent"))
    await police.send(report(2, entry_id, level="equivalent", match=MATCH))
    first, second = (p["hit"] for p in _payloads(police))
    assert (first["why"], first["assessment"]) == (None, None)
    assert second["why"]["text"] == "12거3456"
    assert second["assessment"] is None
