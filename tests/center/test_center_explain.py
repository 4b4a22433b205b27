"""The center serves why a candidate matched as data, and reports it so (issue 18).

The queue item's ``why`` names each difference (factor code, position, plate part,
read and registered character); the decision's factors carry codes and values; the
LocationReport carries the same structure as ``match``, also when an operator's
confirmation sends the report later.
"""

from __future__ import annotations

from datetime import timedelta

from safenet.auth import Role
from tests.center.conftest import CenterEnv, auth, entry, read


async def _queue(center: CenterEnv) -> list[dict[str, object]]:
    listed = await center.client.get("/api/v1/candidates", headers=auth(Role.OPERATOR))
    assert listed.status_code == 200, listed.text
    items: list[dict[str, object]] = listed.json()["candidates"]
    return items


async def test_a_misread_candidate_says_which_character_differs_as_data(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456", colour="white", vehicle_type="suv")])
    t = center.clock()
    white = {"colour": "흰색"}
    await center.post([read("r1", "12거3456", t, confidence=0.7, vehicle=white)])
    # The wanted plate itself, 20 s later at a camera 150 m away, surfaces the misread.
    later = t + timedelta(seconds=20)
    await center.post([read("r2", "12가3456", later, camera="SC-05", vehicle=white)])
    reports = await center.reports(2)
    (report,) = [r for r in reports if r.decision == "candidate"]
    (item,) = await _queue(center)
    why = item["why"]
    assert isinstance(why, dict)
    assert why["kind"] == "misread"
    assert (why["text"], why["registered"], why["rank"]) == ("12거3456", "12가3456", 0)
    assert why["differences"] == [
        {
            "factor": "lookalike",
            "position": 2,
            "part": "usage",
            "digit": None,
            "read_char": "거",
            "registered_char": "가",
        }
    ]
    assessment = item["assessment"]
    assert isinstance(assessment, dict)
    codes = {f["factor"]: (f["code"], f["params"]) for f in assessment["factors"]}
    assert codes["colour"] == ("agrees", {"seen": "white", "registered": "white"})
    assert codes["type"] == ("unknown", {})
    assert codes["plate"][1]["text"] == "12거3456"
    assert assessment["threshold"] > 0

    # The report to the police carries the same, as data.
    assert report.match is not None
    assert report.match.kind == "misread"
    (d,) = report.match.differences
    assert (d.factor, d.position, d.part, d.read_char, d.registered_char) == (
        "lookalike",
        2,
        "usage",
        "거",
        "가",
    )
    assert report.assessment is not None
    colour = next(f for f in report.assessment.factors if f.factor == "colour")
    assert (colour.code, colour.params) == ("agrees", {"seen": "white", "registered": "white"})
    assert report.assessment.threshold is not None


async def test_an_alternative_that_is_the_plate_is_said_with_its_confidence(
    center: CenterEnv,
) -> None:
    await center.snapshot([entry("E1", "12가3456", confirm_before_send=True)])
    alternative = [{"plate": "12가3456", "confidence": 0.3}]
    await center.post(
        [read("r1", "12가3458", center.clock(), confidence=0.5, alternatives=alternative)]
    )
    await center.settle()
    (item,) = await _queue(center)
    decided = await center.client.post(
        f"/api/v1/candidates/{item['hit_id']}/confirm",
        json={"reason": "the snapshot shows 12가3456"},
        headers=auth(Role.OPERATOR),
    )
    assert decided.status_code == 200, decided.text
    (report,) = await center.reports(1)
    why = item["why"]
    assert isinstance(why, dict)
    assert (why["kind"], why["rank"], why["confidence"]) == ("exact_alternative", 1, 0.3)
    assert report.match is not None
    assert report.match.kind == why["kind"]


async def test_a_confirmed_candidate_reports_the_match_structure(center: CenterEnv) -> None:
    await center.snapshot([entry("E1", "12가3450", colour="white", confirm_before_send=True)])
    white = {"colour": "흰색"}
    t = center.clock()
    await center.post([read("r1", "12가3458", t, confidence=0.7, vehicle=white)])
    later = t + timedelta(seconds=20)
    await center.post([read("r2", "12가3450", later, camera="SC-05", vehicle=white)])
    await center.settle()
    (item,) = await _queue(center)
    decided = await center.client.post(
        f"/api/v1/candidates/{item['hit_id']}/confirm",
        json={"reason": "the snapshot shows 12가3450"},
        headers=auth(Role.OPERATOR),
    )
    assert decided.status_code == 200, decided.text
    reports = await center.reports(2)
    (report,) = [r for r in reports if r.decision == "confirmed"]
    assert report.match is not None
    (d,) = report.match.differences
    assert (d.factor, d.position, d.part, d.digit) == ("lookalike", 6, "serial", 4)
    assert (d.read_char, d.registered_char) == ("8", "0")


async def test_the_status_names_the_links_kind_as_a_code(sqlite_center: CenterEnv) -> None:
    status = await sqlite_center.client.get("/api/v1/status", headers=auth(Role.OPERATOR))
    assert status.status_code == 200, status.text
    link = status.json()["link"]
    # The console words the kind; the class name stays for operations staff only.
    assert link["kind"] == "in_process"
    assert link["transport"] == "MemoryTransport"
